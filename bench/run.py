"""``scrutiny bench``: indexing, serving and quality at N x the bundled corpus, beside the peers.

For each size it generates (or reuses) a deterministic synthetic corpus that includes the seed
corpus, then runs each measured task in its own process (so cold start and peak RSS are that
task's own): our indexer, our serving path (``search``/``ask`` latency, dev-set quality), and
the peer pipelines a user would otherwise pick (naive 1000/200-character splits + same model +
flat FAISS; BM25 alone). It prints one table per size and writes ``bench-<N>x-<backend>.json``.

``--vectors`` runs the search layer on generated vectors (1M, 5M ...) and recommends
``Settings.ann_threshold``; ``--compare-backends`` measures torch vs ONNX fp32/int8 embedding
speed and dev-set quality on the seed corpus.

    scrutiny bench --sizes 1,100                        # ours on the default backend
    scrutiny bench --sizes 100 --backend onnx-int8 --resume   # reuses the naive run
    scrutiny bench --vectors 1000000,5000000
    scrutiny bench --compare-backends
    scrutiny bench --sizes 1 --quick                    # ~40 s, real model: `make bench-ci`
    scrutiny bench --sizes 1 --quick --backend fake     # seconds; what the tests run

(A leading ``--``, as in older instructions, is accepted and ignored.)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from . import report

ROOT = Path(__file__).resolve().parent.parent
DEV_QA = ROOT.parent / "shared" / "eval" / "qa_dev.jsonl"
EXTRA_QA = ROOT / "tests" / "data" / "qa_extra.jsonl"
BACKENDS = ("torch", "onnx", "onnx-fp32", "onnx-int8", "fast", "fake")


def _log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def worker(task: str, args: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
    """Run one task in a fresh interpreter; its JSON plus the parent-measured wall time."""
    t0 = time.perf_counter()
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.run([sys.executable, "-m", "bench.worker", task, json.dumps(args)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - t0
    lines = [x for x in proc.stdout.splitlines() if x.startswith("BENCH-RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"bench task {task} failed ({proc.returncode}):\n"
                           f"{proc.stderr[-3000:]}")
    out = json.loads(lines[-1].split(" ", 1)[1])
    out["process_s"] = round(wall, 2)
    return out


def _cached(path: Path, resume: bool, make: Any) -> dict[str, Any]:
    """Re-use a finished step when resuming a long run; otherwise run it and keep its result."""
    if resume and path.is_file():
        _log(f"reusing {path}")
        return json.loads(path.read_text())
    result = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1))
    return result


def corpus_for(size: float, work: Path, seed: int, include_seed: bool) -> dict[str, Any]:
    from .generate import generate

    name = f"{size:g}x-seed{seed}" + ("" if include_seed else "-synthetic")
    folder = work / "corpora" / name
    marker = folder / ".generated.json"
    if marker.is_file():
        return json.loads(marker.read_text())
    _log(f"generating {name}")
    g = generate(folder, size, seed=seed, include_seed=include_seed)
    info = {"path": str(folder), "documents": g.documents, "synthetic": g.synthetic,
            "mb": g.bytes / 1e6, "seed": seed, "include_seed": include_seed}
    marker.write_text(json.dumps(info))
    return info


def run_size(size: float, a: argparse.Namespace) -> dict[str, Any]:
    corpus = corpus_for(size, a.work, a.seed, not a.no_seed_corpus)
    tag = f"{size:g}x-{a.backend}"
    steps = a.work / "steps" / tag
    index_dir = a.work / "indexes" / tag
    dev = str(DEV_QA) if DEV_QA.is_file() and corpus["include_seed"] else None
    queries = report_queries(a.quick)
    _log(f"{tag}: indexing {corpus['documents']} documents")
    if not (a.resume and (steps / "index.json").is_file()):
        shutil.rmtree(index_dir, ignore_errors=True)  # a cold build, not an incremental one
    idx = _cached(steps / "index.json", a.resume, lambda: worker(
        "index", {"backend": a.backend, "corpus": corpus["path"], "index_dir": str(index_dir),
                  "batch_size": a.batch_size}))
    _log(f"{tag}: serving")
    serve = _cached(steps / "serve.json", a.resume, lambda: worker(
        "serve", {"backend": a.backend, "index_dir": str(index_dir), "dev": dev,
                  "queries": queries, "reps": 1 if a.quick else 2}))
    naive: dict[str, Any] = {}
    naive_backend = "fake" if a.backend == "fake" else "torch"
    if not a.no_naive:
        _log(f"{tag}: naive pipeline and BM25")
        naive = _cached(a.work / "steps" / f"{size:g}x-naive-{naive_backend}" / "naive.json",
                        a.resume, lambda: worker("naive", {"backend": naive_backend,
                                                           "corpus": corpus["path"],
                                                           "dev": dev, "queries": queries}))
    return {"size": size, "backend": a.backend, "naive_backend": naive_backend,
            "corpus": corpus, "dev_questions": dev,
            "ours": {"index": idx, "index_process_s": idx["process_s"], "serve": serve},
            "naive": naive, "targets": report.TARGETS,
            "machine": {"cpus": os.cpu_count(), "load_avg_at_end": os.getloadavg()}}


def report_queries(quick: bool) -> list[str]:
    from .worker import QUERIES

    return QUERIES[:4] if quick else QUERIES


def run_vectors(counts: list[int], a: argparse.Namespace) -> dict[str, Any]:
    from .vectors import recommend_threshold

    results = []
    for n in counts:
        path = a.out / f"vectors-{n}.json"
        if a.resume and path.is_file():
            results.append(json.loads(path.read_text()))
            continue
        _log(f"search layer: {n:,} generated vectors")
        args = [sys.executable, "-m", "bench.vectors", "--n", str(n), "--out", str(path)]
        if a.quick:
            args += ["--queries", "20"]
        subprocess.run(args, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        results.append(json.loads(path.read_text()))
    earlier = [json.loads(f.read_text()) for n in counts
               for f in sorted(a.out.glob(f"vectors-{n}-*.json"))]  # other runs, same machine
    rec = recommend_threshold(results + earlier)
    linear = rec["linear_estimate"] or rec["largest_measured_within_budget"] or 200_000
    rec["recommended"] = max(50_000, linear // 50_000 * 50_000)
    rec["why"] = (f"flat p95 grows ~{rec['flat_p95_ms_per_million']} ms per million vectors; "
                  f"it stays <= {rec['budget_ms']:.0f} ms up to here, which leaves the rest "
                  "of the 100 ms p95 budget to the keyword search and the records")
    return {"vectors": results, "ann_threshold": rec}


def compare_backends(a: argparse.Namespace) -> dict[str, Any]:
    corpus = corpus_for(1, a.work, a.seed, True)
    # More questions than the dev set alone, so a one-question change is not over-read.
    dev = [str(p) for p in (DEV_QA, EXTRA_QA) if p.is_file()]
    rows = []
    for backend in a.compare:
        steps = a.work / "steps" / f"backends-{backend}"
        _log(f"backend {backend}: throughput")
        emb = _cached(steps / "embed.json", a.resume, lambda b=backend: worker(
            "embed", {"backend": b, "corpus": corpus["path"], "batch_sizes": a.batch_sizes,
                      "limit": 300 if a.quick else 800}))
        row: dict[str, Any] = {"backend": backend, "embed": emb}
        if not a.quick:
            index_dir = a.work / "indexes" / f"backends-{backend}"
            idx = _cached(steps / "index.json", a.resume, lambda b=backend, d=index_dir: worker(
                "index", {"backend": b, "corpus": corpus["path"], "index_dir": str(d)}))
            serve = _cached(steps / "serve.json", a.resume, lambda b=backend, d=index_dir: worker(
                "serve", {"backend": b, "index_dir": str(d), "dev": dev, "reps": 1}))
            row.update(build_s=idx["build_s"], quality=serve.get("quality"),
                       search=serve["search"], ask=serve["ask"])
        rows.append(row)
    return {"backends": rows}


def _ints(text: str) -> list[int]:
    return [int(float(x)) for x in text.split(",") if x.strip()]


def parse(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="scrutiny bench", description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__[__doc__.index("    scrutiny bench"):])
    ap.add_argument("--sizes", default="", help="corpus sizes as multiples of the seed corpus, "
                    "e.g. 1,10,100,1000")
    ap.add_argument("--backend", choices=BACKENDS, default="onnx",
                    help="our embedding backend (default: the product's, ONNX fp32; fast: what "
                    "`scrutiny index --fast` does; the naive peer always uses torch)")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--vectors", default="", help="search-layer test sizes, e.g. 1000000,5000000")
    ap.add_argument("--compare-backends", action="store_true")
    ap.add_argument("--compare", default="torch,onnx-fp32,onnx-int8",
                    help="backends for --compare-backends")
    ap.add_argument("--batch-sizes", default="16,32,64,128")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get(
        "SCRUTINY_BENCH_WORK", "/tmp/scrutiny-bench")), help="corpora and indexes (large)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-seed-corpus", action="store_true")
    ap.add_argument("--no-naive", action="store_true", help="skip the peer pipelines")
    ap.add_argument("--quick", action="store_true", help="fewer queries and texts")
    ap.add_argument("--resume", action="store_true", help="re-use finished steps in --work")
    a = ap.parse_args(argv)
    a.compare = [b for b in a.compare.split(",") if b]
    a.batch_sizes = _ints(a.batch_sizes)
    if a.quick and a.batch_sizes == [16, 32, 64, 128]:
        a.batch_sizes = [64]
    return a


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--"]:  # `scrutiny bench -- --sizes 1`: argparse REMAINDER keeps the "--"
        args = args[1:]
    a = parse(args)
    sizes = [float(x) for x in a.sizes.split(",") if x.strip()]
    counts = _ints(a.vectors)
    if not sizes and not counts and not a.compare_backends:
        sizes = [1.0]
    a.out.mkdir(parents=True, exist_ok=True)
    a.work.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        result = run_size(size, a)
        path = a.out / f"bench-{size:g}x-{a.backend}.json"
        path.write_text(json.dumps(result, indent=1))
        print(report.size_table(result) + f"\n(JSON: {path})\n", flush=True)
    if a.compare_backends:
        result = compare_backends(a)
        path = a.out / "backends.json"
        path.write_text(json.dumps(result, indent=1))
        print(report.backends_table(result["backends"]) + f"\n(JSON: {path})\n", flush=True)
    if counts:
        result = run_vectors(counts, a)
        path = a.out / "vectors.json"
        path.write_text(json.dumps(result, indent=1))
        print(report.vectors_table(result["vectors"], result["ann_threshold"]) +
              f"\n(JSON: {path})\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
