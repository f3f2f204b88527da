"""Serve the real API app with the deterministic fake embedder, for tests that kill or
inspect a real server process (file handles, kill -9 mid-write) without loading the model.

    python tests/reliability/fake_server.py --index DIR --corpus DIR --port N
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> None:
    import uvicorn

    from api.app import create_app
    from indexer.config import Settings
    from tests.fakes import HashEmbedder

    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--retire-grace", type=float, default=None,
                        help="seconds a swapped-out generation stays open")
    parser.add_argument("--build-delay", type=float, default=0.0,
                        help="sleep this long at each build progress event (a slow build)")
    args = parser.parse_args(argv)
    if args.retire_grace is not None:
        from retriever import assistant

        assistant.RETIRE_GRACE_S = args.retire_grace
    if args.build_delay:
        _slow_builds(args.build_delay)
    settings = Settings.from_env(index_dir=args.index, corpus_dir=args.corpus)
    app = create_app(settings, embedder=HashEmbedder(), bound_host="127.0.0.1")
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


def _slow_builds(delay: float) -> None:
    """Make every build sleep at each progress event, so a test can act mid-write."""
    import time
    from typing import Any

    from indexer import build

    original = build.build_index

    def slow(paths: list[Path], settings: Any, **kwargs: Any) -> Any:
        kwargs["progress"] = lambda stage, done, total: time.sleep(delay)
        return original(paths, settings, **kwargs)

    build.build_index = slow  # type: ignore[assignment]


if __name__ == "__main__":
    main(sys.argv[1:])
