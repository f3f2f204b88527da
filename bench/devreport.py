"""Issue 12's figures in one run: the dev corpus split by council (tune and held-out halves),
each against the plain baselines, then follow-ups against the same questions in full.

    python -m bench.devreport INDEX_DIR [--dev ../shared/eval/dev-corpus] [--rebuild]

Builds the dev corpus index in INDEX_DIR when it is missing (or with --rebuild). The tune
councils are the ones the answer weights were fitted on (``TUNE``); the held-out half was
never used to fit them. Skips with a message when the shared dev corpus is not here.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from indexer.config import Settings
from retriever.assistant import Assistant
from retriever.evaluate import baseline_rows, evaluate_assistant, format_table, load_questions

from . import followups
from .devsplit import split

HERE = Path(__file__).resolve().parent
DEV = HERE.parent.parent / "shared" / "eval" / "dev-corpus"
TUNE = ["camden", "cornwall", "doncaster", "hackney", "leeds", "manchester", "merton"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.devreport")
    p.add_argument("index", type=Path)
    p.add_argument("--dev", type=Path, default=DEV)
    p.add_argument("--rebuild", action="store_true")
    a = p.parse_args(argv)
    if not (a.dev / "qa.jsonl").exists():
        print(f"skipped: {a.dev} has no qa.jsonl (the shared dev corpus is not here)")
        return 0
    if a.rebuild or not a.index.exists():
        subprocess.run([sys.executable, "-m", "scrutiny", "index", str(a.dev / "docs"),
                        "--index", str(a.index), "--quiet"]
                       + (["--rebuild"] if a.rebuild else []), check=True)
    tune, held = split(a.dev, TUNE)
    assistant = Assistant.open(a.index, settings=Settings.from_env(index_dir=a.index))
    for name, qs in (("tune half (weights fitted here)", tune), ("held-out half", held)):
        n_un = sum(1 for q in qs if not q.get("answerable", True))
        print(f"\n{name}: {len(qs) - n_un} answerable + {n_un} out-of-scope questions")
        print(format_table([evaluate_assistant(assistant, qs)] + baseline_rows(assistant, qs)))
    print()
    followups.report(assistant, load_questions(a.dev / "qa.jsonl"))
    assistant.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
