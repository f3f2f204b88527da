"""Bounded, loopback-only load test of the HTTP API: ``/search`` and ``/ask``.

For each endpoint and each level of concurrency (default 1, 8 and 32 clients) it sends
requests for a fixed time or until a request budget is spent, whichever comes first, and
prints requests/s, p50/p95/p99 latency and errors. It only ever talks to this machine: a
``--url`` whose host is not a loopback address is refused.

    python bench/load_api.py                       # starts `python -m api` on a free port
    python bench/load_api.py --index DIR           # ... on that index
    python bench/load_api.py --url http://127.0.0.1:8000   # an already running server
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
QA = ROOT.parent / "shared" / "eval" / "qa_dev.jsonl"
FALLBACK_QUESTIONS = [
    "What did Ofsted find about children in need of help and protection?",
    "When was the improvement notice lifted?",
    "What questions were asked about foster carers?",
    "Who chaired the safeguarding project group?",
    "What did officers promise about CAMHS waiting times?",
    "social worker caseloads and agency staff",
    "adoption performance and timeliness",
    "peer challenge recommendations on early help",
]
TARGET_P95_MS = 150.0


@dataclass(slots=True)
class Run:
    endpoint: str
    clients: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + self.errors

    def pct(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]

    def row(self) -> dict[str, float | int | str]:
        rps = self.requests / self.seconds if self.seconds else 0.0
        return {"endpoint": self.endpoint, "clients": self.clients, "requests": self.requests,
                "errors": self.errors, "rps": round(rps, 1),
                "p50_ms": round(self.pct(50), 1), "p95_ms": round(self.pct(95), 1),
                "p99_ms": round(self.pct(99), 1),
                "mean_ms": round(statistics.fmean(self.latencies_ms), 1)
                if self.latencies_ms else float("nan")}


def questions() -> list[str]:
    if QA.exists():
        found = [json.loads(line)["question"] for line in QA.read_text().splitlines()
                 if line.strip()]
        if found:
            return found
    return FALLBACK_QUESTIONS


def require_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        sys.exit(f"refusing to load-test {host!r}: only loopback addresses (127.0.0.0/8, ::1, "
                 "localhost) are allowed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_server(index: Path | None, startup_timeout: float):
    """Start ``python -m api`` on a free loopback port and stop it afterwards."""
    port = free_port()
    cmd = [sys.executable, "-m", "api", "--host", "127.0.0.1", "--port", str(port),
           "--log-level", "warning"]
    if index is not None:
        cmd += ["--index", str(index)]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if proc.poll() is not None:
                sys.exit(f"server exited with code {proc.returncode} before it was ready")
            try:
                r = httpx.get(url + "/health", timeout=2)
                if r.status_code == 200:
                    break
                if r.status_code == 503:
                    sys.exit("the server has no index: build one with `scrutiny index` "
                             "(or pass --index DIR)")
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                sys.exit("server did not become ready in time")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def one_level(url: str, endpoint: str, clients: int, duration: float, budget: int,
                    texts: list[str], distinct: bool) -> Run:
    run = Run(endpoint, clients)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    counter = 0

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        async def request(i: int) -> httpx.Response:
            text = texts[i % len(texts)]
            if distinct:  # a never-seen query: the server's response cache cannot help
                text = f"{text} {i}-{clients}-{time.monotonic_ns() % 100_000}"
            if endpoint == "/search":
                return await client.get("/search", params={"q": text, "k": 10})
            return await client.post("/ask", json={"question": text})

        for i in range(min(2, len(texts))):  # warm the connection and any caches
            await request(i)
        deadline = time.perf_counter() + duration

        async def worker() -> None:
            nonlocal counter
            while time.perf_counter() < deadline and counter < budget:
                counter += 1
                t0 = time.perf_counter()
                try:
                    response = await request(counter)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    run.latencies_ms.append((time.perf_counter() - t0) * 1000)
                else:
                    run.errors += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        run.seconds = time.perf_counter() - t0
    return run


HEADER = (f"{'endpoint':<9} {'clients':>7} {'requests':>8} {'errors':>6} {'req/s':>7} "
          f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")


def format_row(r: dict[str, float | int | str]) -> str:
    return (f"{r['endpoint']:<9} {r['clients']:>7} {r['requests']:>8} {r['errors']:>6} "
            f"{r['rps']:>7} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['p99_ms']:>8}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running server (loopback only)")
    parser.add_argument("--index", type=Path, help="index for the server this script starts")
    parser.add_argument("--clients", default="1,8,32", help="comma-separated levels")
    parser.add_argument("--endpoints", default="/search,/ask")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per level")
    parser.add_argument("--max-requests", type=int, default=2000, help="budget per level")
    parser.add_argument("--startup-timeout", type=float, default=180.0)
    parser.add_argument("--distinct", action="store_true", help=(
        "make every query unique, to measure ranking cost without the response cache"))
    parser.add_argument("--json", action="store_true", help="print rows as JSON too")
    args = parser.parse_args(argv)
    duration = min(args.duration, 60.0)  # bounded whatever the caller asks
    budget = min(args.max_requests, 20_000)
    levels = [int(c) for c in args.clients.split(",") if c.strip()]
    if any(c < 1 or c > 64 for c in levels):
        sys.exit("clients must be between 1 and 64")
    endpoints = [e.strip() for e in args.endpoints.split(",") if e.strip()]
    texts = questions()

    def run_all(url: str) -> list[dict[str, float | int | str]]:
        rows = []
        kind = "every query distinct" if args.distinct else f"{len(texts)} questions repeated"
        print(f"{duration:.0f} s or {budget} requests per level; {kind}")
        print(HEADER)
        print("-" * len(HEADER), flush=True)
        for endpoint in endpoints:
            for clients in levels:
                run = asyncio.run(one_level(url, endpoint, clients, duration, budget, texts,
                                            args.distinct))
                rows.append(run.row())
                print(format_row(rows[-1]), flush=True)
        return rows

    if args.url:
        require_loopback(args.url)
        rows = run_all(args.url.rstrip("/"))
    else:
        with local_server(args.index, args.startup_timeout) as url:
            rows = run_all(url)
    if args.json:
        print(json.dumps(rows, indent=2))
    target = [r for r in rows if r["endpoint"] == "/search" and r["clients"] == 8]
    if target:
        p95 = float(target[0]["p95_ms"])
        verdict = "PASS" if p95 < TARGET_P95_MS and not target[0]["errors"] else "FAIL"
        print(f"\ntarget: /search p95 < {TARGET_P95_MS:.0f} ms at 8 clients, no errors: "
              f"{p95} ms, {target[0]['errors']} errors -> {verdict}")
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
