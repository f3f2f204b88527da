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
    checked = [f"PostgreSQL ({_safe(settings.store)})"]
    problems = check(settings.store)
    if has_directory_index(index_dir):
        checked.insert(0, str(index_dir))
        problems = check_index(index_dir) + problems
    if not problems:
        print(f"OK: {' and '.join(checked)} pass{'es' if len(checked) == 1 else ''} every "
              "check.")
        return 0
    for p in problems:
        print(f"problem: {p}")
    print("repair: run `scrutiny index --rebuild" +
          (f" --index {settings.index_dir}`" if args.index else "`"))
    return 1
