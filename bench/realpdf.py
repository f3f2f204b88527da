"""Real PDFs: recognition, page furniture and throughput on ``../shared/corpus-real/``.

    python -m bench.realpdf                       # recognition on every file, throughput on 40
    python -m bench.realpdf --sample 0            # recognition only (reading, no embedding)
    python -m bench.realpdf --limit -1 --sample 20     # throughput only
    python -m bench.realpdf --dev ../shared/eval/dev-corpus

Recognition needs only reading, so it runs over every file: council right (the manifest's
``local_authority`` against the recognised council), publication date right (the manifest's
``published``), the fieldwork kept as ``date``, and the share of chunks that still hold a
running header or footer line. Throughput (documents/s, chunks/s, peak RSS) is measured on a
sample, each pipeline in its own process (``bench.worker``): ours beside the naive pipeline
(raw pypdf text, 1000/200-character splits, same model), on the same files in the same run.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus-real"


def _norm(name: str | None) -> str:
    return re.sub(r"[^a-z]+", " ", (name or "").lower()).strip()


def council_right(expected: str, council: str | None) -> bool:
    from indexer.gazetteer import council_matches

    if not council:
        return False
    e, c = _norm(expected), _norm(council)
    words = set(c.split()) - {"and", "of", "the", "council", "city", "county", "borough"}
    return e in c or council_matches(expected, council) or set(e.split()) - {"and"} <= words


def recognition(corpus: Path, manifest: list[dict], key_council: str, key_date: str) -> dict:
    from indexer.chunking import chunk_document
    from indexer.document import load_document
    from indexer.embedding import load_tokenizer
    from indexer.errors import ReadError
    from indexer.pdftext import _key

    count = load_tokenizer().count
    rows = {"files": len(manifest), "indexed": 0, "skipped": [], "council_right": 0,
            "published_right": 0, "date_kept": 0, "chunks": 0, "chunks_with_furniture": 0,
            "title_page_chunks_with_header_words": 0, "chunks_mid_sentence": 0,
            "misses": []}
    t0 = time.perf_counter()
    for i, entry in enumerate(manifest):
        path = corpus / entry["file"]
        try:
            doc, _ = load_document(path, entry["file"], f"d{i}", 256 * 2**20)
        except ReadError as exc:
            rows["skipped"].append(f"{entry['file']}: {exc}")
            continue
        rows["indexed"] += 1
        ok_c = council_right(entry[key_council], doc.council)
        ok_p = doc.published == entry[key_date] or doc.date == entry[key_date] and \
            key_date == "date" and doc.published is None
        if key_date == "date":  # the dev manifest's date is the publication date
            ok_p = entry[key_date] in (doc.published, doc.date)
        rows["council_right"] += ok_c
        rows["published_right"] += ok_p
        rows["date_kept"] += bool(doc.date and doc.date != doc.published)
        if not (ok_c and ok_p):
            rows["misses"].append(f"{entry['file']}: council {doc.council!r} date {doc.date} "
                                  f"published {doc.published}")
        # Furniture: the raw header/footer lines pypdf gives, looked for in the chunks.
        furniture = _raw_furniture(path)
        chunks = chunk_document(doc, count)
        rows["chunks"] += len(chunks)
        rows["chunks_mid_sentence"] += sum(
            1 for c in chunks if not re.search(r"[.!?:;)\"”’]\s*$", c.text))
        hits = [c for c in chunks if any(_key(f) in _key(c.text) for f in furniture)]
        # On the title page the header's words are the report's own title, set once.
        rows["chunks_with_furniture"] += sum(1 for c in hits if (c.page or 1) > 1)
        rows["title_page_chunks_with_header_words"] += sum(1 for c in hits if (c.page or 1) == 1)
        if (i + 1) % 20 == 0:
            print(f"  read {i + 1}/{len(manifest)} ({time.perf_counter() - t0:.0f}s)",
                  file=sys.stderr, flush=True)
    rows["seconds"] = round(time.perf_counter() - t0, 1)
    return rows


def _raw_furniture(path: Path) -> list[str]:
    """Running header/footer lines of the raw extraction (what the naive pipeline keeps)."""
    from pypdf import PdfReader

    from indexer.pdftext import _lines, furniture_keys

    pages = [_lines(p.extract_text() or "") for p in PdfReader(str(path)).pages]
    keys = furniture_keys(pages)
    seen: dict[str, str] = {}
    from indexer.pdftext import _key

    for lines in pages:
        for ln in lines:
            if ln and _key(ln) in keys and len(ln) >= 8:
                seen.setdefault(_key(ln), ln)
    return list(seen.values())


def throughput(corpus: Path, files: list[str], backend: str) -> dict:
    from bench.run import worker

    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "sample"
        sample.mkdir()
        for f in files:
            (sample / Path(f).name).symlink_to(corpus / f)
        ours = worker("index", {"corpus": str(sample), "index_dir": str(Path(tmp) / "idx"),
                                "backend": backend})
        naive = worker("naive", {"corpus": str(sample), "backend": backend, "raw_pdf": True})
    return {"ours": ours, "naive": naive}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--dev", type=Path, default=None, help="also a dev corpus (docs/ + manifest)")
    ap.add_argument("--limit", type=int, default=0,
                    help="recognition on the first N files only (-1: none)")
    ap.add_argument("--sample", type=int, default=40, help="files for throughput (0: skip)")
    ap.add_argument("--backend", default="onnx")
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args(argv)
    if not (a.corpus / "manifest.jsonl").is_file():
        print(f"no corpus at {a.corpus}", file=sys.stderr)
        return 2
    manifest = [json.loads(x) for x in (a.corpus / "manifest.jsonl").read_text().splitlines()
                if x.strip()]
    out: dict = {}
    if a.limit >= 0:
        subset = manifest[:a.limit] if a.limit else manifest
        out["real"] = recognition(a.corpus, subset, "local_authority", "published")
    if a.dev and (a.dev / "manifest.jsonl").is_file():
        dev = [json.loads(x) for x in (a.dev / "manifest.jsonl").read_text().splitlines()
               if x.strip()]
        dev = [dict(d, file=f"docs/{d['file']}") for d in dev]
        out["dev"] = recognition(a.dev, dev, "council", "date")
    if a.sample:
        files = sorted(random.Random(13).sample([m["file"] for m in manifest],
                                                min(a.sample, len(manifest))))
        out["throughput"] = throughput(a.corpus, files, a.backend)
    _print(out)
    if a.json:
        a.json.write_text(json.dumps(out, indent=1))
    return 0


def _print(out: dict) -> None:
    for name in ("real", "dev"):
        r = out.get(name)
        if not r:
            continue
        n = max(1, r["indexed"])
        print(f"\n{name}: {r['indexed']}/{r['files']} indexed, {len(r['skipped'])} skipped "
              f"({r['seconds']} s to read and chunk)")
        print(f"  council right      {r['council_right']}/{n} = {r['council_right'] / n:.1%}")
        print(f"  published right    {r['published_right']}/{n} = {r['published_right'] / n:.1%}")
        print(f"  event date kept    {r['date_kept']}/{n}")
        c = max(1, r["chunks"])
        print(f"  chunks with a running header/footer line (pages 2+)  "
              f"{r['chunks_with_furniture']}/{r['chunks']} = {r['chunks_with_furniture'] / c:.2%}")
        m = r["chunks_mid_sentence"]
        print(f"  chunks ending mid-sentence  {m}/{r['chunks']} = {m / c:.1%}")
        t = r["title_page_chunks_with_header_words"]
        print(f"  title-page chunks holding the title the header repeats  {t}/{r['chunks']} = "
              f"{t / c:.2%}")
        for s in r["skipped"]:
            print(f"  skipped {s}")
        for m in r["misses"][:15]:
            print(f"  miss {m}")
    t = out.get("throughput")
    if t:
        print("\nthroughput (same sample, same run)   docs/s   chunks/s   peak RSS MB   build s")
        for name in ("ours", "naive"):
            r = t[name]
            s = max(1e-9, r["build_s"])
            print(f"  {name:<8} {r['documents'] / s:>28.2f} {r['chunks'] / s:>10.1f} "
                  f"{r.get('peak_rss_mb', 0):>13} {r['build_s']:>9}")


if __name__ == "__main__":
    raise SystemExit(main())
