"""Split a development question set by council, so weights are fitted on one half and the
figures are read on the other.

    python -m bench.devsplit ../shared/eval/dev-corpus OUT_DIR [--tune camden,cornwall,...]

writes ``OUT_DIR/tune.jsonl`` and ``OUT_DIR/held.jsonl``. A question belongs to the council of
its ``doc`` (the file name's first word, e.g. ``camden-ofsted-...pdf``). The tune councils are
the ones given, or else the first half in alphabetical order. An unanswerable question goes
with the council it names, or to tune when it names none of them (it then cannot flatter the
held-out half). Issue 12's figures used --tune camden,cornwall,doncaster,hackney,leeds,
manchester,merton (75 + 5 tune questions, 58 + 5 held out).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def split(dev: Path, chosen: list[str] | None = None) -> tuple[list[dict], list[dict]]:
    questions = [json.loads(line) for line in (dev / "qa.jsonl").read_text().splitlines()
                 if line.strip()]
    unanswerable_file = dev / "unanswerable.jsonl"
    unanswerable = ([json.loads(line) for line in unanswerable_file.read_text().splitlines()
                     if line.strip()] if unanswerable_file.exists() else [])
    councils = sorted({q["doc"].split("-")[0] for q in questions})
    tune_councils = set(chosen or councils[:len(councils) // 2])
    tune = [q for q in questions if q["doc"].split("-")[0] in tune_councils]
    held = [q for q in questions if q["doc"].split("-")[0] not in tune_councils]
    for q in unanswerable:
        named = [c for c in councils if c in q["question"].lower()]
        (held if named and named[0] not in tune_councils else tune).append(q)
    return tune, held


def main(argv: list[str] | None = None) -> int:
    args = list(argv if argv is not None else sys.argv[1:])
    chosen: list[str] | None = None
    if "--tune" in args:
        at = args.index("--tune")
        chosen = [c.strip().lower() for c in args[at + 1].split(",") if c.strip()]
        del args[at:at + 2]
    if len(args) != 2:
        print(__doc__.strip().splitlines()[3].strip(), file=sys.stderr)
        return 2
    dev, out = Path(args[0]), Path(args[1])
    if not (dev / "qa.jsonl").exists():
        print(f"No qa.jsonl in {dev}: nothing to split.", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    for name, part in zip(("tune", "held"), split(dev, chosen), strict=True):
        (out / f"{name}.jsonl").write_text("".join(json.dumps(q) + "\n" for q in part))
        print(f"{out / f'{name}.jsonl'}: {len(part)} questions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
