"""Thirty question sets on real inspection reports outside the development corpus, each
against the plain baselines in one run.

    python -m bench.realsets WORK_DIR [--real ../shared/corpus-real]

Each set (``bench/data/real_set_*.jsonl``) names its reports by file name (``doc``); they are
copied from the shared real corpus into WORK_DIR/<set>/docs, indexed there once, and scored.
The questions were written by someone who had not seen the answer layer's output: set A was
then read to find general faults, sets B to Z and AA to DD were each measured once before
their misses were read (the closing notes of issue 12 give those first figures). Sets L to X
are of reports no other set uses, some of them from councils already in other sets. In set C,
two evidence strings are judgement-table lines as pdftotext gives them ("Overall effectiveness
Inadequate"); the indexer's reader puts a colon between a judgement and its grade, and evidence
is matched on words, not punctuation (``retriever.evaluate.norm``), so both readings match for
every pipeline. Set N has three such lines too; one of them (N-033) runs over two rows of the
table, which no quote of one rated field holds. In set P, P-006's evidence reads
"preproceedings" where the report has "pre-proceedings" split over two lines. Sets U, V, W and
X number their questions X-, Y-, Z- and XX- (set A's are U-). Sets Y, Z and AA to DD (Y2-, Z2-,
A3-, B3-, C3-, D3-) ask new questions of 12 reports each, chosen at random from all 286, some
of which other sets also use; the writers of AA to DD read the reports with pypdf. Skips
with a message when the shared corpus is not here.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from indexer.config import Settings
from retriever.assistant import Assistant
from retriever.evaluate import baseline_rows, evaluate_assistant, format_table, load_questions

HERE = Path(__file__).resolve().parent
REAL = HERE.parent.parent / "shared" / "corpus-real"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.realsets")
    p.add_argument("work", type=Path)
    p.add_argument("--real", type=Path, default=REAL)
    a = p.parse_args(argv)
    if not a.real.is_dir():
        print(f"skipped: {a.real} is not here (the shared real corpus)")
        return 0
    found = {f.name: f for f in a.real.rglob("*.pdf")}
    for qfile in sorted((HERE / "data").glob("real_set_*.jsonl")):
        questions = load_questions(qfile)
        names = sorted({q["doc"] for q in questions if q.get("doc")})
        missing = [n for n in names if n not in found]
        if missing:
            print(f"skipped {qfile.stem}: {len(missing)} of its reports are not in {a.real} "
                  f"(first: {missing[0]})")
            continue
        docs = a.work / qfile.stem / "docs"
        docs.mkdir(parents=True, exist_ok=True)
        for name in names:
            if not (docs / name).exists():  # a copy: the indexer refuses links out of a corpus
                shutil.copy2(found[name], docs / name)
        index = a.work / qfile.stem / "index"
        if not index.exists():
            subprocess.run([sys.executable, "-m", "scrutiny", "index", str(docs),
                            "--index", str(index), "--quiet"], check=True)
        n_un = sum(1 for q in questions if not q.get("answerable", True))
        print(f"\n{qfile.stem}: {len(questions) - n_un} answerable + {n_un} out-of-scope "
              "questions")
        with Assistant.open(index, settings=Settings.from_env(index_dir=index)) as assistant:
            print(format_table([evaluate_assistant(assistant, questions)]
                               + baseline_rows(assistant, questions)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
