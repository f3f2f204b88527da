"""The ``scrutiny`` command: one entry point dispatching to the indexer, retriever, API and TUI.

Only the standard library is imported at module level so that ``scrutiny --help`` is instant;
each subcommand imports what it needs. Errors from the library (``ScrutinyError``) become a
one-line message and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from . import commands, writes

EXAMPLES = """\
examples:
  scrutiny index                      index the bundled corpus/ into .scrutiny-index/
  scrutiny index ~/minutes --index ~/minutes-index
  scrutiny fetch moderngov https://democracy.yourcouncil.gov.uk --corpus ~/minutes \
      --index ~/minutes-index          download scrutiny minutes, then index them
  scrutiny add kirklees-cpb-2019-06-05.pdf --council Kirklees --date 2019-06-05
  scrutiny remove kirklees-cpb-2019-06-05   id from `scrutiny documents`; file to the trash
  scrutiny ask "What did officers promise about CAMHS waiting times?"
  scrutiny search "foster carers" --council Barnsley --sort date
  scrutiny resolutions adoption --since 2012
  scrutiny serve --port 8000          HTTP API (docs at /docs)
  scrutiny tui                        terminal chat for councillors
"""


def _add_index_opt(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index", type=Path, default=None, metavar="DIR",
                   help="index directory (default: $SCRUTINY_INDEX or ./.scrutiny-index)")


def _add_filters(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("filters")
    g.add_argument("--council", help="e.g. Walsall")
    g.add_argument("--committee", help="words of the committee name")
    g.add_argument("--doc-type", choices=["minutes", "report", "inspection", "peer_review"])
    g.add_argument("--since", "--date-from", dest="since", metavar="DATE",
                   help="on or after: a year (2014), a month (2014-03) or a day (2014-03-05)")
    g.add_argument("--until", "--date-to", dest="until", metavar="DATE",
                   help="on or before; a year or month means its last day")


def _add_fetch(sub: Any) -> None:
    p = sub.add_parser("fetch", help="download a council's published minutes into the corpus")
    sources = p.add_subparsers(dest="source", metavar="SOURCE", required=True)
    m = sources.add_parser(
        "moderngov", help="a ModernGov site (democracy.<council>.gov.uk and similar)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Download the minutes of a council's meetings from its ModernGov site "
                    "(web service, or the meeting pages where that is switched off) into "
                    "CORPUS/<site>/<committee>/, each with a sidecar naming council, committee, "
                    "date and the meeting page's address; then index what is new. Run it "
                    "again at any time: it asks only for meetings it does not have yet.",
        epilog="example:\n  scrutiny fetch moderngov https://democracy.yourcouncil.gov.uk "
               "--since 2020 --corpus ~/minutes --index ~/minutes-index")
    m.add_argument("url", help="the site's address, e.g. https://democracy.yourcouncil.gov.uk")
    m.add_argument("--committee", action="append", default=[], metavar="TEXT",
                   help="committees whose title contains TEXT (repeatable; default: titles "
                        "containing 'scrutiny' or 'overview')")
    m.add_argument("--since", metavar="DATE", help="meetings from this date or year")
    m.add_argument("--until", metavar="DATE", help="meetings up to this date or year "
                                                   "(default: today)")
    m.add_argument("--reports", action="store_true",
                   help="also download the officer reports linked from each meeting (PDF)")
    m.add_argument("--council", metavar="NAME", help="council name to record (default: the "
                                                     "site's own)")
    m.add_argument("--refresh", action="store_true",
                   help="ask again for meetings already fetched (picks up corrected minutes)")
    m.add_argument("--corpus", type=Path, default=None, metavar="DIR",
                   help="where documents are written (default: $SCRUTINY_CORPUS or corpus/)")
    _add_index_opt(m)
    m.add_argument("--no-index", action="store_true", help="download only; do not index")
    m.add_argument("--json", action="store_true", help="print the fetch report as JSON")
    m.add_argument("--quiet", action="store_true", help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scrutiny", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Answers about local-government scrutiny records, citing the exact minute "
                    "item or paragraph. Runs offline.", epilog=EXAMPLES)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("index", help="build or update the index from folders of records")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (default: corpus/)")
    _add_index_opt(p)
    p.add_argument("--rebuild", action="store_true", help="ignore the existing index")
    p.add_argument("--wait", action="store_true", help="wait for another build to finish")
    p.add_argument("--backend", choices=["torch", "onnx"], help="embedding backend")
    p.add_argument("--fast", action="store_true",
                   help="for large collections: about 3x faster indexing (int8 model, passage "
                        "vectors from sentence vectors) for slightly lower ranking quality; "
                        "needs --rebuild for an index built without it")
    p.add_argument("--json", action="store_true", help="print the build report as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    g = p.add_argument_group("metadata for documents whose text lacks it (a sidecar or a "
                             "folder's scrutiny.meta.json wins; README)")
    g.add_argument("--council", help='e.g. "Eastshire County Council"')
    g.add_argument("--committee", help="e.g. \"Children's Scrutiny Committee\"")
    g.add_argument("--doc-type", choices=["minutes", "report", "inspection", "peer_review"])

    _add_fetch(sub)
    writes.add_parsers(sub, _add_index_opt)

    p = sub.add_parser("documents", help="list indexed documents")
    _add_index_opt(p)
    _add_filters(p)
    p.add_argument("--json", action="store_true")

    for name, help_ in (("ask", "answer a question with cited quotes"),
                        ("search", "ranked passages for a query"),
                        ("resolutions", "resolutions and agreements on a topic"),
                        ("prepare", "previous questions, undertakings and recommendations")):
        p = sub.add_parser(name, help=help_)
        p.add_argument("query", nargs="?" if name == "resolutions" else None, default="",
                       help="the question or topic")
        _add_index_opt(p)
        _add_filters(p)
        p.add_argument("--json", action="store_true", help="print the API's JSON")
        if name in ("search", "resolutions"):
            p.add_argument("-k", "--limit", dest="k", type=int, default=10)
            p.add_argument("--sort", choices=["relevance", "date"],
                           default="relevance" if name == "search" else "date")

    p = sub.add_parser("serve", help="run the HTTP API")
    _add_index_opt(p)
    p.add_argument("--corpus", type=Path, default=None, metavar="DIR",
                   help="where uploads are stored (default: $SCRUTINY_CORPUS or corpus/)")
    p.add_argument("--host", default="127.0.0.1", help="bind address (default loopback)")
    p.add_argument("--port", type=int, default=8000)

    p = sub.add_parser("tui", help="open the terminal chat")
    _add_index_opt(p)

    p = sub.add_parser("eval", help="measure retrieval and answers on a question file")
    p.add_argument("questions", type=Path, nargs="+", help="JSONL: {qid, question, evidence}")
    _add_index_opt(p)
    p.add_argument("--baseline", action="store_true",
                   help="also run the plain peers: naive dense, BM25 and their RRF hybrid")
    p.add_argument("--details", type=Path, metavar="FILE",
                   help="write one JSON line per question (rank, first quote, abstained)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("check", help="verify an index and say how to repair it")
    _add_index_opt(p)

    p = sub.add_parser("bench", help="benchmarks (see bench/README or --help)")
    p.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def _filters(args: argparse.Namespace) -> Any:
    from retriever.results import Filters

    return Filters.parse(council=getattr(args, "council", None),
                         committee=getattr(args, "committee", None),
                         doc_type=getattr(args, "doc_type", None),
                         since=getattr(args, "since", None), until=getattr(args, "until", None))


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    parser = build_parser()
    raw = list(sys.argv[1:] if argv is None else argv)
    if raw[:1] == ["bench"]:  # the benchmark harness parses its own options
        args = argparse.Namespace(command="bench", args=raw[1:], index=None)
    else:
        args = parser.parse_args(raw)
    if not args.command:
        parser.print_help()
        return 0
    from indexer.config import Settings
    from indexer.errors import ScrutinyError

    overrides: dict[str, Any] = {"index_dir": getattr(args, "index", None),
                                 "corpus_dir": getattr(args, "corpus", None)}
    if getattr(args, "backend", None):
        overrides["backend"] = args.backend
    if getattr(args, "fast", False):
        overrides.update(onnx_precision="int8", chunk_vectors="sentences")
    try:
        settings = Settings.from_env(**overrides)
        handler = getattr(commands, f"cmd_{args.command}", None) \
            or getattr(writes, f"cmd_{args.command}")
        return int(handler(args, settings, _filters) or 0)
    except ScrutinyError as exc:
        print(f"scrutiny: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("scrutiny: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    sys.exit(main())
