"""Issue 14's cases that need their own index, server or mount: 6 (kill -9 mid-DELETE),
7 (damaged records), 8 (damaged vectors), 11 (full disk, read-only corpus) and 13 (a killed
build resumes). Run by ``bench/hardening.py``; each adds one row to its table."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import numpy as np
from rel_helpers import FAKE_CLI, PYTHON, SCRUTINY, make_corpus, stop_server, subprocess_env

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from hardening import Bench

ROOT = Path(__file__).resolve().parent.parent
KEY = "hardening-bench-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
MINUTES = ("MINUTES of the Overview and Scrutiny Panel, 3 March 2021. Present: Councillor Ada "
           "Lovelace (Chair).\n\n1. Library opening hours\n\nRESOLVED that the quarterly report "
           "on library opening hours be noted.\n")


def quiet(fn: Callable[[], Any]) -> None:
    try:
        fn()
    except httpx.HTTPError:
        pass


def case6(bench: Bench) -> None:
    corpus, index = bench.copy("case6")
    proc, url = bench.serve(corpus, index)
    doc = httpx.get(url + "/documents", timeout=30).json()["documents"][0]
    thread = threading.Thread(target=lambda: quiet(lambda: httpx.delete(
        f"{url}/documents/{doc['doc_id']}", headers=AUTH, timeout=60)))
    thread.start()
    time.sleep(0.25)
    stop_server(proc, kill=True)
    thread.join(60)
    journal_left = (index / ".scrutiny-journal.json").exists()
    proc, url = bench.serve(corpus, index)
    listed = {d["doc_id"] for d in httpx.get(url + "/documents", timeout=30).json()[
        "documents"]}
    consistent = (doc["doc_id"] in listed) == (corpus / doc["source"]).exists()
    code, body = bench.upload(url, "after-kill.txt", MINUTES.encode())
    d = httpx.delete(f"{url}/documents/{(body.get('document') or {}).get('doc_id')}",
                     headers=AUTH, timeout=300).status_code
    stop_server(proc)
    state = "rolled back" if doc["doc_id"] in listed else "completed"
    ok = consistent and code == 201 and d == 200
    bench.row("6", "restart settles the write; later upload/delete work",
             f"killed at 0.25 s (journal left={journal_left}); {state}; index and corpus "
             f"agree={consistent}; upload {code}, delete {d}", ok)


def case7(bench: Bench, corpus: Path, index: Path) -> None:
    from indexer import layout

    c7, i7 = bench.root / "case7" / "corpus", bench.root / "case7" / "index"
    shutil.copytree(corpus, c7, symlinks=True)
    shutil.copytree(index, i7)
    _scribble(layout.generation_path(i7) / layout.RECORDS)
    proc, url = bench.serve(c7, i7)
    health = httpx.get(url + "/health", timeout=30).status_code
    search = httpx.get(url + "/search", params={"q": "adoption"}, timeout=60).status_code
    stop_server(proc)
    for older in layout.older_generations(i7, layout.current_generation(i7) or ""):
        shutil.rmtree(older)  # no fallback left: the CLI must give the repair message
    s = bench.cli("search", "adoption", "--index", str(i7))
    tidy = "Traceback" not in s.stderr and "--rebuild" in s.stderr + s.stdout
    b = bench.cli("index", str(c7), "--index", str(i7))
    noticed = "nothing changed" not in b.stdout and "damaged" in b.stdout
    check = bench.cli("check", "--index", str(i7))
    ok = health == 200 and search == 200 and tidy and noticed and check.returncode == 0
    bench.row("7", "serve falls back (200); CLI repair message; index notices",
             f"serve health {health}, search {search}; `search` message, no traceback="
             f"{tidy}; `index` noticed={noticed}; check after exit {check.returncode}", ok)


def case8(bench: Bench) -> None:
    from indexer import layout, store, vectors

    corpus, index = bench.copy("case8")
    gen = layout.generation_path(index)
    loaded = vectors.load(gen / layout.VECTORS)
    import faiss

    ids = faiss.vector_to_array(loaded.id_map).astype("int64")
    raw = vectors.stored_vectors(loaded).copy()
    raw[0, 0] = np.nan
    raw[1:4] = raw[1:4][::-1] * -1
    vectors.save(vectors.build(ids, raw, raw.shape[1], 10**9)[0], gen / layout.VECTORS)
    check = bench.cli("check", "--index", str(index))
    (corpus / "extra.txt").write_text(MINUTES)
    bench.cli("index", str(corpus), "--index", str(index))
    after = bench.cli("check", "--index", str(index))
    gen = layout.generation_path(index)
    conn = store.connect_reader(gen / layout.RECORDS)
    cache_ids, cache = store.all_vectors(conn, raw.shape[1])
    conn.close()
    built = vectors.load(gen / layout.VECTORS)
    got = np.vstack([built.reconstruct(int(i)) for i in cache_ids])
    differ = int((~np.isclose(got, cache).all(axis=1)).sum())
    ok = check.returncode != 0 and after.returncode == 0 and differ == 0
    bench.row("8", "check fails; next build repairs instead of copying",
             f"check exit {check.returncode} ({_first_problem(check.stdout)}); after "
             f"update: check exit {after.returncode}, {differ} vectors differ from cache",
             ok)


def case11(bench: Bench) -> None:
    results = []
    for label, mount, expect in (("full disk", "size={kb}k", 507),
                                 ("read-only", "size={kb}k,ro", 503)):
        corpus, index = bench.copy(f"case11-{label.replace(' ', '-')}")
        kb = sum(p.stat().st_size for p in corpus.iterdir()) // 1024 + 64
        src = bench.root / f"case11-{label.replace(' ', '-')}" / "src"
        shutil.copytree(corpus, src)
        opts = mount.format(kb=kb)
        script = (f"mount -t tmpfs -o size={kb}k tmpfs {corpus} && cp -a {src}/. {corpus}/"
                  + (f" && mount -o remount,{opts} {corpus}" if "ro" in opts else "")
                  + ' && exec "$@"')
        wrap = ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh"]
        if os.geteuid() != 0:
            wrap = ["unshare", "-rm", "--propagation", "private", "sh", "-c", script, "sh"]
        try:
            proc, url = bench.serve(corpus, index, wrap=wrap)
        except (RuntimeError, TimeoutError, FileNotFoundError) as exc:
            results.append((label, f"not run: cannot mount ({str(exc)[-60:]})", None))
            continue
        r = httpx.post(url + "/documents", headers=AUTH, timeout=120, files={
            "file": ("big-minutes.txt", (MINUTES * 2000).encode())})
        # the server's own view of its corpus (its private mount namespace)
        left = " ".join(p.name for p in Path(f"/proc/{proc.pid}/root{corpus}").iterdir())
        stop_server(proc)
        partial = ".uploading" in left or "big-minutes" in left
        results.append((label, f"{r.status_code} {r.json().get('detail', '')[:40]}; "
                        f"partial file={partial}", r.status_code == expect and not partial))
    got = "; ".join(f"{label}: {text}" for label, text, _ in results)
    ok = all(flag is not False for _, _, flag in results) and any(
        flag for _, _, flag in results)
    bench.row("11", "507 (full) / 503 (read-only), short message, no partial file", got, ok)


def case13(bench: Bench) -> None:
    corpus = make_corpus(bench.root / "case13" / "corpus", copies=2)
    index = bench.root / "case13" / "index"
    cmd = ([PYTHON, str(FAKE_CLI)] if bench.fake else [SCRUTINY]) + [
        "index", str(corpus), "--index", str(index)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=subprocess_env(), cwd=ROOT)
    killed_at = ""
    deadline = time.monotonic() + 900
    while proc.poll() is None and time.monotonic() < deadline:
        saved = _saved_vectors(index)  # the build's own record of what it has embedded
        if saved >= 256:
            proc.send_signal(signal.SIGKILL)
            killed_at = f"{saved} vectors saved"
            break
        time.sleep(0.1)
    proc.wait(60)
    again = bench.cli("index", str(corpus), "--index", str(index), "--json")
    report = json.loads(again.stdout[again.stdout.index("{"):]) if "{" in again.stdout \
        else {}
    embedded, reused = report.get("chunks_embedded", -1), report.get("chunks_reused", 0)
    ok = bool(killed_at) and reused >= 256 and 0 < embedded < embedded + reused
    bench.row("13", "restart re-embeds only what was not finished",
             f"killed mid-embedding ({killed_at}); restart embedded {embedded}, reused "
             f"{reused} of {embedded + reused}", ok)


def _scribble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for at in range(8192, len(data), 4096 * 3):
        data[at:at + 200] = os.urandom(200)
    path.write_bytes(bytes(data))


def _saved_vectors(index: Path) -> int:
    total = 0
    for path in index.glob("embed-progress-*.sqlite"):
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.1)
            try:
                total += conn.execute("SELECT COUNT(*) FROM embed_cache").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.Error:
            continue
    return total


def _first_problem(text: str) -> str:
    found = [w for w in ("sha256 differs", "NaN or infinite") if w in text]
    return " and ".join(found) or text.strip()[-60:]
