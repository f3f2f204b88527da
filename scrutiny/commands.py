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


def _checked(assistant: Any, args: argparse.Namespace, filters: FiltersFn) -> Any:
    """The command's filters; a council no document matches is refused with those held."""
    from retriever.results import check_council

    chosen = filters(args)
    check_council(chosen, assistant.facets().councils)
    return chosen


def cmd_index(args: argparse.Namespace, settings: Settings, _f: FiltersFn) -> int:
    from indexer.build import build_index

    paths = args.paths or [settings.corpus_dir]
    progress_cm, callback = _progress(quiet=args.quiet or args.json)
    with progress_cm:
        report = build_index(paths, settings, progress=callback, rebuild=args.rebuild,
                             wait=args.wait,
                             defaults={"council": getattr(args, "council", None),
                                       "committee": getattr(args, "committee", None),
                                       "doc_type": getattr(args, "doc_type", None)})
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
    if report.unrecognised:
        print(f"  {len(report.unrecognised)} indexed without a council or date (add a sidecar, "
              "a folder scrutiny.meta.json or --council):")
        for doc in report.unrecognised:
            print(f"    {doc.path}: {doc.reason}")
    if not report.changed and not report.skipped:
        print("  nothing changed; the model was not loaded.")
    if report.seconds > 120 and not settings.chunk_vectors:  # --fast sets chunk_vectors
        print("  tip: `scrutiny index --fast --rebuild` indexes a large collection about 3x "
              "faster, for slightly lower ranking quality (docs/scaling.md).")
    return 0


def _fetch_dates(args: argparse.Namespace) -> tuple[str | None, str | None]:
    from indexer.dates import parse_date
    from indexer.errors import FetchError

    out: list[str | None] = []
    for flag, raw in (("--since", args.since), ("--until", args.until)):
        if not raw:
            out.append(None)
            continue
        iso = parse_date(raw)
        if not iso:
            raise FetchError(f"{flag} {raw!r} is not a date; use YYYY-MM-DD or a year.")
        out.append(f"{raw.strip()}-12-31" if flag == "--until" and raw.strip().isdigit()
                   else iso)
    return out[0], out[1]


def cmd_fetch(args: argparse.Namespace, settings: Settings, _f: FiltersFn) -> int:
    """Fetch, then index; exit 1 only when every meeting failed, so a cron job notices a
    site that has gone away but not one bad meeting."""
    from indexer.config import check_fetch_settings
    from indexer.sources.http import Client
    from indexer.sources.moderngov import FetchOptions, fetch_moderngov

    check_fetch_settings(settings)
    since, until = _fetch_dates(args)
    options = FetchOptions(committees=args.committee, since=since, until=until,
                           reports=args.reports, council=args.council, refresh=args.refresh)
    client = Client(rate=settings.fetch_rate, timeout=settings.fetch_timeout,
                    retries=settings.fetch_retries)
    quiet = args.quiet or args.json
    progress_cm, callback = _progress(quiet=quiet)
    with progress_cm:
        report = fetch_moderngov(args.url, settings.corpus_dir, options, client=client,
                                 progress=callback)
    if not quiet:
        print(f"{report.council} ({report.site}, via the {report.mode})")
        print(f"  committees: {'; '.join(report.committees) or 'none matched'}")
        print(f"  {len(report.fetched)} meetings fetched, {report.unchanged} already had, "
              f"{len(report.pending)} without minutes yet (asked again next run), "
              f"{len(report.reports)} reports, {len(report.failures)} failed; "
              f"{report.requests} requests")
        print(f"  written under {settings.corpus_dir / report.folder}")
    for line in report.failures:
        print(f"  failed: {line}", file=sys.stderr)
    if not report.committees and not quiet:
        print("  no committee matched: list them with --committee TEXT (part of a title).")
    build = None
    if not args.no_index:
        from indexer.build import build_index

        progress_cm, callback = _progress(quiet=quiet)
        with progress_cm:
            build = build_index([settings.corpus_dir], settings, progress=callback)
        if not quiet:
            print(f"Index: {build.index_dir}: {len(build.indexed)} indexed, "
                  f"{build.documents_total} documents")
    if args.json:
        _json({"fetch": report.to_dict(), "index": build.to_dict() if build else None})
    return 1 if report.all_failed else 0


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
    from retriever.display import plural

    assistant = _open(settings)
    docs = assistant.documents(_checked(assistant, args, filters))
    if args.json:
        _json({"documents": [d.to_dict() for d in docs], "count": len(docs)})
        return 0
    if not docs:
        print("No documents match.")
    for d in docs:
        print(f"{d.date or 'undated':<10}  {d.doc_type:<11} {d.council or '?'} · "
              f"{d.committee or d.title}")
        print(f"            {d.doc_id}  ({plural(d.items, 'item')}, {plural(d.chunks, 'chunk')}, "
              f"{plural(d.resolutions, 'resolution')})  {d.source}")
        if d.url:
            print(f"            {d.url}")
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings, filters: FiltersFn) -> int:
    from retriever.display import group_by_item, item_label, markers, plain, understood_line

    assistant = _open(settings)
    result = assistant.ask(args.query, filters=_checked(assistant, args, filters))
    if args.json:
        _json(result.to_dict())
        return 0
    understood = understood_line({**result.understood, "relaxed": []})
    if understood:
        print(understood, end="\n\n")
    print(result.answer)
    if result.citations:
        print("\nSources:")
        for group in group_by_item(result.citations):
            print(f"  {markers(group.entries)} {item_label(group.citation)}")
            if group.citation.url:
                print(f"      {group.citation.url}")
            for c in group.entries:
                page = f" (p. {c.citation.page})" if c.citation.page else ""
                lead = f"[{c.n}] " if len(group.entries) > 1 else ""
                print(f"      {lead}\"{plain(c.quote)}\"{page}")
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings, filters: FiltersFn) -> int:
    from retriever.display import plain, relevance, understood_line

    assistant = _open(settings)
    result = assistant.search(args.query, k=args.k, filters=_checked(assistant, args, filters),
                              sort=args.sort)
    if args.json:
        _json(result.to_dict())
        return 0
    understood = understood_line(result.understood)
    if understood:
        print(understood, end="\n\n")
    if not result.hits:
        print("No matching passages.")
        return 0
    scores = [h.score for h in result.hits]
    if args.sort == "date":
        print(f"The {len(result.hits)} most relevant passages, newest first:")
    for h in result.hits:
        # Listed by relevance the rank says it all; listed by date, say how relevant.
        where = f"  ({relevance(h.score, scores)})" if args.sort == "date" else ""
        print(f"{h.rank:>2}. {plain(h.citation.label())}{where}")
        if h.citation.url:
            print(f"    {h.citation.url}")
        text = plain(h.text)
        print(f"    {text[:300]}{'…' if len(text) > 300 else ''}")
    return 0


def cmd_resolutions(args: argparse.Namespace, settings: Settings, filters: FiltersFn) -> int:
    from retriever.display import plain

    assistant = _open(settings)
    result = assistant.resolutions(args.query or "", filters=_checked(assistant, args, filters),
                                   sort=args.sort, limit=args.k)
    if args.json:
        _json(result.to_dict())
        return 0
    what = "resolution or agreement" if result.count == 1 else "resolutions and agreements"
    print(f"{result.count} {what}" + (f" (showing {len(result.resolutions)})"
                                      if result.count > len(result.resolutions) else ""))
    for n, r in enumerate(result.resolutions, start=1):
        print(f"[{n}] {plain(r.citation.label())}  ({r.kind})")
        if r.citation.url:
            print(f"    {r.citation.url}")
        print(f"    {plain(r.text)}")
    return 0


def cmd_prepare(args: argparse.Namespace, settings: Settings, filters: FiltersFn) -> int:
    from retriever.display import plain

    assistant = _open(settings)
    result = assistant.prepare(args.query, filters=_checked(assistant, args, filters))
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
            print(f"  - \"{plain(p.quote)}\"\n    {plain(p.citation.label())}")
            if p.citation.url:
                print(f"    {p.citation.url}")
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
    if args.details:
        with open(args.details, "w", encoding="utf-8") as out:
            out.writelines(json.dumps(d, ensure_ascii=False) + "\n" for d in rows[0].details)
    if args.json:
        _json(rows[0].to_dict() | ({"baselines": [r.to_dict() for r in rows[1:]]}
                                   if args.baseline else {}))
    else:
        print(format_table(rows))
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings, _f: FiltersFn) -> int:
    from indexer.check import check_index

    if settings.store:  # PostgreSQL: its published generation, and the directory if any
        from .store_check import cmd_check as check_store

        return check_store(args, settings, _f)
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
