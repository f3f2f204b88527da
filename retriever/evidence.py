"""Which sentences of the retrieved passages answer the question: features and one score.

Each candidate sentence gets a handful of general features (how close its meaning is to the
question, to the question's focus, how many of the question's distinctive words it holds,
whether it holds the kind of thing asked for, how well its passage ranked) and one linear
score whose weights were fitted on half of the development questions (split by council) and
checked on the other half: see ``bench/fit_answer.py``. Nothing here is keyed to a topic,
council or the wording of particular questions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from indexer.sentences import sentence_fingerprint, sentence_shape, split_sentences

from .asks import (
    Listing,
    answer_kind,
    asked_of,
    asks_current_rating,
    earlier_rating,
)
from .dates import made_in, reference_dates
from .fit import kind_fit
from .grades import (
    WHETHER_VERBS,
    GradesAsked,
    area_match,
    besides,
    field_grade,
    names_an_area,
    set_aside,
)
from .kinds import earlier_asked
from .lists import listed_under
from .people import PERSON
from .search import Candidate
from .vocabulary import GENERIC_WORDS, Words, word_set

if TYPE_CHECKING:
    from .snapshot import Snapshot

# Weights of the features below, in FEATURES order. First fitted by bench/fit_answer.py
# (softmax per question, then coordinate ascent on first-sentence accuracy) on the tune half
# of the dev questions alone. Refitted the same way on more questions: the dev tune half and
# real sets A-L (651 questions; ``bench.fit_answer --keep-norm``, scaled to the norm of the
# weights it replaced because sentence scores also weigh passages), and checked on the dev
# held-out half and sets M-X, never fitted on. First quote on that held-out half of the sets
# .801 -> .819 (mean of 13 sets; dev held-out .845 unchanged, X .550 -> .575, M .688 -> .750,
# V and W .771/.792 -> .750), on the fitted half .780 -> .804. The fit moved weight from the
# question's whole meaning (cosine) to its focus and to the passage's rank. "year": the
# sentence's record was made or published in a year the question names, when some
# candidate's was; a later report that recalls "the inspection in July 2019" is not it.
FEATURES = ("cosine", "focus", "lexical", "fit", "passage", "first", "label", "short",
            "template", "heading", "year")
WEIGHTS = np.array([0.75, 1.931, 2.155, 2.896, 1.75, -0.103, -0.126, -0.82, -1.041, 0.416,
                    0.661], dtype="float32")
BIAS = -2.0
AREA_OTHER = 0.7  # fit of a rated field of another area than the one named (0.5: same answers)

# "Label: value" lines ("Lead inspector: A Name", "Overall effectiveness: Good") are answers,
# not headings, even without a full stop.
_LABEL_VALUE = re.compile(r"^[^:\n]{3,120}:\s+\S.{0,200}$", re.S)
# "Ofsted – Office for Standards in Education, ...": a glossary line, not a finding.
_DEFINITION_LINE = re.compile(r"^[A-Z][A-Za-z0-9&]{1,9}\s*[–—=-]\s*[A-Z][^.;?!]{3,150}$")
_ASKS_MEANING = re.compile(r"\bstands? for\b|\bmean(?:s|ing)?\b|\bdefin|\babbreviat|"
                           r"\bacronym|\bwhat (?:is|are) (?:the )?[A-Z]{2,}\b")
# "Did / Was / Are ...?": asked whether something is so, which a finding answers. An item of a
# list of what should change ("The timeliness of initial health assessments.") only names an
# area, so it answers such a question only when the question asks what should change.
_POLAR = re.compile(rf"^\s*(?:and\s+)?{WHETHER_VERBS}\b", re.I)
_ABBREVIATION = re.compile(r"(?<![\w&])([A-Z]{2,}[a-z]?)(?![\w&])")
_LETTER = re.compile(r"[^\W\d_]")
_UPPER = re.compile(r"[A-Z]")
_OPEN_ENDINGS = {"which", "and", "the", "of", "to", "a", "an", "in", "for", "that", "with", "by",
                 "or", "as", "on", "at", "from", "is", "are", "was", "were"}


@dataclass(slots=True)
class Sentence:
    """One candidate quote: a span of a retrieved passage, with its features and score."""

    start: int
    end: int
    cand: Candidate
    rank: int  # of its passage among the candidates
    text: str  # what would be quoted (with what a lead-in introduces)
    base: str  # the sentence itself
    features: np.ndarray = field(default_factory=lambda: np.zeros(len(FEATURES), "float32"))
    score: float = 0.0

    @property
    def doc_id(self) -> str:
        return self.cand.chunk.doc_id  # type: ignore[union-attr]


def is_heading(text: str) -> bool:
    """Titles and labels name things; they do not answer questions. A "label: value" line
    does, and a line cut off mid-sentence is not a heading."""
    stripped = text.strip()
    if _LABEL_VALUE.match(stripped) and len(stripped.split(":", 1)[1].split()) >= 1:
        return False
    if ("," in stripped or "\n" in stripped) and PERSON.search(stripped):
        # "Dan Mortiboys, Senior Finance Manager": a line of an attendance list; "Yours
        # sincerely / Jo Warburton / His Majesty's Inspector": a signature
        return False
    if len(stripped) < 160:
        letters = len(_LETTER.findall(stripped))
        if letters and len(_UPPER.findall(stripped)) / letters > 0.7:
            return True
    words = stripped.split()
    return (len(words) <= 8 and not stripped.endswith((".", "?", "!", ";", ")"))
            and words[-1].lower() not in _OPEN_ENDINGS)


def _leads_in(text: str) -> bool:
    """A sentence that ends on ':' or mid-clause ("The inspectors were") introduces the next."""
    stripped = text.rstrip()
    return stripped.endswith(":") or stripped.split()[-1].lower() in _OPEN_ENDINGS


def metadata_words(snap: Snapshot, cands: list[Candidate]) -> set[str]:
    """Words that say which document a passage is from (its council, committee, title): they
    found the document, but inside it they do not tell the answer from the rest."""
    out = set(GENERIC_WORDS)
    councils: set[str] = set()
    for c in cands:
        meta = snap.docs.get(c.chunk.doc_id) if c.chunk is not None else None
        if meta is not None:
            for value in (meta.council, meta.committee, meta.title):
                out |= word_set(value or "")
            councils.add(meta.council or "")
    # ... and a council's abbreviation ("BANES" for Bath and North East Somerset).
    named = [word_set(c) for c in councils if c]
    for acronym, forms in snap.acronyms.items():
        if any(word_set(form) <= words for form in forms for words in named):
            out.add(acronym.lower())
    return out


def term_weights(terms: list[str], ignore: set[str], pool: list[Words]) -> dict[str, float]:
    """IDF among the candidate sentences: a word every candidate shares tells them apart no
    better than none; years and names of the document itself are scope, not content."""
    weights: dict[str, float] = {}
    n = max(1, len(pool))
    for raw in terms:
        t = raw.lower().strip("'’")
        if t.endswith(("'s", "’s")):
            t = t[:-2]
        if t in ignore or set(t.split("-")) <= ignore | {""} or len(t) < 2 \
                or re.fullmatch(r"(?:19|20)\d\d", t):
            continue  # "Stockton-on-Tees" names the document as "Stockton" does
        df = sum(1 for words in pool if _holds(words, t))
        weights[t] = max(weights.get(t, 0.0), math.log(1 + n / (1 + df)))
    return weights


def _unnegated(words: set[str]) -> set[str]:
    """A sentence's words with what "un-" negates: "unregistered homes" is about homes that
    are not registered, which a question asks in those words."""
    return words | {w[2:] for w in words if len(w) >= 8 and w.startswith("un")
                    and not w.startswith(("under", "uni", "unt", "unle"))}


def _holds(words: Words, term: str) -> bool:
    """A sentence's words are split at hyphens, so a hyphenated term ("life-story") is held
    when each of its parts is: one term, one weight, not one word no sentence can hold."""
    return all(words.has(part) for part in term.split("-") if part) if "-" in term \
        else words.has(term)


def focus_text(question: str, ignore: set[str]) -> str:
    """The question without the words that name its document (council, body, kind of
    record) or its years: what the answer sentence itself must be about."""
    kept = [w for w in re.findall(r"[A-Za-z0-9’'-]+", question)
            if w.lower().strip("'’s") not in ignore and not re.fullmatch(r"(?:19|20)\d\d", w)]
    return " ".join(kept) or question


def candidate_sentences(snap: Snapshot, question: str, cands: list[Candidate], terms: list[str],
                        qvec: np.ndarray, fvec: np.ndarray | None,
                        ignore: set[str] | None = None,
                        years: list[str] | None = None) -> list[Sentence]:
    """Every quotable sentence of the passages, scored; best first.

    Sentence vectors were computed at index time, so this needs no model call beyond the
    question's own embedding (and its focus's).
    """
    ignore = ignore if ignore is not None else metadata_words(snap, cands)
    kind = answer_kind(question)
    of_year: list[str] = []  # a rating asked of a year none of the records found is from
    if asks_current_rating(kind) and years and not any(
            made_in(years, m.date, m.published) for c in cands
            if (m := snap.docs.get(c.chunk.doc_id)) is not None):  # type: ignore[union-attr]
        kind, of_year = earlier_rating(kind), years  # "at its 2014 inspection", of a 2018 report
    asked = Words(word_set(question) - asked_of(question))
    known = reference_dates(question)
    aside = set_aside(question)
    grades = GradesAsked.of(question)
    earlier = earlier_asked(question)
    asks_question = question.rstrip().endswith("?")
    polar = bool(_POLAR.match(question)) and not isinstance(kind, Listing)
    asks_meaning = bool(_ASKS_MEANING.search(question))
    meant = _ABBREVIATION.findall(question) if asks_meaning else []
    named = thing_asked(question)
    pool: list[Sentence] = []
    top = max((c.score for c in cands), default=1.0) or 1.0
    for rank, c in enumerate(cands):
        row = c.chunk
        assert row is not None
        base = row.char_start
        stored = {(a, b): vec for a, b, vec in c.sentences}
        spans = split_sentences(row.text, base)
        before = _before(snap, row)
        for i, (a, b) in enumerate(spans):
            text = row.text[a - base:b - base]
            if is_heading(text) or (text.rstrip().endswith("?") and asks_question):
                continue  # headings, and the record's own questions, do not answer
            if not asks_meaning and _DEFINITION_LINE.match(text.strip()):
                continue  # a glossary line answers "what does X stand for", nothing else
            end = b
            if _leads_in(text) and i + 1 < len(spans):
                end = spans[i + 1][1]  # a lead-in is quoted with what it introduces
            elif len(text.split()) < 4 and not _LABEL_VALUE.match(text.strip()):
                continue  # a fragment ("Accounts 2008/09.") says nothing on its own
            s = Sentence(a, end, c, rank, row.text[a - base:end - base], text)
            vec = stored.get((a, b))
            cos = float(vec @ qvec) if vec is not None else c.dense * 0.8
            focus = float(vec @ fvec) if vec is not None and fvec is not None else cos
            s.features[0], s.features[1] = cos, focus
            under = listed_under(row.text, row.item_title or "", text, a - base, before)
            s.features[3] = kind_fit(kind, s.text, under, asked, known, grades, earlier)
            if any(spells_out(m, text) for m in meant) or (named and defines(named, text)):
                s.features[3] = 1.0  # "What is MAPS?": "... psychology service (MAPS)"
            if polar and under.startswith("•") and Listing.SECTION.search(under):
                s.features[3] *= 0.2
            if of_year and not any(y in text for y in of_year):
                s.features[3] *= 0.6  # another year's grade ("In 2012, X was judged ...")
            s.features[4] = c.score / top
            s.features[5] = 1.0 if i == 0 else 0.0
            s.features[6] = 1.0 if _LABEL_VALUE.match(text.strip()) else 0.0
            s.features[7] = 1.0 if len(text.split()) < 6 else 0.0
            pool.append(s)
    if asks_current_rating(kind):
        fields = [s for s in pool if s.features[3] >= 1.0 and field_grade(s.text) is not None]
        if names_an_area(question, [s.text for s in fields], ignore):
            for s in fields:  # "How did Ofsted grade leadership?" names an area
                if s.text.strip().lower().startswith("overall"):
                    s.features[3] = 0.6
            # ... and of the areas' fields, the one it names ("care leavers", not "children
            # in care") answers.
            match = area_match(question, [s.text for s in fields], ignore)
            best = max(match, default=0.0)
            for s, m in zip(fields, match, strict=True):
                if m < best:
                    s.features[3] = min(s.features[3], AREA_OTHER)
    if aside_topic := besides(question):  # "apart from X, what else": not X
        pool = [s for s in pool if not all(Words(word_set(s.text)).has(w) for w in aside_topic)]
    _year_feature(snap, pool, years or [])
    shapes = [sentence_shape(s.base) for s in pool]
    prints = [sentence_fingerprint(s.base) for s in pool]
    shared = snap.shape_docs([sh for sh in shapes + prints if sh is not None])
    for s, sh, fp in zip(pool, shapes, prints, strict=True):
        n = shared.get(sh, 1) if sh is not None else 1
        # Boilerplate: the same words in several documents. A shared shape whose slots hold
        # this document's facts (a date, a name, a grade after a label) is not.
        repeated = fp is not None and shared.get(fp, 1) > 1 and not s.features[6]
        s.features[8] = min(1.0, (n - 1) / 4) if repeated else 0.0
    word_sets = [Words(_unnegated(word_set(s.text))) for s in pool]
    # A hyphenated long form an abbreviation was expanded to ("multi-agency safeguarding hub"
    # for "MASH") stays one word no sentence holds, as it always was: the sentence that spells
    # out "MASH" would otherwise hold the question's word twice over.
    written = question.lower()
    terms = [t if "-" not in t or t.lower() in written else t.replace("-", "") for t in terms]
    weights = term_weights(terms, ignore | aside | asked_of(question), word_sets)
    total = sum(weights.values()) or 1.0
    headings: dict[str, Words] = {}
    for s, words in zip(pool, word_sets, strict=True):
        s.features[2] = sum(w for t, w in weights.items() if _holds(words, t)) / total
        # The heading a sentence sits under says what it is about ("What needs to improve").
        title = str(s.cand.chunk.item_title or "")  # type: ignore[union-attr]
        if title not in headings:
            headings[title] = Words(word_set(title))
        s.features[9] = sum(w for t, w in weights.items() if _holds(headings[title], t)) / total
        s.score = float(s.features @ WEIGHTS) + BIAS
    pool.sort(key=lambda s: s.score, reverse=True)
    return pool


# "What is 'Room 42' in Hull?", "What is Gweres tus Yowynk, which ...?": a thing asked about
# by its name, which a sentence of the record defines.
_THING_ASKED = re.compile(r"^\s*(?i:what (?:is|are|was|were) (?:the )?)(['‘’\"]?)"
                          r"((?:[A-Z0-9][\w’'-]*)(?:\s+(?!in\b|at\b|for\b|of\b|and\b|which\b|according\b)"
                          r"[\w’'-]+){0,4}?)\1\s*(?=\?|,|\s+(?:in|at|for|of|and|which|"
                          r"according)\b)")


def thing_asked(question: str) -> str:
    """The name a "what is X?" question asks about, or "" ("What is Hackney doing well?" and
    "What was Lambeth's overall judgement?" name no thing to define)."""
    m = _THING_ASKED.match(question)
    if m is None or any(w.endswith(("’s", "'s")) or (w.endswith("ing") and w.islower())
                        for w in m[2].split()):
        return ""
    return m[2]


def defines(name: str, text: str) -> bool:
    """Whether a sentence says what ``name`` is, as records introduce a service or a
    programme: "Gweres tus Yowynk, the dedicated multi-agency edge of care service", "an
    excellent central hub, ‘Room 42’", "a psychology service called ‘Revive’", "Revive is a
    therapeutic service", "... psychology service (MAPS)"."""
    n = rf"['‘’\"]?{re.escape(name)}['‘’\"]?"
    return bool(re.search(rf"(?<![\w-]){n},\s+(?:the|a|an|which|its|our)\b|"
                          rf"\b(?:called|named|known as|branded)\s+{n}(?![\w-])|"
                          rf"\b(?:a|an|the|its|their)\s+[^,.;:()]{{3,80}},\s+{n}(?![\w-])|"
                          rf"\b[a-z][^.;:()]{{3,80}}\(\s*{n}\s*\)|"
                          rf"(?<![\w-]){n}\s*\([^)]{{3,}}\)|"
                          rf"^\s*(?:the\s+)?{n}\s+(?:is|are|was|were)\s+(?:a|an|the)\b",
                          text, 0 if name.isupper() else re.I))


def spells_out(abbreviation: str, text: str) -> bool:
    """Whether a sentence gives what an abbreviation stands for beside it: "multi-agency
    psychology service (MAPS)", "Systemic, Trauma informed, and Anti Racist (STAR)", "MAPS
    (multi-agency psychology service)": its letters are the initials of words next to it,
    in order (words between them, like "informed" or "and", may be skipped)."""
    letters = abbreviation.lower()
    for m in re.finditer(rf"\(\s*{re.escape(abbreviation)}\s*\)|\b{re.escape(abbreviation)}"
                         r"\s*\(([^)]{3,120})\)", text):
        words = (m[1] or text[max(0, m.start() - 160):m.start()]).replace("-", " ").split()
        initials = [w.strip("‘’'\",")[:1].lower() for w in words if w.strip("‘’'\",")]
        if m[1] is None:
            initials = initials[-2 * len(letters):]
        for start in (i for i, c in enumerate(initials) if c == letters[0]):
            rest = iter(initials[start:])
            if all(c in rest for c in letters):
                return True
    return False


def _before(snap: Snapshot, row: Any) -> str:
    """The record's text just before a passage: where a list the passage continues began."""
    return snap.text_of(row.doc_id)[max(0, row.char_start - 1500):row.char_start]


def _year_feature(snap: Snapshot, pool: list[Sentence], years: list[str]) -> None:
    """1 for a sentence whose record was made or published in a year the question names, 0
    for the others when some candidate's record was; 1 for all when none was (or no year is
    named), so a question about an undated record loses nothing."""
    col = FEATURES.index("year")
    own: dict[str, bool] = {}
    for s in pool:
        if s.doc_id not in own:
            meta = snap.docs.get(s.doc_id)
            made = " ".join((meta.date or "", meta.published or "")) if meta else ""
            own[s.doc_id] = any(y in made for y in years)
    matched = any(own.values())
    for s in pool:
        s.features[col] = 1.0 if own[s.doc_id] or not matched else 0.0


def on_topic(topic: str, hits: list, share: float = 0.5,
             text: Callable[[Any], str] = lambda h: h.text, cover: float = 0.0) -> list:
    """The hits that hold (in ``text(hit)``) at least ``share`` of the distinctive topic
    words the best of them holds; all of them when the topic has no such words, none when
    no hit holds any, or when the best holds less than ``cover`` of the topic's weight."""
    words = [Words(word_set(text(h))) for h in hits]
    weights = term_weights(re.findall(r"[A-Za-z0-9]+", topic), set(GENERIC_WORDS), words)
    if not weights:
        return hits
    held = [sum(w for t, w in weights.items() if _holds(ws, t)) for ws in words]
    if max(held, default=0.0) < cover * sum(weights.values()):
        return []
    bar = share * max(held, default=0.0)
    return [h for h, n in zip(hits, held, strict=True) if n >= bar and n > 0]
