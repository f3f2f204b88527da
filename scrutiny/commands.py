"""Handlers for each ``scrutiny`` subcommand; human output here, JSON via ``to_dict``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from indexer.config import Settings

FiltersFn = Callable[[argparse.Namespace], Any]


def _json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _open(settings: Settings) -> Any:
    from retriever import Assistant

    return Assistant.open(settings.index_dir, settings=settings)


def cmd_index(args: argparse.Namespace, settings: Settings, _f: FiltersFn) -> int:
    from indexer.build import build_index

    paths = args.paths or [settings.corpus_dir]
    progress_cm, callback = _progress(quiet=args.quiet or args.json)
    with progress_cm:
        report = build_index(paths, settings, progress=callback, rebuild=args.rebuild,
                             wait=args.wait)
    if args.json:
        _json(report.to_dict())
        return 0
    print(f"Index: {report.index_dir}")
    print(f"  {len(report.indexed)} indexed, {len(report.unchanged)} unchanged, "
          f"{len(report.removed)} removed, "
          f"{sum(1 for s in report.skipped if not s.reason.startswith('warning'))} skipped "
          f"— {report.documents_total} documents, {report.chunks_total} chunks "
          f"({report.chunks_embedded} embedded, {report.chunks_reused} reused) "
          f"in {report.seconds:.1f}s")
    for note in report.notes:
        print(f"  note: {note}")
    for skipped in report.skipped:
        print(f"  skipped {skipped.path}: {skipped.reason}")
    if not report.changed and not report.skipped:
        print("  nothing changed; the model was not loaded.")
    if report.seconds > 120 and not settings.chunk_vectors:  # --fast sets chunk_vectors
        print("  tip: `scrutiny index --fast --rebuild` indexes a large collection about 3x "
              "faster, for slightly lower ranking quality (docs/scaling.md).")
    return 0


def _progress(quiet: bool) -> tuple[Any, Any]:
    import contextlib

    if quiet or not sys.stderr.isatty():
        stages: dict[str, int] = {}

        def plain(stage: str, done: int, total: int) -> None:
            if quiet:
                return
            if done == total and total and stages.get(stage) != total:
                stages[stage] = total
                print(f"  {stage}: {done}/{total}", file=sys.stderr)

        return contextlib.nullcontext(), plain
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), transient=False)
    tasks: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total)
        progress.update(tasks[stage], completed=done, total=total)

    return progress, update


def cmd_documents(args: argparse.Namespace, settings: Settings, filters: FiltersFn) -> int:
    assistant = _open(settings)
    docs = assistant.documents(filters(args))
    if args.json:
        _json({"documents": [d.to_dict() for d in docs], "count": len(docs)})
        return 0
    if not docs:
        print("No documents match.")
    for d in docs:
        print(f"{d.date or 'undated':<10}  {d.doc_type:<11} {d.council or '?'} · "
              f"{d.committee or d.title}")
        print(f"            {d.doc_id}  ({d.items} items, {d.chunks} chunks, "
              f"{d.resolutions} resolutions)  {d.source}")
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings, filters: FiltersFn) -> int:
    result = _open(settings).ask(args.query, filters=filters(args))
    if args.json:
        _json(result.to_dict())
        return 0
    print(result.answer)
    if result.citations:
        print("\nSources:")
        for c in result.citations:
            print(f"  [{c.n}] {c.citation.label()}")
            print(f"      \"{' '.join(c.quote.split())}\"")
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings, filters: FiltersFn) -> int:
    result = _open(settings).search(args.query, k=args.k, filters=filters(args), sort=args.sort)
    if args.json:
        _json(result.to_dict())
        return 0
    if not result.hits:
        print("No matching passages.")
    for h in result.hits:
        print(f"{h.rank:>2}. {h.citation.label()}  (score {h.score:.4f})")
        text = " ".join(h.text.split())
        print(f"    {text[:300]}{'…' if len(text) > 300 else ''}")
    return 0


def cmd_resolutions(args: argparse.Namespace, settings: Settings, filters: FiltersFn) -> int:
    result = _open(settings).resolutions(args.query or "", filters=filters(args), sort=args.sort,
                                         limit=args.k)
    if args.json:
        _json(result.to_dict())
        return 0
    print(f"{result.count} resolutions and agreements" + (f" (showing {len(result.resolutions)})"
                                                           if result.count > args.k else ""))
    for n, r in enumerate(result.resolutions, start=1):
        print(f"[{n}] {r.citation.label()}  ({r.kind})")
        print(f"    {' '.join(r.text.split())}")
    return 0


def cmd_prepare(args: argparse.Namespace, settings: Settings, filters: FiltersFn) -> int:
    result = _open(settings).prepare(args.query, filters=filters(args))
    if args.json:
        _json(result.to_dict())
        return 0
    for title, points in (("Questions members asked", result.questions),
                          ("Undertakings and promises", result.undertakings),
                          ("Recommendations to follow up", result.recommendations)):
        print(f"{title}:")
        if not points:
            print("  (none found)")
        for p in points:
            print(f"  - \"{' '.join(p.quote.split())}\"\n    {p.citation.label()}")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings, _f: FiltersFn) -> int:
    from api.server import serve

    serve(settings, host=args.host, port=args.port)
    return 0


def cmd_tui(args: argparse.Namespace, settings: Settings, _f: FiltersFn) -> int:
    from tui.app import run

    run(settings)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings, _f: FiltersFn) -> int:
    from retriever.evaluate import baseline_rows, evaluate_assistant, format_table, load_questions

    questions = [q for path in args.questions for q in load_questions(Path(path))]
    assistant = _open(settings)
    rows = [evaluate_assistant(assistant, questions)]
    if args.baseline:
        rows += baseline_rows(assistant, questions)
    if args.json:
        _json(rows[0].to_dict() | ({"baselines": [r.to_dict() for r in rows[1:]]}
                                   if args.baseline else {}))
    else:
        print(format_table(rows))
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings, _f: FiltersFn) -> int:
    from indexer.check import check_index

    problems = check_index(Path(settings.index_dir))
    if not problems:
        print(f"OK: {settings.index_dir} passes every check.")
        return 0
    for p in problems:
        print(f"problem: {p}")
    print("repair: run `scrutiny index --rebuild" +
          (f" --index {settings.index_dir}`" if args.index else "`"))
    return 1


def cmd_bench(args: argparse.Namespace, settings: Settings, _f: FiltersFn) -> int:
    from bench.run import main as bench_main

    return int(bench_main(args.args) or 0)
