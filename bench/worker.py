"""One measured task per process, so peak memory and cold start are the task's own.

``python -m bench.worker TASK ARGS_JSON`` prints one JSON line: the task's figures plus its own
peak RSS (``getrusage(RUSAGE_SELF)``, exact, no polling). Tasks: ``index`` (our indexer),
``serve`` (open the index, time ``search`` and ``ask``, dev-set quality), ``naive`` (the peer
pipelines: 1000/200-character splits + same model + flat FAISS, and BM25 alone) and ``embed``
(embedding throughput of one backend on a fixed sample of texts).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

QUERIES = [
    "What did officers promise about CAMHS waiting times?",
    "What questions were asked about foster carers?",
    "When was the improvement notice lifted?",
    "What did Ofsted recommend about children in need of help and protection?",
    "social worker caseloads and agency staff",
    "adoption timeliness performance",
    "Who chaired the safeguarding project group?",
    "What was resolved about sharing feedback from service users?",
    "budget pressure on SEND transport",
    "peer challenge recommendations on early help",
    "How many additional posts were funded for care leavers?",
    "school exclusions rate compared with statistical neighbours",
    "What did the peer team say about partnership working?",
    "Which items were taken as exempt information?",
    "youth justice reoffending update",
    "placement sufficiency and residential children's homes",
]


def peak_rss_mb() -> float:
    """This process's own peak RSS. Not ``ru_maxrss``: Linux carries it over from the parent
    through fork and exec, so a small task started by a big process reports the parent's peak
    (measured: 312 MB for a 10 MB child of a 300 MB parent). ``VmHWM`` starts afresh at exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return round(s[min(len(s) - 1, max(0, int(round(q * len(s))) - 1))], 2) if s else 0.0


def lat_stats(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(values), 2) if values else 0.0,
            "p95_ms": pct(values, 0.95), "n": len(values)}


def dir_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 2)


class FakeEmbedder:
    """Bag-of-hashed-words vectors: lets ``--backend fake`` test the harness in seconds."""

    name, dim, max_tokens = "bench-fake-embedder", 64, 256

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        import hashlib
        import re

        out = np.full((len(texts), self.dim), 0.01, dtype="float32")
        for row, text in enumerate(texts):
            for w in re.findall(r"[a-z0-9]+", text.lower()):
                out[row, int(hashlib.blake2b(w.encode(), digest_size=4).hexdigest(), 16)
                    % self.dim] += 1.0
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + text.count(",") + text.count(".")


class OnnxEmbedder:
    """The project's ONNX encoder at an explicit precision (the bench compares fp32 and int8;
    ``backend="onnx"`` in the product picks one)."""

    def __init__(self, precision: str, threads: int | None = None) -> None:
        from indexer.config import DEFAULT_MODEL
        from indexer.embedding import Tokenizer, bundled_model_path
        from indexer.onnx_export import OnnxEncoder

        self.name, self.dim, self.max_tokens = DEFAULT_MODEL, 384, 256
        self._enc = OnnxEncoder(bundled_model_path(), precision=precision, threads=threads)
        self.variant = "int8" if self._enc.precision == "int8" else ""
        self._tok = Tokenizer(bundled_model_path())

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        return self._enc.encode(texts, batch_size=batch_size)

    def count_tokens(self, text: str) -> int:
        return self._tok.count(text)


def make_embedder(backend: str, threads: int | None = None) -> Any:
    """torch | onnx (the product's ONNX path) | onnx-fp32 | onnx-int8 | fake."""
    if backend == "fake":
        return FakeEmbedder()
    if backend in ("onnx-fp32", "onnx-int8", "fast"):
        return OnnxEmbedder("int8" if backend == "fast" else backend.split("-")[1], threads)
    from indexer.embedding import load_embedder

    emb = load_embedder(backend=backend)
    if threads and backend == "torch":
        import torch

        torch.set_num_threads(threads)
    return emb


def task_index(a: dict[str, Any]) -> dict[str, Any]:
    from indexer.build import build_index
    from indexer.config import Settings

    t0 = time.perf_counter()
    embedder = make_embedder(a["backend"])
    load_s = time.perf_counter() - t0
    settings = Settings(index_dir=Path(a["index_dir"]), corpus_dir=Path(a["corpus"]),
                        backend="torch" if a["backend"] == "torch" else "onnx",
                        batch_size=int(a.get("batch_size", 16)),
                        chunk_vectors="sentences" if a["backend"] == "fast" else "text")
    report = build_index([Path(a["corpus"])], settings, embedder=embedder, rebuild=True)
    total = time.perf_counter() - t0
    current = (Path(a["index_dir"]) / "CURRENT").read_text().strip()
    gen = Path(a["index_dir"]) / current if current else sorted(
        Path(a["index_dir"]).glob("gen-*"))[-1]
    counts = json.loads((gen / "manifest.json").read_text()).get("counts", {})
    return {"model_load_s": round(load_s, 2), "build_s": round(total, 2),
            "documents": report.documents_total, "chunks": report.chunks_total,
            "sentences": counts.get("sentences"), "texts_embedded": report.chunks_embedded,
            "texts_from_cache": report.chunks_reused, "skipped": len(report.skipped),
            "index_mb": dir_mb(gen)}  # the live generation; older ones are kept for a while


def _dev(path: str | list[str] | None) -> list[dict[str, Any]]:
    """Questions from one file or several (missing files are skipped, not an error)."""
    paths = [path] if isinstance(path, str) else list(path or [])
    return [json.loads(x) for p in paths if Path(p).is_file()
            for x in Path(p).read_text().splitlines() if x.strip()]


def task_serve(a: dict[str, Any]) -> dict[str, Any]:
    from indexer.config import Settings
    from retriever.assistant import Assistant
    from retriever.evaluate import evaluate_assistant
    from retriever.results import Filters

    t0 = time.perf_counter()
    embedder = make_embedder(a["backend"])
    settings = Settings(index_dir=Path(a["index_dir"]))
    assistant = Assistant.open(a["index_dir"], settings=settings, embedder=embedder)
    assistant.warm_up()
    ready_s = time.perf_counter() - t0
    queries = a.get("queries") or QUERIES
    search, ask, filtered = [], [], []
    for _rep in range(int(a.get("reps", 2))):
        for q in queries:
            t = time.perf_counter()
            assistant.search(q, k=10)
            search.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            assistant.ask(q)
            ask.append((time.perf_counter() - t) * 1000)
    councils = assistant.facets().councils
    council = councils[len(councils) // 2] if councils else None
    for q in queries[:8]:
        t = time.perf_counter()
        assistant.search(q, k=10, filters=Filters(council=council))
        filtered.append((time.perf_counter() - t) * 1000)
    import psutil

    out: dict[str, Any] = {"ready_s": round(ready_s, 2), "search": lat_stats(search),
                           "ask": lat_stats(ask), "search_filtered": lat_stats(filtered),
                           "rss_after_queries_mb": round(psutil.Process().memory_info().rss
                                                         / 2**20, 1)}
    dev = _dev(a.get("dev"))
    if dev:
        out["quality"] = evaluate_assistant(assistant, dev).to_dict()
    assistant.close()
    return out


def _texts(corpus: Path, raw_pdf: bool = False) -> list[str]:
    """The corpus as text; ``raw_pdf``: PDFs as plain pypdf gives them, as a naive pipeline
    would read them (no furniture removal or reflow)."""
    from indexer.readers import SUPPORTED, read_document

    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED
                   and not p.name.endswith(".meta.json"))
    if raw_pdf:
        from pypdf import PdfReader

        return ["\n\n".join(pg.extract_text() or "" for pg in PdfReader(str(p)).pages)
                if p.suffix.lower() == ".pdf" else read_document(p).text for p in files]
    return [read_document(p, max_bytes=256 * 2**20).text for p in files]


def task_naive(a: dict[str, Any]) -> dict[str, Any]:
    """The pipeline a user would otherwise write, timed the same way as ours (model load in)."""
    import faiss

    from retriever.baselines import BM25, naive_chunks
    from retriever.evaluate import first_hit, ranking_metrics

    t0 = time.perf_counter()
    texts = _texts(Path(a["corpus"]), bool(a.get("raw_pdf")))
    if a["backend"] == "fake":
        model: Any = FakeEmbedder()
        encode = model.encode
    else:
        from sentence_transformers import SentenceTransformer

        from indexer.embedding import bundled_model_path

        model = SentenceTransformer(str(bundled_model_path()), device="cpu")
        def encode(x: list[str]) -> np.ndarray:
            return model.encode(x, normalize_embeddings=True, convert_to_numpy=True)
    chunks = naive_chunks(texts)
    vecs = np.asarray(encode(chunks), dtype="float32")
    index = faiss.IndexFlatIP(vecs.shape[1])
    index.add(vecs)
    build_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    bm25 = BM25(chunks)
    bm25_s = time.perf_counter() - t1
    faiss.omp_set_num_threads(1)
    queries = a.get("queries") or QUERIES
    dev = [q for q in _dev(a.get("dev")) if q.get("answerable", True) and q.get("evidence")]
    out: dict[str, Any] = {"documents": len(texts), "chunks": len(chunks),
                           "build_s": round(build_s, 2), "bm25_build_s": round(bm25_s, 2),
                           "index_mb": round(index.ntotal * index.d * 4 / 2**20, 2)}
    runners = {"naive": lambda q: list(index.search(np.asarray(encode([q]), dtype="float32"),
                                                    10)[1][0]),
               "bm25": lambda q: list(np.argsort(-bm25.scores(q))[:10])}
    for name, run in runners.items():
        lat = []
        for q in queries:
            t = time.perf_counter()
            run(q)
            lat.append((time.perf_counter() - t) * 1000)
        out[f"{name}_search"] = lat_stats(lat)
        if dev:
            ranks = [first_hit([chunks[i] for i in run(q["question"]) if i >= 0],
                               q["evidence"]) for q in dev]
            r1, r5, mrr = ranking_metrics(ranks)
            out[f"{name}_quality"] = {"recall_at_1": round(r1, 4), "recall_at_5": round(r5, 4),
                                      "mrr_at_10": round(mrr, 4), "questions": len(dev)}
    return out


def task_embed(a: dict[str, Any]) -> dict[str, Any]:
    """Texts/s of one backend on the texts our indexer embeds (chunks with headers and
    sentences), by wall clock and per CPU-second (the latter survives a busy machine)."""
    from indexer.chunking import chunk_document
    from indexer.document import load_document
    from indexer.embedding import load_tokenizer
    from indexer.sentences import split_sentences

    count = load_tokenizer().count
    texts: list[str] = []
    for p in sorted(Path(a["corpus"]).rglob("*.txt")):
        doc, _ = load_document(p, p.name, p.stem, 2**28)
        for c in chunk_document(doc, count):
            texts.append(c.embed_text)
            texts.extend(c.text[s - c.char_start:e - c.char_start]
                         for s, e in split_sentences(c.text, c.char_start))
    texts = [t for t in dict.fromkeys(texts) if len(t.split()) >= 4][:int(a.get("limit", 1500))]
    texts.sort(key=len)
    t0 = time.perf_counter()
    emb = make_embedder(a["backend"], a.get("threads"))
    load_s = time.perf_counter() - t0
    emb.encode(texts[:16])
    out: dict[str, Any] = {"texts": len(texts), "load_s": round(load_s, 2), "runs": [],
                           "threads": a.get("threads") or os.cpu_count()}
    for bs in a.get("batch_sizes", [64]):
        w, c = time.perf_counter(), time.process_time()
        emb.encode(texts, batch_size=bs)
        w, c = time.perf_counter() - w, time.process_time() - c
        out["runs"].append({"batch_size": bs, "texts_per_s": round(len(texts) / w, 1),
                            "texts_per_cpu_s": round(len(texts) / c, 1)})
    return out


TASKS = {"index": task_index, "serve": task_serve, "naive": task_naive, "embed": task_embed}


def main() -> int:
    task, args = sys.argv[1], json.loads(sys.argv[2])
    result = TASKS[task](args)
    result["peak_rss_mb"] = peak_rss_mb()
    usage = resource.getrusage(resource.RUSAGE_SELF)  # CPU time survives a busy machine
    result["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
    print("BENCH-RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
