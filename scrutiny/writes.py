"""``scrutiny add`` and ``scrutiny remove``: one document in or out of the corpus and index.

The work is ``indexer.ingest`` (the same path as the API's uploads); this module parses the
metadata flags, shows the rebuild's progress as ``scrutiny index`` does, and says where the
file went. A refusal is a ``ScrutinyError``, which ``cli.main`` prints as one line (exit 2).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from indexer.config import Settings
from indexer.corpusfiles import supported_list
from indexer.models import DOC_TYPES

from .commands import FiltersFn, _json, _progress


def add_parsers(sub: Any, index_opt: Any) -> None:
    """The two subcommands, for ``cli.build_parser``."""
    p = sub.add_parser(
        "add", help="add files to the corpus and index them (one rebuild)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Copy files into the corpus folder (with the metadata given as each file's "
                    "sidecar, which wins over what is recognised in the text) and index them. "
                    "Every file is read first: if one cannot be used, nothing is added.",
        epilog="example:\n  scrutiny add kirklees-cpb-2019-06-05.pdf --council Kirklees "
               "--committee \"Corporate Parenting Board\" --doc-type minutes --date 2019-06-05")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE",
                   help=f"a {supported_list()} file")
    g = p.add_argument_group("metadata (written to each file's sidecar)")
    g.add_argument("--title")
    g.add_argument("--council", help='e.g. "Eastshire County Council"')
    g.add_argument("--committee", help="e.g. \"Children's Scrutiny Committee\"")
    g.add_argument("--doc-type", choices=DOC_TYPES)
    g.add_argument("--date", metavar="DATE", help="the meeting or report date, e.g. 2019-06-05")
    _common(p, index_opt)

    p = sub.add_parser(
        "remove", help="remove a document from the index (its file goes to the corpus's trash)",
        description="Remove a document: its file (and sidecar) move to .scrutiny-trash/ in the "
                    "corpus folder and the index is rebuilt without it. If the rebuild fails "
                    "the file is put back. Document ids are listed by `scrutiny documents`.")
    p.add_argument("doc_id", metavar="DOC_ID", help="from `scrutiny documents`")
    _common(p, index_opt)


def _common(p: argparse.ArgumentParser, index_opt: Any) -> None:
    p.add_argument("--corpus", type=Path, default=None, metavar="DIR",
                   help="the corpus folder the index is built from (default: $SCRUTINY_CORPUS "
                        "or corpus/)")
    index_opt(p)
    p.add_argument("--json", action="store_true", help="print the outcome as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _date(raw: str | None) -> str | None:
    """A day in any form the indexer reads (``2019-06-05``, ``5 June 2019``), as ISO."""
    from indexer.dates import parse_date
    from indexer.errors import ScrutinyError

    if not raw:
        return None
    iso = parse_date(raw)
    if not iso or re.fullmatch(r"\s*\d{4}(-\d{1,2})?\s*", raw):
        raise ScrutinyError(f"--date {raw!r} is not a day; use YYYY-MM-DD, e.g. 2019-06-05.")
    return iso


def cmd_add(args: argparse.Namespace, settings: Settings, _f: FiltersFn) -> int:
    from indexer.ingest import add_documents

    meta = {"title": args.title, "council": args.council, "committee": args.committee,
            "doc_type": args.doc_type, "date": _date(args.date)}
    progress_cm, callback = _progress(quiet=args.quiet or args.json)
    with progress_cm:
        outcomes = add_documents(settings, args.files,
                                 {k: v for k, v in meta.items() if v}, progress=callback)
    report = next((o.report for o in outcomes if o.report is not None), None)
    if args.json:
        _json({"documents": [_outcome_dict(o) for o in outcomes],
               "index": report.to_dict() if report is not None else None})
        return 0
    summaries = _summaries(settings)
    for given, o in zip(args.files, outcomes, strict=True):
        verb = "Added" if o.status == "indexed" else "Already indexed (nothing changed):"
        print(f"{verb} {given} as {o.doc_id}  ({o.path})")
        if o.doc_id in summaries:
            print(f"    {summaries[o.doc_id]}")
    _index_line(settings, outcomes[-1].documents, report)
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings, _f: FiltersFn) -> int:
    from indexer.ingest import remove_document

    progress_cm, callback = _progress(quiet=args.quiet or args.json)
    with progress_cm:
        o = remove_document(settings, args.doc_id, progress=callback)
    if args.json:
        _json({"document": _outcome_dict(o),
               "index": o.report.to_dict() if o.report is not None else None})
        return 0
    print(f"Removed {o.doc_id} ({o.source}).")
    print(f"    Its file is kept in {o.path.parent}; to restore it, move it back into the "
          "corpus folder and run `scrutiny index`.")
    _index_line(settings, o.documents, o.report)
    return 0


def _outcome_dict(o: Any) -> dict[str, Any]:
    return {"status": o.status, "doc_id": o.doc_id, "source": o.source, "path": str(o.path),
            "documents": o.documents}


def _index_line(settings: Settings, documents: int, report: Any) -> None:
    took = (f" ({report.chunks_embedded} chunks embedded in {report.seconds:.1f}s)"
            if report is not None else "")
    print(f"Index: {settings.index_dir}: {documents} documents{took}")
    for skipped in getattr(report, "skipped", []):
        if skipped.reason.startswith("warning"):
            print(f"  {skipped.path}: {skipped.reason}")


def _summaries(settings: Settings) -> dict[str, str]:
    """``date type · council · committee`` per document, as ``scrutiny documents`` shows
    them; empty if the index cannot be read (the addition itself has succeeded)."""
    from indexer.errors import ScrutinyError
    from retriever import Assistant

    try:
        assistant = Assistant.open(settings.index_dir, settings=settings)
    except ScrutinyError:
        return {}
    try:
        return {d.doc_id: f"{d.date or 'undated'} {d.doc_type} · {d.council or '?'} · "
                          f"{d.committee or d.title}" for d in assistant.documents()}
    finally:
        assistant.close()
