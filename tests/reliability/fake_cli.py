"""Run the real ``scrutiny`` CLI with the deterministic fake embedder instead of the model.

Used by the reliability tests (and ``bench/crash.py``) to kill and repeat builds quickly: the
whole command path (argument parsing, lock, build, publish, error messages) is the real one;
only ``build_index`` gets ``embedder=HashEmbedder()``. Progress goes to stdout, one line per
callback, flushed, so a parent process can kill the build at a chosen stage.

    python tests/reliability/fake_cli.py index CORPUS --index DIR
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    from indexer import build
    from scrutiny import cli
    from tests.fakes import HashEmbedder

    original = build.build_index
    # A test that needs the build to still be running a second later slows it down here
    # instead of hoping the machine is slow enough.
    delay = float(os.environ.get("FAKE_CLI_PROGRESS_DELAY") or 0)

    def build_with_fake(paths: list[Path], settings: Any, **kwargs: Any) -> Any:
        kwargs["embedder"] = kwargs.get("embedder") or HashEmbedder()
        outer = kwargs.get("progress")

        def progress(stage: str, done: int, total: int) -> None:
            print(f"progress {stage} {done} {total}", flush=True)
            time.sleep(delay)
            if outer is not None:
                outer(stage, done, total)

        kwargs["progress"] = progress
        return original(paths, settings, **kwargs)

    build.build_index = build_with_fake  # type: ignore[assignment]
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
