"""Replay issue 14's thirteen cases against a real server and the real CLI; print a table.

Everything happens in a temporary directory: a copy of the bundled corpus, an index built
from it with `scrutiny index`, and `python -m api` servers on free 127.0.0.1 ports (only
loopback traffic). Each case prints one row: case, expected, got, and PASS/FAIL. Bounded:
every wait has a deadline, every loop a count, and every server is stopped at the end.
Case 11 mounts a small tmpfs (full disk) and a read-only one over the corpus in a private
mount namespace (`unshare`); where that is not allowed it says so and falls back to a
read-only folder.

    python bench/hardening.py               # the real model (about 5 minutes on 2 cores)
    python bench/hardening.py --fake        # the fake embedder (about 1 minute)
    python bench/hardening.py --only 1,12   # some cases
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "reliability")]

import hardening_more  # noqa: E402
from hardening_more import AUTH, KEY, MINUTES  # noqa: E402
from rel_helpers import (  # noqa: E402
    CORPUS,
    FAKE_CLI,
    FAKE_SERVER,
    PYTHON,
    SCRUTINY,
    deleted_handles,
    free_port,
    make_variant,
    sample_pdf,
    stop_server,
    subprocess_env,
    wait_healthy,
)


class Bench:
    def __init__(self, root: Path, fake: bool) -> None:
        self.root = root
        self.fake = fake
        self.rows: list[tuple[str, str, str, bool]] = []
        self.procs: list[subprocess.Popen[bytes]] = []

    # -- helpers -------------------------------------------------------------------------------
    def cli(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        cmd = [PYTHON, str(FAKE_CLI), *args] if self.fake else [SCRUTINY, *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              env=subprocess_env(), cwd=ROOT)

    def copy(self, name: str) -> tuple[Path, Path]:
        """A private copy of the base corpus and index."""
        corpus, index = self.root / name / "corpus", self.root / name / "index"
        shutil.copytree(self.root / "base" / "corpus", corpus, symlinks=True)
        shutil.copytree(self.root / "base" / "index", index)
        return corpus, index

    def serve(self, corpus: Path, index: Path, env: dict[str, str] | None = None,
              wrap: list[str] | None = None, timeout: float = 180, slow: bool = False
              ) -> tuple[subprocess.Popen[bytes], str]:
        port = free_port()
        if self.fake:  # builds made as slow as real ones, so the queue cases mean the same
            cmd = [PYTHON, str(FAKE_SERVER), "--index", str(index), "--corpus", str(corpus),
                   "--port", str(port), *(("--build-delay", "0.3") if slow else ())]
        else:
            cmd = [PYTHON, "-m", "api", "--index", str(index), "--corpus", str(corpus),
                   "--port", str(port), "--log-level", "warning"]
        full_env = dict(subprocess_env(), SCRUTINY_API_KEY=KEY, **(env or {}))
        proc = subprocess.Popen([*(wrap or []), *cmd], env=full_env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.procs.append(proc)
        url = f"http://127.0.0.1:{port}"
        wait_healthy(proc, url, timeout)
        return proc, url

    def row(self, case: str, expected: str, got: str, ok: bool) -> None:
        self.rows.append((case, expected, got, ok))
        print(f"{case:<4} {'PASS' if ok else 'FAIL'}  {got}", flush=True)

    def upload(self, url: str, name: str, data: bytes, timeout: float = 300,
               **fields: str) -> tuple[int, dict[str, Any]]:
        """The upload's final status: 201/200, or a 202 polled until it is done."""
        r = httpx.post(url + "/documents", headers=AUTH, files={"file": (name, data)},
                       data=fields, timeout=timeout)
        if r.status_code != 202:
            return r.status_code, r.json()
        status_url = url + r.headers["location"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s = httpx.get(status_url, headers=AUTH, timeout=10).json()
            if s["status"] in ("indexed", "unchanged"):
                return (201 if s["status"] == "indexed" else 200), s
            if s["status"] in ("failed", "cancelled"):
                return int(s["error_status"]), s
            time.sleep(0.3)
        return 0, {"detail": "timed out"}

    # -- the cases -----------------------------------------------------------------------------
    def case1(self, url: str) -> None:
        t0 = time.perf_counter()
        body = b'{"messages": [{"role": "user", "content": [' + b"{}," * 8_700_000 + b"{}]}]}"
        r1 = httpx.post(url + "/v1/chat/completions", content=body, timeout=60,
                        headers={"Content-Type": "application/json"})
        small = b'{"messages": [{"role": "user", "content": [' + b"{}," * 300_000 + b"{}]}]}"
        r2 = httpx.post(url + "/v1/chat/completions", content=small, timeout=60,
                        headers={"Content-Type": "application/json"})
        keys = json.dumps({"question": "budget", "filters": {f"k{i}": "x" for i in range(40_000)}})
        r3 = httpx.post(url + "/ask", content=keys, timeout=60,
                        headers={"Content-Type": "application/json"})
        took = time.perf_counter() - t0
        alive = httpx.get(url + "/health", timeout=10).status_code == 200
        sizes = [len(r.content) for r in (r1, r2, r3)]
        got = (f"25 MB chat {r1.status_code}, 0.9 MB chat {r2.status_code}, 0.6 MB filters "
               f"{r3.status_code}; replies {sizes} B; {took:.1f} s; alive={alive}")
        ok = (r1.status_code == 413 and r2.status_code == 422 and r3.status_code == 422
              and max(sizes) < 4096 and alive and took < 20)
        self.row("1", "413/422, replies < 4 KB, server alive", got, ok)

    def case2(self, corpus: Path, index: Path, url: str) -> None:
        (corpus / "passwd.txt").symlink_to("/etc/passwd")
        done = self.cli("index", str(corpus), "--index", str(index))
        listed = [d["source"] for d in httpx.get(url + "/documents", timeout=30).json()[
            "documents"]]
        hits = httpx.get(url + "/search", params={"q": "root nologin bin bash daemon"},
                         timeout=60).json()["hits"]
        leaked = any("nologin" in h["text"] or "/bin/" in h["text"] for h in hits)
        reason = next((line.strip() for line in done.stdout.splitlines() if "passwd" in line),
                      "(no line)")
        ok = done.returncode == 0 and "passwd.txt" not in listed and not leaked \
            and "outside" in reason
        self.row("2", "link to /etc/passwd skipped with a reason, never served",
                 f"{reason[:70]}; listed={'passwd.txt' in listed}; in search={leaked}", ok)
        (corpus / "passwd.txt").unlink()

    def case3(self, corpus: Path, index: Path, url: str) -> None:
        codes, ids = [], []
        for n, name in enumerate(("Cabinet 2019.txt", "cabinet-2019.txt", "cabinet_2019.txt")):
            code, body = self.upload(url, name, (MINUTES + f"Copy {n}.\n").encode())
            codes.append(code)
            ids.append((body.get("document") or {}).get("doc_id"))
        done = self.cli("index", str(corpus), "--index", str(index))
        ok = codes == [201, 201, 201] and len(set(ids)) == 3 and done.returncode == 0
        self.row("3", "three uploads 201 with distinct ids; builds succeed",
                 f"uploads {codes}, ids {ids}; `scrutiny index` exit {done.returncode}", ok)

    def case4(self, corpus: Path, index: Path, url: str) -> None:
        doc = httpx.get(url + "/documents", timeout=30).json()["documents"][0]
        r = httpx.delete(f"{url}/documents/{doc['doc_id']}", headers=AUTH, timeout=300)
        trashed = [p for p in (corpus / ".scrutiny-trash").rglob(doc["source"])]
        gone = not (corpus / doc["source"]).exists()
        restored = False
        if trashed:
            shutil.move(trashed[0], corpus / doc["source"])
            self.cli("index", str(corpus), "--index", str(index))
            restored = httpx.get(f"{url}/documents/{doc['doc_id']}", timeout=30
                                 ).status_code == 200
        ok = r.status_code == 200 and gone and bool(trashed) and restored
        self.row("4", "DELETE 200, file in .scrutiny-trash/, restorable",
                 f"DELETE {r.status_code}; in trash={bool(trashed)}; restored by move + "
                 f"index={restored}", ok)

    def case5(self, corpus: Path, url: str) -> None:
        doc = next(d for d in httpx.get(url + "/documents", timeout=30).json()["documents"]
                   if d["council"] and (corpus / d["source"]).is_file())
        data = (corpus / doc["source"]).read_bytes()
        code, body = self.upload(url, Path(doc["source"]).name, data,
                                 council="Evil Borough Council", date="1999-01-01")
        after = httpx.get(f"{url}/documents/{doc['doc_id']}", timeout=30).json()
        sidecar = (corpus / (doc["source"] + ".meta.json")).exists()
        ok = code == 409 and after["council"] == doc["council"] and not sidecar
        self.row("5", "409 'duplicate of <doc>'; original untouched",
                 f"{code} {str(body.get('detail'))[:60]}...; council still "
                 f"{after['council']!r}; sidecar written={sidecar}", ok)

    def case9(self, corpus: Path, index: Path, url: str, pid: int, cycles: int) -> None:
        from indexer import layout

        for n in range(cycles):
            code, body = self.upload(url, f"cycle-{n}.txt", (MINUTES + f"Cycle {n}.\n").encode())
            doc_id = (body.get("document") or {}).get("doc_id")
            httpx.delete(f"{url}/documents/{doc_id}", headers=AUTH, timeout=300)
            httpx.get(url + "/search", params={"q": "library"}, timeout=60)
        time.sleep(31)  # past the grace period in-flight requests get
        httpx.get(url + "/documents", timeout=30)
        held = deleted_handles(pid)
        gens = len(list(index.glob("gen-*")))
        conn = sqlite3.connect(layout.generation_path(index) / layout.RECORDS)
        free, pages = (conn.execute(f"PRAGMA {p}").fetchone()[0]
                       for p in ("freelist_count", "page_count"))
        conn.close()
        ok = held == 0 and gens <= 2 and free / pages < 0.25
        self.row("9", "no handles on deleted gens; <= 2 gens; records compact",
                 f"{cycles} upload+delete cycles: {held} deleted handles, {gens} generations, "
                 f"{100 * free / pages:.0f}% free pages", ok)

    def case10(self, url: str, corpus: Path) -> None:
        t0 = time.perf_counter()
        code, body = self.upload(url, "huge.pdf", sample_pdf(pages=2000))
        took = time.perf_counter() - t0
        # a variant of a long seed document: new passages, so indexing it takes a while
        seed_path = max(CORPUS.glob("*.txt"), key=lambda p: p.stat().st_size)
        seed = make_variant(seed_path.read_text(encoding="utf-8"), 7).encode()
        answers: list[httpx.Response] = []
        busy = threading.Thread(target=lambda: answers.append(httpx.post(
            url + "/documents", headers=AUTH, timeout=120,
            files={"file": ("busy.txt", seed)})))
        busy.start()
        time.sleep(0.3)  # the busy upload is being indexed: the next one waits its turn
        try:
            httpx.post(url + "/documents", headers=AUTH, timeout=0.5,
                       files={"file": ("abandoned.txt", (MINUTES + "Gave up.\n").encode())})
            abandoned_sent = False
        except httpx.TimeoutException:
            abandoned_sent = True
        busy.join(120)
        first = answers[0] if answers else httpx.Response(599)
        if first.status_code == 202:
            status_url = url + first.headers["location"]
            for _ in range(600):
                if httpx.get(status_url, headers=AUTH, timeout=10).json()["status"] not in (
                        "queued", "indexing"):
                    break
                time.sleep(0.5)
        time.sleep(2)
        indexed = (corpus / "abandoned.txt").exists()
        ok = code == 422 and "pages" in str(body.get("detail")) and took < 120 \
            and first.status_code in (201, 202) and abandoned_sent and not indexed
        self.row("10", "2,000-page PDF refused by the page budget; 202/queue; "
                 "abandoned upload dropped",
                 f"PDF {code} in {took:.0f} s ({str(body.get('detail'))[-45:]}); busy upload "
                 f"{first.status_code}; abandoned indexed={indexed}", ok)

    def case12(self, url: str) -> None:
        bad = httpx.get(url + "/documents", headers={"Host": "rebind.attacker.example"},
                        timeout=30)
        good = httpx.get(url + "/documents", headers={"Host": "localhost"}, timeout=30)
        ok = bad.status_code == 400 and good.status_code == 200
        self.row("12", "foreign Host 400, localhost 200",
                 f"Host rebind.attacker.example -> {bad.status_code}; localhost -> "
                 f"{good.status_code}", ok)



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fake", action="store_true", help="the fake embedder (fast)")
    parser.add_argument("--only", default="", help="comma-separated case numbers")
    parser.add_argument("--cycles", type=int, default=20, help="case 9's upload+delete cycles")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    only = {c.strip() for c in args.only.split(",") if c.strip()}
    want = (lambda c: not only or c in only)  # noqa: E731
    root = Path(tempfile.mkdtemp(prefix="scrutiny-hardening-"))
    bench = Bench(root, args.fake)
    try:
        base_corpus = root / "base" / "corpus"
        shutil.copytree(CORPUS, base_corpus)
        for p in base_corpus.iterdir():
            p.chmod(0o644)
        print(f"building the base index in {root} ...", flush=True)
        done = bench.cli("index", str(base_corpus), "--index", str(root / "base" / "index"))
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        corpus, index = bench.copy("main")
        proc, url = bench.serve(corpus, index, env={"SCRUTINY_UPLOAD_WAIT": "1"}, slow=True)
        for case, call in (("1", lambda: bench.case1(url)),
                           ("12", lambda: bench.case12(url)),
                           ("2", lambda: bench.case2(corpus, index, url)),
                           ("3", lambda: bench.case3(corpus, index, url)),
                           ("4", lambda: bench.case4(corpus, index, url)),
                           ("5", lambda: bench.case5(corpus, url)),
                           ("10", lambda: bench.case10(url, corpus)),
                           ("9", lambda: bench.case9(corpus, index, url, proc.pid, args.cycles)),
                           ("7", lambda: hardening_more.case7(bench, corpus, index)),
                           ("6", lambda: hardening_more.case6(bench)),
                           ("8", lambda: hardening_more.case8(bench)),
                           ("11", lambda: hardening_more.case11(bench)),
                           ("13", lambda: hardening_more.case13(bench))):
            if want(case):
                try:
                    call()
                except Exception as exc:  # one broken case must not hide the others
                    bench.row(case, "(see above)", f"error: {type(exc).__name__}: {exc}"[:150],
                              False)
    finally:
        for p in bench.procs:
            stop_server(p)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    rows = sorted(bench.rows, key=lambda r: int(r[0]))
    print("\n| case | expected | got | |\n|---|---|---|---|")
    for case, expected, got, ok in rows:
        print(f"| {case} | {expected} | {got} | {'PASS' if ok else 'FAIL'} |")
    print(f"\n{sum(r[3] for r in rows)}/{len(rows)} cases behave as expected")
    return 0 if all(r[3] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
