"""Follow-ups with their history against the same questions asked in full, in one run.

    python -m bench.followups INDEX [--questions QA.jsonl] [--full FULL.jsonl]

A councillor's "Was that sorted out?" should be answered as well as "Were the delays in
Suffolk's MASH sorted out?". The full forms (``bench/data/dev_followups_full.jsonl``) were
written by hand from each follow-up and its history only: the same information need, stated
alone. Both sets go through ``scrutiny eval``'s own scoring, and the baselines run beside them
(they see the previous question for a follow-up, and the full form as is).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from indexer.config import Settings
from retriever.assistant import Assistant
from retriever.evaluate import baseline_rows, evaluate_assistant, format_table, load_questions

HERE = Path(__file__).resolve().parent
DEV_QA = HERE.parent.parent / "shared" / "eval" / "dev-corpus" / "qa.jsonl"
FULL = HERE / "data" / "dev_followups_full.jsonl"


def pairs(questions: list[dict], full_forms: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """The follow-ups that have a full form, and those full forms as standalone questions."""
    follow = [q for q in questions if q.get("history") and q["qid"] in full_forms]
    alone = [{k: v for k, v in q.items() if k != "history"} | {"question": full_forms[q["qid"]]}
             for q in follow]
    return follow, alone


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.followups")
    p.add_argument("index", type=Path)
    p.add_argument("--questions", type=Path, default=DEV_QA)
    p.add_argument("--full", type=Path, default=FULL)
    a = p.parse_args(argv)
    if not a.questions.exists():
        print(f"skipped: {a.questions} not found (the shared dev corpus is not here)")
        return 0
    assistant = Assistant.open(a.index, settings=Settings.from_env(index_dir=a.index))
    report(assistant, load_questions(a.questions), a.full)
    return 0


def report(assistant: Assistant, questions: list[dict], full: Path = FULL) -> None:
    """Print both sets' tables (ours and the baselines) and each question's pair of results."""
    full_forms = {r["qid"]: r["full"] for r in map(json.loads, full.read_text().splitlines())
                  if r}
    follow, alone = pairs(questions, full_forms)
    rows = []
    for name, qs in (("follow-ups with history", follow), ("same questions in full", alone)):
        row = evaluate_assistant(assistant, qs)
        row.name = f"ours: {name}"
        rows.append(row)
        for base in baseline_rows(assistant, qs):
            base.name = f"{base.name.split(' (')[0]}: {name}"
            rows.append(base)
    print(f"{len(follow)} follow-ups\n" + format_table(rows))
    by_qid = {d["qid"]: d for d in rows[0].details}
    print("\nqid     history rank/first-quote   in full rank/first-quote")
    for d in next(r for r in rows if r.name == "ours: same questions in full").details:
        print(f"{d['qid']:<8}{_cell(by_qid[d['qid']]):<27}{_cell(d)}")


def _cell(d: dict) -> str:
    rank = "-" if d["rank"] is None else str(d["rank"] + 1)
    return f"{rank} / {'yes' if d.get('supported') else 'no'}"


if __name__ == "__main__":
    sys.exit(main())
