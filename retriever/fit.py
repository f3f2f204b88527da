"""How well a sentence holds the kind of thing a question asks for (``asks.answer_kind``):
a date by its precision, a count that is not part of a date, a rating in a rated field or in
a sentence of the present, an item of a list of what should change.
"""

from __future__ import annotations

import re

from .asks import (
    _AMOUNT,
    _APPRAISAL,
    _BEFORE_NOW,
    _COUNT,
    _DATE_FIELD,
    _FUTURE,
    _MONEY,
    _NONE,
    _NUMBER,
    _PAST,
    _PERSON,
    _PERSON_FIELD,
    _RATED,
    _RATING_VERB,
    _SHORTFALL,
    _SINCE,
    CAUSE,
    EXISTS,
    TREND,
    Kind,
    Listing,
    _Rated,
)
from .dates import (
    AGE,
    ANY_DATE,
    DAY_DATE,
    DURATION,
    MONTH_YEAR,
    WHEN_WORDS,
    WITHIN,
    YEAR,
    Moment,
    dates_given,
)
from .grades import GRADE_STATED, STATES_GRADE, GradesAsked
from .kinds import LOOKS_BACK, placed_earlier
from .people import Body, label_asked
from .vocabulary import Words, word_set

# A verdict: what is described, judged in its predicate ("The response to private fostering
# is particularly weak", "Weaknesses in the MASH are significant and widespread", "Children
# receive robust, intensive support").
_VERDICT = re.compile(r"\b(?:is|are|was|were|remains?|has been|have been|receives?|received|"
                      r"benefits? from|provides?|offers?)\s+(?:not\s+)?(?:an?\s+)?"
                      r"(?:(?:\w+ly|too|very|so|still|now|also|mostly|largely|generally|often|"
                      r"consistently|not yet)\s+)*(?:strong|weak|poor|good|effective|ineffective|"
                      r"robust|inconsistent|variable|impressive|excellent|outstanding|inadequate|"
                      r"significant|serious|timely|thorough|limited|underdeveloped|"
                      r"under[- ]developed|insufficient|successful|positive|improving|improved|"
                      r"declining|deteriorat\w+|well[- ]\w+|high|low|slow|late|exceptional|"
                      r"unacceptable|appropriate|inappropriate|sound|secure|unsafe)\b",
                      re.I)


def kind_fit(kind: Kind | None, text: str, heading: str = "",
             asked: Words | None = None, known: list[Moment] | None = None,
             grades: GradesAsked | None = None,
             earlier: tuple[str, frozenset[str]] | None = None) -> float:
    """How well a sentence holds the kind of thing asked for, 0..1 (0.5 when the question's
    form asks for no particular kind). Dates and amounts are graded by precision, a number
    that is only part of a date does not answer "how many", a rating is stated in a rated
    field or in a sentence of the present ("... are good"; one that only uses a rating verb is
    a weaker answer), and what should change is looked for first among the
    items of a list headed by it (``heading``: the heading the sentence is listed under).
    A dated field ("Inspection dates: ...") answers "when" only about what its label names
    (``asked``: the question's words). A date the question starts from (``known``, from
    ``reference_dates``) does not answer "when", nor a rated field giving a grade the
    question does not ask for (``grades``: "below good", "not rated inadequate")."""
    known = known or []
    if kind is None:
        # "Inspection dates: 7 to 18 November 2022" says when the record is from and "Lead
        # inspector: A Name" who wrote it, which answer only questions asking when or who.
        field = _DATE_FIELD.match(text.strip()) or _PERSON_FIELD.match(text.strip())
        return 0.2 if field else 0.5
    if isinstance(kind, Listing):
        return kind.fit(text, heading)
    if isinstance(kind, Body):
        if _DATE_FIELD.match(text.strip()) or _PERSON_FIELD.match(text.strip()):
            return 0.2  # "Lead inspector: A Name" says who wrote the record, not who runs X
        return 1.0 if kind.search(text) else 0.3
    if kind is CAUSE:
        return 1.0 if kind.search(text) else 0.2 if heading.startswith("•") else 0.5
    if kind is _APPRAISAL and _RATED.search(text):
        return 0.5  # a grade, where a finding about something was asked for
    if kind is LOOKS_BACK and (_DATE_FIELD.match(text.strip())
                               or _PERSON_FIELD.match(text.strip())):
        return 0.2  # "Inspection dates: ..." says when this record is from, not how it compares
    if (kind is LOOKS_BACK and asked is not None and _GRADE_ASKED & asked.all
            and not GRADE_STATED.search(text)):
        return 0.7 if kind.search(text) else 0.5  # "compare the result with the one before"
    if kind is _APPRAISAL:
        return 1.0 if _VERDICT.search(text) else 0.8 if kind.search(text) else 0.5
    if kind is LOOKS_BACK or kind is TREND or kind is EXISTS:
        return 1.0 if kind.search(text) else 0.5
    if kind is _SHORTFALL:
        return 1.0 if kind.search(text) else 0.5 if heading.startswith("•") else 0.2
    if isinstance(kind, _Rated):
        if kind.search(text):
            return 0.3 if kind.earlier else grades.fit(text) if grades is not None else 1.0
        stated = STATES_GRADE.search(text)
        if (not kind.earlier and stated and not _PAST.search(text)
                and (grades is None or (grades.wanted is None and not grades.part))):
            return 1.0  # the record's verdict in its own sentence, as good as its rated field
        if not _RATING_VERB.search(text) and not (kind.earlier and GRADE_STATED.search(text)):
            return 0.0  # (asked for an earlier grade: "... in 2021, when it was inadequate")
        if kind.earlier:
            return 1.0 if _BEFORE_NOW.search(text) else 0.6
        return 0.3 if _PAST.search(text) else 0.6  # "at the last inspection, ... judged"
    if (kind is _PERSON and asked is not None and _PERSON_FIELD.match(text.strip())
            and not label_asked(text.split(":", 1)[0], asked)):
        return 0.3  # "Lead inspector: X" does not answer who chairs the board
    if (kind is WHEN_WORDS and asked is not None and _DATE_FIELD.match(text.strip())
            and not _names_asked(text.split(":", 1)[0], asked)):
        return 0.3
    if kind is WHEN_WORDS and dates_given(text, known):
        return 0.2  # the question already states these dates: they are where it starts from
    if kind is WHEN_WORDS and earlier is not None and placed_earlier(text, earlier):
        return 1.0  # "since the previous inspection in 2014": when it was inspected before
    if kind is WHEN_WORDS and asked is not None and _other_years(text, asked, known):
        return 0.3  # "When was the 2019 inspection carried out?" is not answered in 2018
    if kind is WHEN_WORDS and asked is not None and {"will", "would", "next"} & asked.all:
        # "When will ... return?", "By when would X be done?" are answered by what is (or was)
        # to come ("will be carried out within approximately 18 months", "would take place by
        # 1 April 2010"), not by the dates of this or the last visit or meeting.
        if _DATE_FIELD.match(text.strip()) or _PAST.search(text) or _SINCE.search(text):
            return 0.3  # ("investment since 2019": a time gone by)
        if WITHIN.search(text) or (_FUTURE.search(text) and ANY_DATE.search(text)):
            return 1.0
        if ANY_DATE.search(text):
            return 0.6
    if kind is WHEN_WORDS and asked is not None and "year" in asked.all and "when" not in asked.all:
        return 1.0 if YEAR.search(text) else 0.0  # "in which year ...": a year is precise
    if kind is WHEN_WORDS:
        return (1.0 if DAY_DATE.search(text) else 0.6 if MONTH_YEAR.search(text)
                or WITHIN.search(text) else 0.3 if YEAR.search(text) else 0.0)
    if kind is _COUNT:
        # "How many ...": a count, which a sum of money does not give; "no children were
        # living in ..." counts the children asked about as none.
        if asked is not None and any(asked.has(m[1].lower()) for m in _NONE.finditer(text)):
            return 1.0
        rest = AGE.sub(" ", _MONEY.sub(" ", ANY_DATE.sub(" ", text)))
        return (1.0 if _NUMBER.search(rest) else 0.6 if _MONEY.search(text)
                else 0.2 if _NUMBER.search(text) else 0.0)
    if kind is _NUMBER:
        rest = ANY_DATE.sub(" ", text)
        return (1.0 if _AMOUNT.search(rest) else 0.8 if _NUMBER.search(rest)
                else 0.2 if _NUMBER.search(text) else 0.0)
    if kind is DURATION:  # "over eight weeks" is precise, "for many weeks" is not
        spans = [m[0].lower() for m in DURATION.finditer(text)]
        return 0.0 if not spans else 0.8 if all(w.startswith(_VAGUE_SPAN) for w in spans) else 1.0
    return 1.0 if kind.search(text) else 0.0


_VAGUE_SPAN = ("several", "a few", "many")
# A comparison of grades: where the record looks back, the sentence naming the earlier grade.
_GRADE_ASKED = frozenset({"result", "results", "rating", "ratings", "rated", "grade", "grades",
                          "graded", "judgement", "judgment", "judged", "verdict"})


def _other_years(text: str, asked: Words, known: list[Moment]) -> bool:
    """Whether the question dates what it asks about ("the 2019 inspection") and every year
    the sentence names is another one. Years the question starts from ("since 2019",
    "according to the 2024 report") do not date the answer."""
    stated = {w for w in asked.all if YEAR.fullmatch(w)} - {y for y, _ in known}
    if "published" in asked.all:  # a report published early in 2022 was done in 2021
        stated |= {str(int(y) - 1) for y in stated}
    years = set(YEAR.findall(text))
    return bool(stated and years) and not years & stated


def _names_asked(label: str, asked: Words) -> bool:
    """Whether a field's label names something the question asks about."""
    return any(asked.has(w) for w in word_set(label) if len(w) >= 4)
