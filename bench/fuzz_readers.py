"""Reader fuzzing, the long version: every file is indexed or skipped with a reason, in bounded
time and memory, and the rest of the corpus is indexed.

Generates random and mutated PDF/DOCX/HTML/TXT files, the adversarial set of the test suite,
and the big cases (a 200 MB text file, a 50 MB single line, 9 MB of text and a 9 MB single
line (just under the 10 MB text limit, so they go all the way through), DOCX bodies of 20 MB
(under the 25 MB limit) and 150 MB, a 300 MB bomb, a 200 000-deep HTML page, a 45 MB HTML page,
50 MB of NUL bytes, 20 MB of mixed encodings, a 1000-page PDF). Each file goes through the
indexer's own per-file pipeline in a fresh subprocess (read -> recognise -> chunk with the model's
tokenizer), under a time limit and optionally an address-space limit, and the time and peak
RSS are recorded. ``--build`` then indexes all the small files plus the seeds in one build
(fake embedder) and checks each was indexed or skipped with a reason. ``--atheris RUNS`` adds
coverage-guided fuzzing of ``read_document`` per file type if atheris is installed.

    python bench/fuzz_readers.py                    # everything (tens of minutes)
    python bench/fuzz_readers.py --no-big --random 50 --build
    python bench/fuzz_readers.py --atheris 20000 --no-big --random 0
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "reliability")]

from rel_helpers import (  # noqa: E402
    CORPUS,
    adversarial_files,
    deep_html,
    docx_bomb,
    mixed_encodings,
    sample_docx,
    sample_html,
    sample_pdf,
    subprocess_env,
)

SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html")
MB = 1024 * 1024


# -- generating files ------------------------------------------------------------------------------

def mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(["truncate", "flip", "splice", "zero", "duplicate"])
        if not out:
            break
        i = rng.randrange(len(out))
        if kind == "truncate":
            del out[i:]
        elif kind == "flip":
            for _ in range(rng.randint(1, 64)):
                out[rng.randrange(len(out))] = rng.randrange(256)
        elif kind == "splice":
            out[i:i] = rng.randbytes(rng.randint(1, 2048))
        elif kind == "zero":
            out[i:i + rng.randint(1, 8192)] = b"\x00" * rng.randint(0, 64)
        else:
            j = rng.randrange(len(out))
            out[i:i] = out[min(i, j):max(i, j)][:65536]
    return bytes(out)


def random_files(dest: Path, n: int, seed: int) -> list[Path]:
    rng = random.Random(seed)
    samples = {".pdf": sample_pdf(3), ".docx": sample_docx(3), ".html": sample_html(),
               ".txt": (CORPUS / sorted(os.listdir(CORPUS))[0]).read_bytes()[:20000]}
    paths = []
    for i in range(n):
        suffix = rng.choice(SUFFIXES)
        size = int(10 ** rng.uniform(0, 6))
        path = dest / f"random-{i:04d}{suffix}"
        path.write_bytes(rng.randbytes(size))
        paths.append(path)
        base = rng.choice(sorted(samples))
        path = dest / f"mutated-{i:04d}{base}"
        path.write_bytes(mutate(rng, samples[base]))
        paths.append(path)
    return paths


def big_files(dest: Path) -> list[Path]:
    seeds = b"\n\n".join(p.read_bytes() for p in sorted(CORPUS.glob("*.txt")))
    made: list[Path] = []

    def target(name: str) -> Path:
        path = dest / name
        made.append(path)
        return path

    with target("big-200mb.txt").open("wb") as fh:
        while fh.tell() < 200 * MB:
            fh.write(seeds)
    with target("line-50mb.txt").open("wb") as fh:
        line = seeds.replace(b"\r", b" ").replace(b"\n", b" ")
        while fh.tell() < 50 * MB:
            fh.write(line)
    with target("big-9mb.txt").open("wb") as fh:
        while fh.tell() < 9 * MB - len(seeds):
            fh.write(seeds)
    with target("line-9mb.txt").open("wb") as fh:
        while fh.tell() < 9 * MB - len(line):
            fh.write(line)
    with target("nul-50mb.txt").open("wb") as fh:
        block = (b"Minutes\x00\x00of the\x00meeting " * (MB // 26 + 1))[:MB]
        for _ in range(50):
            fh.write(block)
    with target("mixed-20mb.txt").open("wb") as fh:
        block = mixed_encodings()
        while fh.tell() < 20 * MB:
            fh.write(block)
    target("deep-200k.html").write_bytes(deep_html(200_000))
    with target("wide-45mb.html").open("wb") as fh:
        fh.write(b"<html><body><main>")
        para = b"".join(b"<p>" + line + b"</p>\n" for line in seeds.splitlines() if line)
        while fh.tell() < 45 * MB:
            fh.write(para)
        fh.write(b"</main></body></html>")
    target("bomb-300mb.docx").write_bytes(docx_bomb(300))
    target("docx-20mb-text.docx").write_bytes(big_docx(20))
    target("docx-150mb-text.docx").write_bytes(big_docx(150))
    target("pdf-1000-pages.pdf").write_bytes(sample_pdf(1000))
    return made


def big_docx(expanded_mb: int) -> bytes:
    """A valid DOCX whose body expands to ``expanded_mb`` MB (the limit is 25 MB)."""
    with zipfile.ZipFile(io.BytesIO(sample_docx(1))) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    xml = parts["word/document.xml"]
    at = xml.index(b"<w:p>") if b"<w:p>" in xml else xml.index(b"<w:p ")
    para = b"<w:p><w:r><w:t>The panel noted the report on foster carers.</w:t></w:r></w:p>"
    body = para * (expanded_mb * MB // len(para))
    parts["word/document.xml"] = xml[:at] + body + xml[at:]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


# -- the per-file worker ---------------------------------------------------------------------------

def worker(path: Path) -> dict[str, Any]:
    """Read, recognise and chunk one file as a build would. Prints a JSON line after each
    stage (so a timeout still says how far it got); the last line is the result."""
    from indexer.chunking import chunk_document
    from indexer.document import load_document
    from indexer.embedding import load_tokenizer
    from indexer.errors import ReadError
    from indexer.readers import read_document

    count = load_tokenizer(None).count
    out: dict[str, Any] = {"file": path.name, "bytes": path.stat().st_size}

    def stage(name: str, since: float) -> None:
        out[f"t_{name}"] = round(time.perf_counter() - since, 2)
        out["stage"] = name
        out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(json.dumps(out), flush=True)

    t0 = time.perf_counter()
    try:
        read_document(path, 256 * MB)  # timed alone: the reader's own cost
        stage("read", t0)
        t1 = time.perf_counter()
        doc, _ = load_document(path, path.name, "fuzz", 256 * MB, "hash")
        stage("recognise", t1)
    except ReadError as exc:
        out.update(outcome="skipped", reason=str(exc))
    except (MemoryError, RecursionError, ValueError, LookupError, AssertionError) as exc:
        out.update(outcome="skipped", reason=f"could not be parsed ({type(exc).__name__})")
    else:
        out["chars"] = len(doc.text)
        t2 = time.perf_counter()
        chunks = chunk_document(doc, count, 200, 32)
        out.update(outcome="indexed", chunks=len(chunks))
        stage("chunk", t2)
    out["seconds"] = round(time.perf_counter() - t0, 2)
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return out


def run_worker(path: Path, timeout: float, mem_limit_mb: int) -> dict[str, Any]:
    def limit() -> None:
        if mem_limit_mb:
            resource.setrlimit(resource.RLIMIT_AS, (mem_limit_mb * MB, mem_limit_mb * MB))

    t0 = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, __file__, "--worker", str(path)],
                              capture_output=True, text=True, timeout=timeout,
                              env=subprocess_env(), preexec_fn=limit)
    except subprocess.TimeoutExpired as exc:
        partial = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        lines = [line for line in partial.splitlines() if line.startswith("{")]
        last = json.loads(lines[-1]) if lines else {}
        return {"file": path.name, "bytes": path.stat().st_size, "outcome": "TIMEOUT",
                "seconds": round(time.perf_counter() - t0, 1), "rss_mb": last.get("rss_mb"),
                "reason": f"still running after {timeout:.0f}s; stages done: "
                          + (", ".join(f"{k[2:]} {v}s" for k, v in last.items()
                                       if k.startswith("t_")) or "none")}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"file": path.name, "bytes": path.stat().st_size, "outcome": "CRASH",
                "reason": f"exit {done.returncode}: {tail[:300]}",
                "seconds": round(time.perf_counter() - t0, 1), "rss_mb": None}
    result = json.loads(lines[-1])
    result["wall"] = round(time.perf_counter() - t0, 1)
    return result


# -- one build over everything -----------------------------------------------------------------

def build_all(files: list[Path], work: Path, timeout: float) -> dict[str, Any]:
    corpus = work / "build-corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir()
    for seed in CORPUS.glob("*.txt"):
        shutil.copy(seed, corpus / seed.name)
    for f in files:
        shutil.copy(f, corpus / f.name)
    index = work / "build-index"
    shutil.rmtree(index, ignore_errors=True)
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from tests.fakes import HashEmbedder\n"
        "from indexer.build import build_index\n"
        "from indexer.check import check_index\n"
        "from indexer.config import Settings\n"
        f"r = build_index([Path({str(corpus)!r})], Settings(index_dir=Path({str(index)!r})), "
        "embedder=HashEmbedder())\n"
        f"print(json.dumps({{'indexed': r.indexed, 'skipped': [[s.path, s.reason] for s in "
        f"r.skipped], 'check': check_index(Path({str(index)!r})), 'docs': r.documents_total}}))\n"
    )
    t0 = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              timeout=timeout, env=subprocess_env(), cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"ok": False, "why": f"build did not finish in {timeout}s"}
    if done.returncode != 0:
        return {"ok": False, "why": done.stderr.strip().splitlines()[-1:]}
    report = json.loads(done.stdout.strip().splitlines()[-1])
    skipped = {p: r for p, r in report["skipped"] if not r.startswith("warning")}
    names = [f.name for f in files]
    neither = [n for n in names if n not in report["indexed"] and n not in skipped]
    no_reason = [n for n, r in skipped.items() if not r.strip()]
    seeds_missing = [s.name for s in CORPUS.glob("*.txt") if s.name not in report["indexed"]]
    ok = not neither and not no_reason and not seeds_missing and not report["check"]
    return {"ok": ok, "seconds": round(time.perf_counter() - t0, 1),
            "indexed": len(report["indexed"]), "skipped": len(skipped), "neither": neither,
            "seeds_missing": seeds_missing, "check": report["check"]}


# -- atheris ---------------------------------------------------------------------------------------

def atheris_worker(suffix: str, runs: int) -> None:
    import atheris

    with atheris.instrument_imports():
        import bs4  # noqa: F401
        import docx  # noqa: F401
        import pypdf  # noqa: F401

        from indexer.errors import ReadError
        from indexer.readers import read_document

    tmp = Path(tempfile.mkdtemp(prefix="atheris-")) / f"input{suffix}"

    def one(data: bytes) -> None:
        tmp.write_bytes(data)
        try:
            read_document(tmp)
        except ReadError:
            pass

    atheris.Setup([sys.argv[0], f"-runs={runs}", "-max_len=65536", "-timeout=30",
                   "-rss_limit_mb=4096"], one)
    atheris.Fuzz()


def run_atheris(runs: int, timeout: float) -> list[dict[str, Any]]:
    try:
        import atheris  # noqa: F401
    except ImportError:
        print("atheris is not installed; skipping coverage-guided fuzzing")
        return []
    results = []
    for suffix in (".pdf", ".docx", ".html", ".txt"):
        t0 = time.perf_counter()
        try:
            done = subprocess.run([sys.executable, __file__, "--atheris-worker", suffix,
                                   "--atheris", str(runs)], capture_output=True, text=True,
                                  timeout=timeout, env=subprocess_env())
            code, tail = done.returncode, done.stderr.strip().splitlines()[-3:]
        except subprocess.TimeoutExpired:
            code, tail = -1, ["timeout"]
        results.append({"suffix": suffix, "runs": runs, "exit": code,
                        "seconds": round(time.perf_counter() - t0, 1),
                        "tail": " | ".join(tail)[-300:]})
        print(f"  atheris {suffix}: {runs} runs, exit {code} in "
              f"{results[-1]['seconds']}s {'' if code == 0 else results[-1]['tail']}",
              flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--random", type=int, default=100,
                        help="random + mutated file pairs (default 100, so 200 files)")
    parser.add_argument("--no-big", dest="big", action="store_false",
                        help="skip the 20-200 MB cases")
    parser.add_argument("--build", action="store_true",
                        help="also index all small files + seeds in one build")
    parser.add_argument("--atheris", type=int, default=0, metavar="RUNS")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per file")
    parser.add_argument("--mem-limit-mb", type=int, default=0,
                        help="address-space limit per file worker (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="write all results here")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--atheris-worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker)), flush=True)
        return 0
    if args.atheris_worker:
        atheris_worker(args.atheris_worker, args.atheris)
        return 0

    work = args.workdir or Path(tempfile.mkdtemp(prefix="scrutiny-fuzz-"))
    files_dir = work / "files"
    files_dir.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    small: list[Path] = []
    for name, data in adversarial_files(long_line_mb=5).items():
        (files_dir / name).write_bytes(data)
        small.append(files_dir / name)
    small += random_files(files_dir, args.random, args.seed)
    big = big_files(files_dir) if args.big else []
    print(f"fuzzing {len(small) + len(big)} files ({len(big)} big) in {work}", flush=True)
    results = []
    for path in small + big:
        r = run_worker(path, args.timeout, args.mem_limit_mb)
        results.append(r)
        if path in big or r["outcome"] in ("CRASH", "TIMEOUT") or r.get("seconds", 0) > 5:
            extra = r.get("reason", "")[:80] or f"chunks={r.get('chunks')}"
            print(f"  {r['file']:<26} {r['bytes'] / MB:8.1f} MB  {r['outcome']:<8} "
                  f"{r.get('seconds', 0):7.1f}s  rss {r.get('rss_mb')} MB  {extra}", flush=True)
    build = build_all(small, work, args.timeout * 2) if args.build else None
    fuzz = run_atheris(args.atheris, args.timeout * 4) if args.atheris else []

    by = {k: [r for r in results if r["outcome"] == k]
          for k in ("indexed", "skipped", "CRASH", "TIMEOUT")}
    timed = [r for r in results if r.get("seconds") is not None]
    slowest = max(timed, key=lambda r: r["seconds"]) if timed else None
    hungriest = max((r for r in results if r.get("rss_mb")), key=lambda r: r["rss_mb"],
                    default=None)
    print(f"files fuzzed: {len(results)}; indexed: {len(by['indexed'])}; skipped with a "
          f"reason: {len(by['skipped'])}; crashes: {len(by['CRASH'])}; timeouts: "
          f"{len(by['TIMEOUT'])}")
    if slowest:
        print(f"max time per file: {slowest['seconds']}s ({slowest['file']}); max RSS per "
              f"file: {hungriest['rss_mb'] if hungriest else '?'} MB "
              f"({hungriest['file'] if hungriest else '?'})")
    for r in by["CRASH"] + by["TIMEOUT"]:
        print(f"  {r['outcome']}: {r['file']} {r.get('reason', '')}")
    if build is not None:
        print(f"one build over {len(small)} small files + 5 seeds: {build}")
    print(f"elapsed {time.perf_counter() - t_start:.0f}s")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "build": build, "atheris": fuzz},
                                        indent=1))
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    bad = by["CRASH"] or by["TIMEOUT"] or (build is not None and not build["ok"]) or any(
        f["exit"] != 0 for f in fuzz)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
