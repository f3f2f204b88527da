"""Soak test of the HTTP API through a rebuild: loopback only, bounded in time.

Copies an index (and the corpus it was built from) to a private directory, starts
`scrutiny serve` on a free loopback port over the copy, and runs ``--clients`` concurrent
clients (threads, one keep-alive connection each) on ``/search`` and ``/ask`` for
``--minutes``. Halfway through it adds a document to the corpus and runs `scrutiny index` in
another process on the same index directory, then checks the server switched to the new
generation. Queries are the dev questions plus one word drawn from the corpus vocabulary, so
most miss the server's response cache (``--cache-friendly`` repeats a few hundred instead).

Prints, per minute: requests, errors, p50/p95/p99 latency and the server's RSS; then the
totals, the rebuild's timing, the errors by kind (target: none) and the RSS trend after
warm-up (target: flat). Stops by itself: every wait has a deadline and the server is always
terminated.

    python bench/soak.py                          # 10 minutes, 32 clients, bundled corpus
    python bench/soak.py --minutes 3 --index .scrutiny-index --corpus corpus
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
QA = ROOT.parent / "shared" / "eval" / "qa_dev.jsonl"
SCRUTINY = str(Path(sys.executable).with_name("scrutiny"))
EXTRA_WORDS = ["", "", "council", "report", "panel", "children", "officers", "meeting",
               "2014", "2018", "Ofsted", "foster", "care", "review", "plan", "services"]
NEW_DOC = """KIRKLEES COUNCIL

CORPORATE PARENTING BOARD

WEDNESDAY 5 JUNE 2019

1. Almondbury children's centre crossing

Members discussed parents' requests for a zebra crossing outside the Almondbury children's
centre, where families with pushchairs cross a busy road to reach the centre.

RESOLVED that officers report back on the feasibility of an Almondbury zebra crossing.
"""


@dataclass
class Sample:
    t: float  # seconds since the start of the load
    ms: float
    ok: bool
    kind: str  # "search" | "ask"
    error: str = ""


@dataclass
class Shared:
    samples: list[Sample] = field(default_factory=list)
    rss: list[tuple[float, float]] = field(default_factory=list)  # (t, MB)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)


def env() -> dict[str, str]:
    e = dict(os.environ)
    e.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
             PYTHONUNBUFFERED="1")
    e.pop("SCRUTINY_API_KEY", None)
    return e


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def questions() -> list[str]:
    if QA.exists():
        qs = [json.loads(line)["question"] for line in QA.read_text().splitlines()
              if line.strip()]
        if qs:
            return qs
    return ["foster carers", "CAMHS waiting times", "improvement notice", "adoption"]


def vocabulary(corpus: Path, limit: int = 3000) -> list[str]:
    """Words of the corpus, to vary queries so most miss the server's response cache."""
    import re

    words: Counter[str] = Counter()
    for path in corpus.rglob("*.txt"):
        words.update(w.lower() for w in re.findall(r"[A-Za-z]{5,}", path.read_text(
            encoding="utf-8", errors="replace")))
    return [w for w, _ in words.most_common(limit)] or EXTRA_WORDS


def client_loop(n: int, base: str, qs: list[str], shared: Shared, t0: float,
                ask_share: float, extra_words: list[str]) -> None:
    rng = random.Random(n)
    with httpx.Client(base_url=base, timeout=120.0) as client:
        while not shared.stop.is_set():
            q = rng.choice(qs)
            extra = rng.choice(extra_words)
            q = f"{q} {extra}".strip()
            kind = "ask" if rng.random() < ask_share else "search"
            start = time.perf_counter()
            error = ""
            try:
                if kind == "ask":
                    r = client.post("/ask", json={"question": q})
                else:
                    r = client.get("/search", params={"q": q, "k": 10})
                if r.status_code != 200:
                    error = f"HTTP {r.status_code}: {r.text[:120]}"
                else:
                    r.json()
            except Exception as exc:  # timeouts, resets: all count as errors
                error = f"{type(exc).__name__}: {str(exc)[:120]}"
            end = time.perf_counter()
            with shared.lock:
                shared.samples.append(Sample(end - t0, (end - start) * 1000, not error, kind,
                                             error))


def rss_loop(pid: int, shared: Shared, t0: float, every: float) -> None:
    try:
        proc = psutil.Process(pid)
    except psutil.Error:
        return
    while not shared.stop.wait(every):
        try:
            mb = proc.memory_info().rss / 1024 / 1024
            mb += sum(c.memory_info().rss for c in proc.children(recursive=True)) / 1024 / 1024
        except psutil.Error:
            return
        with shared.lock:
            shared.rss.append((time.perf_counter() - t0, mb))


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def wait_healthy(base: str, proc: subprocess.Popen[bytes], deadline: float) -> dict[str, Any]:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode} during start-up")
        try:
            r = httpx.get(base + "/health", timeout=5)
            if r.status_code == 200:
                return r.json()
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not become healthy in time")


def prepare(args: argparse.Namespace, work: Path) -> tuple[Path, Path]:
    corpus = work / "corpus"
    shutil.copytree(args.corpus, corpus)
    for p in corpus.rglob("*"):
        if p.is_file():
            p.chmod(0o644)
    index = work / "index"
    if args.index is not None:
        shutil.copytree(args.index, index, symlinks=True)
    else:
        print("building the index of the corpus first ...", flush=True)
        subprocess.run([SCRUTINY, "index", str(corpus), "--index", str(index), "--quiet"],
                       check=True, env=env(), timeout=3600)
    return corpus, index


def rebuild(corpus: Path, index: Path, shared: Shared, t0: float, result: dict[str, Any],
            timeout: float) -> None:
    (corpus / "kirklees-corporate-parenting-board-2019-06-05.txt").write_text(NEW_DOC)
    result["start"] = time.perf_counter() - t0
    try:
        done = subprocess.run([SCRUTINY, "index", str(corpus), "--index", str(index),
                               "--quiet"], capture_output=True, text=True, env=env(),
                              timeout=timeout)
        result["returncode"] = done.returncode
        result["output"] = (done.stdout.strip().splitlines() or [""])[-1].strip()
        if done.returncode != 0:
            result["stderr"] = done.stderr.strip()[-500:]
    except subprocess.TimeoutExpired:
        result["returncode"] = "timeout"
    result["end"] = time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--index", type=Path, default=None,
                        help="index to copy (default: build one from --corpus)")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus",
                        help="the corpus the index was built from")
    parser.add_argument("--ask-share", type=float, default=0.5, help="share of /ask requests")
    parser.add_argument("--rebuild-at", type=float, default=0.5,
                        help="when to rebuild, as a fraction of the run")
    parser.add_argument("--warmup-minutes", type=float, default=1.0,
                        help="minutes left out of the RSS trend")
    parser.add_argument("--cache-friendly", action="store_true",
                        help="repeat a few hundred distinct queries (mostly cache hits)")
    parser.add_argument("--startup-timeout", type=float, default=300)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args(argv)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="scrutiny-soak-"))
    corpus, index = prepare(args, work)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (work / "server.log").open("wb")
    server_env = env() | {"SCRUTINY_CORPUS": str(corpus), "SCRUTINY_INDEX": str(index)}
    server = subprocess.Popen([SCRUTINY, "serve", "--index", str(index), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=log, stderr=subprocess.STDOUT,
                              env=server_env, start_new_session=True)
    shared = Shared()
    threads: list[threading.Thread] = []
    rebuilt: dict[str, Any] = {}
    try:
        health0 = wait_healthy(base, server, time.monotonic() + args.startup_timeout)
        print(f"server pid {server.pid} on {base}: {health0['documents']} documents, "
              f"{health0['chunks']} chunks; {args.clients} clients for {args.minutes} min",
              flush=True)
        qs = questions()
        extra_words = EXTRA_WORDS if args.cache_friendly else vocabulary(corpus)
        t0 = time.perf_counter()
        duration = args.minutes * 60
        threads = [threading.Thread(target=client_loop, args=(n, base, qs, shared, t0,
                                                              args.ask_share, extra_words),
                                    daemon=True)
                   for n in range(args.clients)]
        threads.append(threading.Thread(target=rss_loop, args=(server.pid, shared, t0, 5.0),
                                        daemon=True))
        for t in threads:
            t.start()
        rebuilder = threading.Thread(target=rebuild, args=(corpus, index, shared, t0, rebuilt,
                                                          max(60.0, duration)), daemon=True)
        rebuild_started = False
        next_report = 60.0
        while (elapsed := time.perf_counter() - t0) < duration:
            if not rebuild_started and elapsed >= duration * args.rebuild_at:
                rebuilder.start()
                rebuild_started = True
                print(f"[{elapsed:6.1f}s] rebuild started (`scrutiny index` with one new "
                      "document)", flush=True)
            if elapsed >= next_report:
                with shared.lock:
                    last = [s for s in shared.samples if next_report - 60 <= s.t < next_report]
                errs = sum(not s.ok for s in last)
                print(f"[{elapsed:6.1f}s] {len(last)} requests in the last minute, {errs} "
                      "errors", flush=True)
                next_report += 60.0
            if server.poll() is not None:
                print(f"the server died (exit {server.returncode})", flush=True)
                break
            time.sleep(0.5)
        shared.stop.set()
        for t in threads:
            t.join(timeout=180)
        if rebuild_started:
            rebuilder.join(timeout=max(60.0, duration))
        health1 = httpx.get(base + "/health", timeout=30).json() if server.poll() is None \
            else {}
        switched = bool(health1) and health1.get("documents") == health0["documents"] + 1
        hits = []
        if switched:
            hits = httpx.get(base + "/search", params={"q": "Almondbury zebra crossing"},
                             timeout=60).json().get("hits", [])
    finally:
        shared.stop.set()
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=20)
        log.close()

    samples = shared.samples
    minutes = int(max((s.t for s in samples), default=0) // 60) + 1
    rows = []
    print("\nminute  requests  errors   p50 ms   p95 ms   p99 ms   RSS MB (max)")
    for m in range(minutes):
        part = [s for s in samples if m * 60 <= s.t < (m + 1) * 60]
        ok = [s.ms for s in part if s.ok]
        rss = [mb for t, mb in shared.rss if m * 60 <= t < (m + 1) * 60]
        row = {"minute": m + 1, "requests": len(part), "errors": sum(not s.ok for s in part),
               "p50": pct(ok, 50), "p95": pct(ok, 95), "p99": pct(ok, 99),
               "rss_mb": max(rss) if rss else float("nan")}
        rows.append(row)
        print(f"{row['minute']:>6}  {row['requests']:>8}  {row['errors']:>6}  "
              f"{row['p50']:7.0f}  {row['p95']:7.0f}  {row['p99']:7.0f}   {row['rss_mb']:8.0f}")
    errors = Counter(s.error.split(":")[0] for s in samples if not s.ok)
    by_kind = {k: [s.ms for s in samples if s.ok and s.kind == k] for k in ("search", "ask")}
    warm = [(t / 60, mb) for t, mb in shared.rss if t >= args.warmup_minutes * 60]
    slope = float("nan")
    if len(warm) >= 3:
        xs, ys = zip(*warm, strict=True)
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        den = sum((x - mx) ** 2 for x in xs)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den \
            else 0.0
    total = len(samples)
    print(f"\nrequests served: {total} ({total / max(1.0, args.minutes * 60):.1f}/s); errors: "
          f"{sum(errors.values())} {dict(errors) if errors else ''}")
    for kind, values in by_kind.items():
        print(f"  {kind:<6} {len(values):>7} ok  p50 {pct(values, 50):.0f} ms  p95 "
              f"{pct(values, 95):.0f} ms  p99 {pct(values, 99):.0f} ms")
    if rebuilt:
        print(f"rebuild: {rebuilt.get('start', 0):.0f}s -> {rebuilt.get('end', 0):.0f}s, exit "
              f"{rebuilt.get('returncode')} ({rebuilt.get('output', '')}); server switched to "
              f"the new generation: {'yes' if switched else 'NO'}"
              f"{' (new document found)' if hits else ''}")
        if rebuilt.get("stderr"):
            print("  rebuild stderr:", rebuilt["stderr"])
    if shared.rss:
        peak = max(m for _, m in shared.rss)
        print(f"server RSS: start {shared.rss[0][1]:.0f} MB, max {peak:.0f} MB, end "
              f"{shared.rss[-1][1]:.0f} MB; trend after {args.warmup_minutes:g} min warm-up: "
              f"{slope:+.1f} MB/min")
    if args.json:
        args.json.write_text(json.dumps({"minutes": rows, "requests": total,
                                         "errors": dict(errors), "rebuild": rebuilt,
                                         "switched": switched, "rss": shared.rss,
                                         "rss_slope_mb_per_min": slope}, indent=1))
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if not errors and (not rebuilt or switched) else 1


if __name__ == "__main__":
    sys.exit(main())
