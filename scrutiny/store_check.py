"""``scrutiny check`` when ``SCRUTINY_STORE`` names a PostgreSQL server.

The server's published generation is what readers use, so it is always checked; the index
directory is checked too when there is one (the machine that builds), and not demanded when
there is none (a machine that only serves from PostgreSQL).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from indexer.config import Settings


def has_directory_index(index_dir: Path) -> bool:
    return index_dir.is_dir() and any(index_dir.iterdir())


def cmd_check(args: argparse.Namespace, settings: Settings, _f: Any) -> int:
    from indexer.check import check_index
    from indexer.stores.pgcheck import check
    from indexer.stores.postgres import _safe

    index_dir = Path(settings.index_dir)
    found = {f"PostgreSQL ({_safe(settings.store)})": check(settings.store)}
    if has_directory_index(index_dir):
        found = {str(index_dir): check_index(index_dir)} | found
    problems = [p for listed in found.values() for p in listed]
    print(*(f"problem: {p}" for p in problems), sep="\n", end="\n" if problems else "")
    if problems:
        option = f" --index {settings.index_dir}" if args.index else ""
        print(f"repair: run `scrutiny index --rebuild{option}` with SCRUTINY_STORE set: it "
              "publishes a fresh generation.")
        return 1
    print(f"OK: {' and '.join(found)} pass{'es' if len(found) == 1 else ''} every check.")
    return 0
