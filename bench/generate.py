"""Deterministic synthetic corpora of scrutiny records, N times the size of the bundled corpus.

Why synthetic: real councils' records for fifteen years are not on this machine, yet indexing
speed, index size and latency must be measured at that scale. The documents imitate the house
styles the indexer recognises (council names from the gazetteer; every date style; minute refs
``15.``, ``CS.02`` and ``226/12``; ``RESOLVED That``, ``It was agreed:`` and undertakings;
attendance blocks; numbered officer reports; peer challenges with a date range; Ofsted visits),
with varied lengths. Text comes from templates with many slots, plus sentences re-mixed from the
seed corpus with the council swapped, so few passages repeat verbatim (repeats would be served
from the embedding cache and flatter our indexing speed; the harness reports the cache hits).

A scale of ``N`` means about ``N`` x the seed corpus's bytes; the seed corpus itself is copied in
(so the dev questions still apply), and synthetic documents fill the rest. Same seed, same bytes.

    python -m bench.generate OUT_DIR --scale 10 [--seed 0] [--no-seed-corpus]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from indexer.config import default_corpus_dir
from indexer.gazetteer_data import AMBIGUOUS, COUNCILS

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FIRST = ["Susan", "Graham", "Rachel", "Dan", "Karen", "Ahmed", "Jane", "Tim", "Rose", "Leigh",
         "Priya", "Owen", "Fiona", "Marcus", "Helen", "Imran", "Claire", "Gareth", "Nadia", "Paul",
         "Joanne", "Kwame", "Sian", "Martin", "Aisha", "Derek", "Lucy", "Tomasz", "Eleanor", "Ravi"]
LAST = ["Southworth", "Reiter", "Dickinson", "Mortiboys", "Dolton", "Ajmi", "Haywood", "Cheetham",
        "Collinson", "Webb", "Patel", "Hughes", "Morrison", "Okafor", "Bennett", "Khan", "Doyle",
        "Griffiths", "Rahman", "Shaw", "Walsh", "Mensah", "Price", "Kowalski", "Fletcher", "Iqbal",
        "Lloyd", "Turner", "Ashworth", "Nolan", "Carr", "Lofts", "Rusby", "Whitby", "Hankey"]
ROLES = ["Executive Director of Children's Services", "Head of Safeguarding",
         "Senior Finance Manager", "Service Manager, Fostering and Adoption",
         "Strategic Lead for Early Help", "Principal Social Worker", "Head of SEND",
         "Democratic Services Officer", "Assistant Director, Education", "Virtual School Head",
         "Head of Youth Justice", "Designated Nurse for Safeguarding", "Director of Public Health"]
COMMITTEES = ["Children's Services Scrutiny Committee", "Children and Young People Scrutiny Panel",
              "Overview and Scrutiny Committee", "Corporate Parenting Board",
              "Health and Wellbeing Board", "People Overview and Scrutiny Committee",
              "Education and Skills Scrutiny Panel", "Safeguarding Overview Project Group",
              "Adult Social Care and Health Scrutiny Committee", "Cabinet",
              "Audit and Governance Committee", "Communities Scrutiny Commission"]
TOPICS = ["CAMHS waiting times", "foster carer recruitment", "adoption timeliness",
          "social worker caseloads", "agency social workers", "SEND transport",
          "education, health and care plans", "youth justice reoffending", "early help referrals",
          "child sexual exploitation", "school exclusions", "elective home education",
          "care leavers' accommodation", "unaccompanied asylum-seeking children",
          "the multi-agency safeguarding hub", "domestic abuse referrals", "child protection plans",
          "placement sufficiency", "children missing from education", "the Troubled Families "
          "programme", "the improvement plan", "the high needs block deficit", "school readiness",
          "young carers", "residential children's homes", "the Virtual School",
          "looked after children's health assessments", "the Stay Put scheme",
          "quality assurance audits", "supervision of social workers", "the edge of care service",
          "the Ofsted action plan", "the budget monitoring position", "apprenticeships for care "
          "leavers", "the local offer", "private fostering", "the family hubs programme"]
VERBS = ["reported", "explained", "confirmed", "advised the Committee", "noted", "acknowledged"]


def _councils() -> list[tuple[str, str]]:
    """(short, formal) names of councils whose names the gazetteer accepts unambiguously."""
    bad = {a.lower() for a in AMBIGUOUS}
    return [(s, f) for s, f, _a in COUNCILS if s.lower() not in bad and len(s) > 3]


def _seed_sentences(seed_dir: Path) -> list[str]:
    out = []
    for f in sorted(seed_dir.glob("*.txt")):
        text = re.sub(r"</?u>|\*\*", "", f.read_text(encoding="utf-8"))
        for line in text.splitlines():  # never join a heading to the sentence after it
            for s in re.split(r"(?<=[.;])\s+", line):
                s = " ".join(s.split()).lstrip("-• ")
                if 8 <= len(s.split()) <= 60 and s[:1].isupper() and \
                        not re.match(r"^\S*\d\S*\s", s):
                    out.append(s)
    return out


def _date_iso(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(2008, 2024), rng.randint(1, 12), rng.randint(1, 28)


def _ordinal(d: int) -> str:
    suffix = "th" if 11 <= d % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
    return f"{d}{suffix}"


def format_date(rng: random.Random, y: int, m: int, d: int) -> str:
    """A meeting date in one of the styles councils use (and the indexer reads)."""
    import datetime as dt

    day = DAYS[dt.date(y, m, d).weekday()]
    style = rng.randrange(5)
    if style == 0:
        return f"{_ordinal(d)} {MONTHS[m - 1]} {y}".upper()  # 14TH JANUARY 2014
    if style == 1:
        return f"{day}, {d} {MONTHS[m - 1]}, {y}".upper()  # THURSDAY, 13 SEPTEMBER, 2012
    if style == 2:
        return f"{day} {d} {MONTHS[m - 1]} {y}"  # Tuesday 16 October 2018
    if style == 3:
        return f"{d:02d}/{m:02d}/{y}"
    return f"{d} {MONTHS[m - 1]} {y}"


@dataclass(slots=True)
class Ctx:
    rng: random.Random
    short: str
    formal: str
    committee: str
    year: int
    seed_sents: list[str]

    def person(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def cllr(self) -> str:
        return f"Councillor {self.rng.choice(FIRST)[0]}. {self.rng.choice(LAST)}"

    def topic(self) -> str:
        return self.rng.choice(TOPICS)

    def num(self) -> int:
        return self.rng.choice([self.rng.randint(2, 60), self.rng.randint(60, 900)])

    def sentence(self) -> str:
        r, t = self.rng, self.topic()
        forms = [
            f"The {r.choice(ROLES)} {r.choice(VERBS)} that performance on {t} had "
            f"{r.choice(['improved', 'declined', 'remained stable'])} since "
            f"{r.choice(MONTHS)} {self.year - r.randint(0, 2)}.",
            f"Members asked whether {t} in {self.short} compared well with statistical "
            f"neighbours; officers said the rate was {self.num()} per 10,000 children.",
            f"There were {self.num()} cases open to the service at the end of quarter "
            f"{r.randint(1, 4)}, against {self.num()} a year earlier.",
            f"{self.cllr()} asked what was being done about {t} and was told that a "
            f"{r.choice(['task and finish group', 'working group', 'review'])} would report "
            f"in {r.choice(MONTHS)}.",
            f"The report set out the budget for {t}, a pressure of £{self.num()},000 in "
            f"{self.year}/{(self.year + 1) % 100:02d}.",
            f"Concerns were raised about {t}, particularly the {r.randint(12, 97)}% of cases "
            f"{r.choice(['seen in timescale', 'reviewed on time', 'with an up-to-date plan'])}.",
            f"{self.person()}, {r.choice(ROLES)}, said that {t} remained a priority for the "
            f"partnership and that {r.randint(2, 30)} additional posts had been funded.",
            f"An audit of {self.num()} case files found that practice on {t} was "
            f"{r.choice(['good or better', 'inconsistent', 'improving', 'weak in places'])}.",
        ]
        if self.seed_sents and r.random() < 0.15:
            s = r.choice(self.seed_sents)
            return re.sub(r"\b(Barnsley|Walsall|Bury|BMBC)\b", self.short, s)
        return r.choice(forms)

    def paragraph(self, n: int) -> str:
        return " ".join(self.sentence() for _ in range(n))

    def resolution(self) -> str:
        r, t = self.rng, self.topic()
        style = r.randrange(5)
        if style == 0:
            return f"RESOLVED That the report on {t} be noted and a further update be " \
                   f"presented in {r.choice(MONTHS)} {self.year + 1}."
        if style == 1:
            return (f"Resolved That:\n\n1. the progress on {t} be noted;\n\n2. officers circulate "
                    f"the {r.choice(['action plan', 'performance data', 'audit findings'])} to "
                    "Members;\n\n3. the Committee receive a further report.")
        if style == 2:
            return (f"It was agreed:\n\n- that anonymised feedback on {t} be shared with the "
                    f"{self.committee};\n- that the Chair write to the {r.choice(ROLES)}.")
        if style == 3:
            return f"IT WAS AGREED that a visit to the {t.split()[-1]} team be arranged for " \
                   "Members."
        return f"The {r.choice(ROLES)} undertook to provide a breakdown of {t} by locality " \
               "to the next meeting."


def _prefix(committee: str) -> str:
    letters = "".join(w[0] for w in committee.split() if w[0].isupper())[:3] or "CS"
    return letters if letters not in {"I", "II", "III", "IV", "V", "X", "A", "S", "MP", "PLO",
                                      "CP"} else "CY"


def minutes(c: Ctx, target: int, y: int, m: int, d: int) -> str:
    r = c.rng
    date = format_date(r, y, m, d)
    chair = c.cllr()
    style = r.randrange(3)
    if style == 0:
        head = f"{c.formal.upper()}\n\n{c.committee.upper()}\n\n{date}\n\n"
    elif style == 1:
        head = (f"Minutes of: {c.formal.upper()} - {c.committee.upper()}\n\nDate of Meeting: "
                f"{date}\n\n")
    else:
        head = f"{c.formal}\n\n{c.committee}\n\n{date} AT {r.randint(2, 7)}.00 P.M.\n\n"
    attendance = (f"Present: {chair} (in the Chair); " + ", ".join(c.cllr() for _ in range(
        r.randint(3, 8))) + ".\n\nOfficers: " + "; ".join(
        f"{c.person()}, {r.choice(ROLES)}" for _ in range(r.randint(2, 4))) +
        f"\n\nApologies for absence were received from {c.cllr()}.\n\n")
    ref_style, n = r.randrange(3), r.randint(1, 220)
    pre, yy = _prefix(c.committee), y % 100
    parts = [head, attendance]
    size = len(head) + len(attendance)
    while size < target:
        n += 1
        ref = {0: f"{n}.", 1: f"{pre}.{n % 100:02d}", 2: f"{n}/{yy:02d}"}[ref_style]
        title = r.choice(["Update on ", "Report on ", "", "Scrutiny of "]) + c.topic()
        title = title[0].upper() + title[1:]
        if ref_style != 0:
            title = title.upper()
        body = "\n\n".join(c.paragraph(r.randint(2, 6)) for _ in range(r.randint(1, 4)))
        block = f"{ref} {title}\n\n{body}\n\n{c.resolution()}\n\n"
        parts.append(block)
        size += len(block)
    return "".join(parts) + f"The meeting terminated at {r.randint(5, 9)}.{r.randint(10, 59)} pm.\n"


def report(c: Ctx, target: int, y: int, m: int, d: int) -> str:
    r = c.rng
    topic = c.topic()
    parts = [f"{c.formal}\n\nReport to the {c.committee}\n\n{_ordinal(d)} {MONTHS[m - 1]} {y}\n\n"
             f"{topic[0].upper() + topic[1:]}: progress report\n\n"]
    sec, size = 0, 0
    heads = ["Purpose of the Report", "Background", "Current Position", "Performance",
             "Financial Implications", "Risks", "Consultation", "Next Steps", "Recommendations"]
    while size < target:
        sec += 1
        block = f"{sec}.0 {heads[(sec - 1) % len(heads)]}\n\n" + "".join(
            f"- {sec}.{k} {c.paragraph(r.randint(1, 4))}\n\n" for k in range(1, r.randint(2, 6)))
        parts.append(block)
        size += len(block)
    parts.append(f"Appendix 1 – {c.topic()} data\n\n{c.paragraph(3)}\n")
    return "".join(parts)


def peer_review(c: Ctx, target: int, y: int, m: int, d: int) -> str:
    r = c.rng
    end = min(28, d + r.randint(2, 4))
    parts = [f"{c.formal} Children's Services Peer Challenge\n\nDate: {_ordinal(d)} – "
             f"{_ordinal(end)} {MONTHS[m - 1]} {y}\n\nFeedback Report\n\n"]
    heads = ["Executive Summary", "Key recommendations", "Leadership and governance",
             "Quality of practice", "Partnership working", "Workforce", "Next steps"]
    size, sec = 0, 0
    while size < target:
        sec += 1
        body = "\n\n".join(c.paragraph(r.randint(3, 6)) for _ in range(r.randint(1, 3)))
        if heads[(sec - 1) % len(heads)] == "Key recommendations":
            body = "\n".join(f"- Strengthen {c.topic()} ({c.num()} cases reviewed)"
                             for _ in range(r.randint(3, 7)))
        block = f"{sec}. {heads[(sec - 1) % len(heads)]}\n\n{body}\n\n"
        parts.append(block)
        size += len(block)
    return "".join(parts)


def inspection(c: Ctx, target: int, y: int, m: int, d: int) -> str:
    r = c.rng
    parts = [f"Ofsted focused visit to {c.formal} children's services\n\nInspection dates: {d} and "
             f"{d + 1} {MONTHS[m - 1]} {y}\n\n"]
    size, sec = 0, 0
    heads = ["Overview", "What needs to improve", "Findings", "Leadership", "Next steps"]
    while size < target:
        sec += 1
        block = f"{sec}. {heads[(sec - 1) % len(heads)]}\n\n{c.paragraph(r.randint(3, 8))}\n\n"
        parts.append(block)
        size += len(block)
    return "".join(parts)


KINDS = ((minutes, 0.75), (report, 0.12), (peer_review, 0.06), (inspection, 0.07))


def make_document(rng: random.Random, seed_sents: list[str],
                  councils: list[tuple[str, str]]) -> tuple[str, str]:
    """(file name, text) of one synthetic record of a random kind and length."""
    short, formal = rng.choice(councils)
    y, m, d = _date_iso(rng)
    kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
    target = int(min(60_000, max(2_500, rng.lognormvariate(9.5, 0.6))))  # median ~13 KB
    c = Ctx(rng, short, formal, rng.choice(COMMITTEES), y, seed_sents)
    text = kind(c, target, y, m, d)
    slug = re.sub(r"[^a-z0-9]+", "-", f"{short} {c.committee}".lower()).strip("-")
    slug += "-" + kind.__name__
    return f"{slug}-{y}-{m:02d}-{d:02d}", text


@dataclass(slots=True)
class Generated:
    out_dir: Path
    documents: int
    synthetic: int
    bytes: int


def generate(out_dir: Path, scale: float, seed: int = 0, include_seed: bool = True,
             seed_dir: Path | None = None) -> Generated:
    """Write about ``scale`` x the seed corpus's bytes of records into ``out_dir``."""
    seed_dir = seed_dir or default_corpus_dir()
    seed_files = sorted(p for p in seed_dir.iterdir() if p.is_file())
    seed_bytes = sum(p.stat().st_size for p in seed_files) or 97_000
    out_dir.mkdir(parents=True, exist_ok=True)
    total, docs = 0, 0
    if include_seed:
        for p in seed_files:
            shutil.copyfile(p, out_dir / p.name)
            total += p.stat().st_size
            docs += 1
    rng = random.Random(seed)
    sents, councils = _seed_sentences(seed_dir), _councils()
    want, synthetic = int(seed_bytes * scale), 0
    while total < want:
        name, text = make_document(rng, sents, councils)
        sub = out_dir / f"synthetic-{synthetic // 1000:03d}"
        sub.mkdir(exist_ok=True)
        path = sub / f"{synthetic:06d}-{name}.txt"
        data = text.encode("utf-8")
        path.write_bytes(data)
        total += len(data)
        docs += 1
        synthetic += 1
    return Generated(out_dir, docs, synthetic, total)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-seed-corpus", action="store_true")
    a = ap.parse_args(argv)
    g = generate(a.out_dir, a.scale, a.seed, include_seed=not a.no_seed_corpus)
    print(f"{g.documents} documents ({g.synthetic} synthetic), {g.bytes / 1e6:.1f} MB "
          f"in {g.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
