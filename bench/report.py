"""Tables for the benchmark results: our figures beside the peers', ratios, and the targets.

Kept apart from ``run.py`` so that the JSON a run writes can be re-printed without re-running
(``python -m bench.report bench/results/bench-100x-onnx.json``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

# The targets on this machine (2 cores), printed next to what was measured.
TARGETS = {
    "seed_index_s": 20.0,  # seed corpus: cold `scrutiny index` incl. model load
    "seed_ask_p50_ms": 50.0,  # seed corpus: ask p50 warm
    "index_speedup_vs_naive": 2.0,  # 100x: chunks/s vs the naive pipeline
    "search_p95_ms": 100.0,  # 100x: search p95
    "vec_search_p50_ms": 50.0,  # 1M chunks: search p50
    "vec_recall_at_10": 0.95,  # 1M chunks: approximate vs exact
    "vec_serving_rss_mb": 2048.0,  # 1M chunks: serving RSS
}


def _f(v: Any, nd: int = 1) -> str:
    if isinstance(v, float) and 0 < abs(v) <= 1 and nd == 1:
        nd = 3
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a and b else "-"


def _check(ok: bool | None) -> str:
    return "" if ok is None else ("met" if ok else "MISSED")


def size_table(r: dict[str, Any]) -> str:
    """One table for one corpus size."""
    o, s, n = r["ours"]["index"], r["ours"]["serve"], r.get("naive") or {}
    q, nq, bq = s.get("quality") or {}, n.get("naive_quality") or {}, n.get("bm25_quality") or {}
    size = r["size"]
    rows: list[tuple[str, str, str, str, str, str]] = []

    def row(label: str, ours: Any, naive: Any = None, bm25: Any = None, ratio: str = "",
            target: str = "") -> None:
        rows.append((label, _f(ours), _f(naive), _f(bm25), ratio, target))

    t = TARGETS
    cold = r["ours"]["index_process_s"]
    row("index: cold process wall s", cold, n.get("process_s"), None,
        _ratio(cold, n.get("process_s")),
        f"<{t['seed_index_s']:.0f} s {_check(cold < t['seed_index_s'])}" if size == 1 else "")
    row("index: build_index s (model load in)", o["build_s"], n.get("build_s"))
    row("index: documents/s", o["documents"] / o["build_s"],
        n.get("documents", 0) / n["build_s"] if n.get("build_s") else None)
    ours_cps = o["chunks"] / o["build_s"]
    naive_cps = n["chunks"] / n["build_s"] if n.get("build_s") else None
    speed = ours_cps / naive_cps if naive_cps else None
    row("index: chunks/s", ours_cps, naive_cps, None, _ratio(ours_cps, naive_cps),
        f">={t['index_speedup_vs_naive']:.0f}x naive {_check(speed >= 2 if speed else None)}"
        if size >= 100 else "")
    if o.get("cpu_s") and n.get("cpu_s"):
        a, b = o["chunks"] / o["cpu_s"], n["chunks"] / n["cpu_s"]
        row("index: chunks per CPU-second", a, b, None, _ratio(a, b))
    row("index: texts embedded/s (chunks+sentences)", o["texts_embedded"] / o["build_s"],
        naive_cps)
    row("chunks / sentence vectors / cache hits", f"{o['chunks']}/{o['sentences']}/"
        f"{o['texts_from_cache']}", n.get("chunks"))
    row("index size on disk MB", o["index_mb"], n.get("index_mb"), None,
        _ratio(o["index_mb"], n.get("index_mb")))
    row("peak RSS indexing MB", o["peak_rss_mb"], n.get("peak_rss_mb"))
    row("peak RSS serving MB (incl. eval)", s["peak_rss_mb"])
    sp, ap = s["search"], s["ask"]
    ns, bs = n.get("naive_search") or {}, n.get("bm25_search") or {}
    row("search p50 ms", sp["p50_ms"], ns.get("p50_ms"), bs.get("p50_ms"),
        _ratio(sp["p50_ms"], ns.get("p50_ms")))
    row("search p95 ms", sp["p95_ms"], ns.get("p95_ms"), bs.get("p95_ms"),
        _ratio(sp["p95_ms"], ns.get("p95_ms")),
        f"<{t['search_p95_ms']:.0f} {_check(sp['p95_ms'] < t['search_p95_ms'])}"
        if size >= 100 else "")
    row("search p50 ms, council filter", s["search_filtered"]["p50_ms"])
    row("ask p50 ms", ap["p50_ms"], None, None, "",
        f"<{t['seed_ask_p50_ms']:.0f} {_check(ap['p50_ms'] < t['seed_ask_p50_ms'])}"
        if size == 1 else "")
    row("ask p95 ms", ap["p95_ms"])
    if q:
        row("dev R@1", q["recall_at_1"], nq.get("recall_at_1"), bq.get("recall_at_1"),
            _ratio(q["recall_at_1"], nq.get("recall_at_1")))
        row("dev R@5", q["recall_at_5"], nq.get("recall_at_5"), bq.get("recall_at_5"),
            _ratio(q["recall_at_5"], nq.get("recall_at_5")),
            f">= naive {_check(q['recall_at_5'] >= nq.get('recall_at_5', 2))}"
            if size >= 100 and nq else "")
        row("dev MRR@10", q["mrr_at_10"], nq.get("mrr_at_10"), bq.get("mrr_at_10"),
            _ratio(q["mrr_at_10"], nq.get("mrr_at_10")))
        row("dev answer support (1st citation)", q.get("answer_support"))
    c = r["corpus"]
    head = (f"scrutiny bench: {size:g}x corpus, {c['documents']} documents, {c['mb']:.1f} MB "
            f"({c['synthetic']} synthetic, generated; seed corpus included: "
            f"{c['include_seed']}); our backend: {r['backend']}; peers: naive 1000/200-char "
            f"splits + the same model ({r.get('naive_backend', 'torch')}) + flat FAISS, "
            "and BM25 alone")
    widths = [max(len(x[i]) for x in rows + [("", "ours", "naive", "BM25", "ours/naive",
                                               "target")]) for i in range(6)]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    lines = [head, fmt.format("", "ours", "naive", "BM25", "ours/naive", "target")]
    lines.append("-" * len(lines[-1]))
    lines += [fmt.format(*x) for x in rows]
    return "\n".join(lines)


def vectors_table(results: list[dict[str, Any]], rec: dict[str, Any] | None) -> str:
    t = TARGETS
    lines = ["search layer on GENERATED vectors (clustered, normalised, 384-d; not embedded "
             "text): one query at a time, 1 OpenMP thread, k=10",
             f"{'vectors':>10} {'index':<7} {'build s':>8} {'p50 ms':>7} {'p95 ms':>7} "
             f"{'p50 2thr':>8} {'filt p50':>8} {'R@10':>6} {'file MB':>8} {'RSS MB':>7}  target"]
    for r in results:
        for kind in ("flat", "hnsw"):
            x = r.get(kind)
            if not x:
                continue
            # older results: RSS the reloaded index added to this process's own base
            rss = x.get("serving_rss_mb") or r["process_base_rss_mb"] + x["rss_added_mb"]
            tgt = ""
            if kind == "hnsw" and r["n"] >= 1_000_000:
                tgt = (f"p50<{t['vec_search_p50_ms']:.0f} "
                       f"{_check(x['p50_ms'] < t['vec_search_p50_ms'])}, R@10>="
                       f"{t['vec_recall_at_10']} {_check(x['recall_at_10'] >= 0.95)}, RSS<2GiB "
                       f"{_check(rss < t['vec_serving_rss_mb'])}")
            lines.append(f"{r['n']:>10,} {kind:<7} {x['build_s']:>8.1f} {x['p50_ms']:>7.2f} "
                         f"{x['p95_ms']:>7.2f} {x['omp_threads_2']['p50_ms']:>8.1f} "
                         f"{x['filtered_1pct']['p50_ms']:>8.2f} "
                         f"{_f(x.get('recall_at_10', 1.0), 3):>6} {x['file_mb']:>8.0f} "
                         f"{rss:>7.0f}  {tgt}")
        for e in (r.get("hnsw") or {}).get("ef_sweep", []):
            lines.append(f"{'':>10} {'  ef=' + str(e['efSearch']):<7} {'':>8} "
                         f"{e['p50_ms']:>7.2f} {e['p95_ms']:>7.2f} {'':>8} {'':>8} "
                         f"{e['recall_at_10']:>6.3f}")
    if rec:
        pts = ", ".join(f"{p['n']:,}: {p['flat_p95_ms']} ms" for p in rec["measured"])
        lines.append(f"flat p95 by size: {pts}")
        lines.append(f"recommended Settings.ann_threshold: {rec.get('recommended'):,} "
                     f"({rec.get('why', '')})")
    return "\n".join(lines)


def backends_table(rows: list[dict[str, Any]]) -> str:
    lines = ["embedding backends on this CPU (seed corpus; same texts our indexer embeds)",
             f"{'backend':<10} {'batch':>5} {'texts/s':>8} {'texts/cpu-s':>11} {'index s':>8} "
             f"{'R@1':>6} {'R@5':>6} {'MRR':>6} {'support':>7}"]
    for r in rows:
        q = r.get("quality") or {}
        for run in r["embed"]["runs"]:
            lines.append(f"{r['backend']:<10} {run['batch_size']:>5} {run['texts_per_s']:>8.1f} "
                         f"{run['texts_per_cpu_s']:>11.1f} {_f(r.get('build_s')):>8} "
                         f"{_f(q.get('recall_at_1'), 3):>6} {_f(q.get('recall_at_5'), 3):>6} "
                         f"{_f(q.get('mrr_at_10'), 3):>6} {_f(q.get('answer_support'), 3):>7}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    for name in argv if argv is not None else sys.argv[1:]:
        data = json.loads(Path(name).read_text())
        if "ours" in data:
            print(size_table(data))
        elif "vectors" in data:
            print(vectors_table(data["vectors"], data.get("ann_threshold")))
        elif "backends" in data:
            print(backends_table(data["backends"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
