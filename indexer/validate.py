"""Read one untrusted file in a child process with a memory ceiling and a time limit.

The API accepts files from the network. The readers bound what they can (sizes, zip bombs,
text length), but a parser can still be driven into a slow or greedy path by a crafted PDF; a
child process confines that to itself, and the server reports a clear reason instead of
swapping or stalling its other clients.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .errors import ReadError

MEMORY_LIMIT_MB = 3072
TIME_LIMIT_S = 120.0
_OUT_OF_MEMORY = ("MemoryError", "Cannot allocate memory", "failed to map segment", "bad_alloc")


def _limit_memory(limit_mb: int) -> None:
    try:
        import resource
    except ImportError:  # not on Windows; the time limit still holds
        return
    limit = limit_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def read_isolated(path: Path, max_bytes: int, max_text_mb: int, *,
                  memory_mb: int = MEMORY_LIMIT_MB, timeout: float = TIME_LIMIT_S) -> int:
    """Check that ``path`` reads within the limits; returns its text length.

    Raises ``ReadError`` with the reader's reason, or with the limit that was hit.
    """
    root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (root, os.environ.get("PYTHONPATH", "")) if p))
    cmd = [sys.executable, "-m", "indexer.validate", str(path), str(max_bytes), str(max_text_mb)]
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=env,
            preexec_fn=(lambda: _limit_memory(memory_mb)) if os.name == "posix" else None)
    except subprocess.TimeoutExpired:
        raise ReadError(f"reading the file took longer than {timeout:.0f} s; it was not "
                        "indexed (split it, or index it from the command line)") from None
    try:
        answer = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        if done.returncode < 0 or any(sign in done.stderr for sign in _OUT_OF_MEMORY):
            raise ReadError(f"reading the file needed more than {memory_mb} MB of memory; it "
                            "was not indexed") from None
        raise ReadError("the file could not be read (the reader stopped unexpectedly)") from None
    if "error" in answer:
        raise ReadError(answer["error"])
    return int(answer["chars"])


def main(argv: list[str]) -> int:
    from .readers import read_document

    path, max_bytes, max_text_mb = Path(argv[0]), int(argv[1]), int(argv[2])
    try:
        result = read_document(path, max_bytes=max_bytes, max_text_mb=max_text_mb)
    except ReadError as exc:
        answer: dict[str, object] = {"error": str(exc)}
    except MemoryError:
        answer = {"error": "reading the file needed more memory than allowed; it was not "
                           "indexed"}
    except Exception as exc:  # a parser bug must still come back as a reason
        answer = {"error": f"the file could not be read ({type(exc).__name__})"}
    else:
        answer = {"chars": len(result.text)}
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
