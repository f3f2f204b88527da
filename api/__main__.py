"""``python -m api [--host H] [--port P] [--index DIR] [--corpus DIR]``.

The same as ``scrutiny serve``, for environments where the console script is not installed
(and for the server test before the CLI is wired).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from indexer.config import Settings
from indexer.errors import ScrutinyError

from .server import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m api", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--index", type=Path, help="index directory (SCRUTINY_INDEX)")
    parser.add_argument("--corpus", type=Path, help="corpus directory (SCRUTINY_CORPUS)")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        settings = Settings.from_env(index_dir=args.index, corpus_dir=args.corpus)
        serve(settings, host=args.host, port=args.port, log_level=args.log_level,
              command="python -m api")
    except ScrutinyError as exc:  # a bad setting or a port in use: one line, exit code 2
        print(f"python -m api: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
