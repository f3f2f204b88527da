"""Grades on a record's rating scale, and which of them a question asks for.

Inspectorates grade on an ordered scale (Ofsted's four points, inadequate to outstanding), so
"which area was rated below good", "was any judgement graded lower than that", "X was judged
inadequate overall - did any area get a better grade?", "which part got the top grade" and
"which judgement was good rather than outstanding" each name the grades that answer them. A rated
field holding another grade states a rating, but not the one asked about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import made_in
from .vocabulary import STOPWORDS, VAGUE_WORDS, Words, word_set

# Words of the tables where records grade things: the inspectorates' four-point scale, audit
# assurance levels, and the tables' own headings.
GRADE_WORDS = ("outstanding", "good", "inadequate", "requires", "improvement", "effectiveness",
               "judgement", "grade", "assurance", "rating")

# The scale, lowest first. "Requires improvement (to be good)" is one grade.
SCALE = ("inadequate", "requires improvement", "good", "outstanding")
GRADE = r"(?:inadequate|requires? improvement(?: to be good)?|good|outstanding)"
_FIELD_GRADE = re.compile(rf":\s*({GRADE})\s*\.?\s*$", re.I)

# A sentence that states a grade in prose, as a record's summary does: "Services for children in
# X are good", "... continue to require improvement to be good".
STATES_GRADE = re.compile(r"\b(?:is|are|remains?|continues? to be|now)\s+"
                          r"(?:now\s+|still\s+|also\s+)?(?:inadequate|good|outstanding)"
                          r"(?=\s*(?:[.,;:]|$)|\s+(?:and|but|overall|for|in|at|across|as)\b)|"
                          r"\brequires? improvement to be good\b", re.I)
# A grade named in prose, as a record recalls an earlier one ("... in 2021, when the overall
# effectiveness was inadequate").
GRADE_STATED = re.compile(r"\b(?:inadequate|outstanding|requir(?:es?|ing) improvement)\b|"
                          r"\b(?:was|were) good\b", re.I)
# What a question sets aside: "good rather than outstanding", "not rated inadequate".
_CONTRAST = re.compile(r"\b(?:rather than|instead of|as opposed to|not (?:rated|judged|graded|"
                       r"found to be|get|got|receive|given|achieve)(?: as| to be)?)\s+"
                       r"((?:[\w’'-]+\s*){1,3})|"
                       rf"\bnot\s+({GRADE})\b", re.I)
# "below good", "lower than that", "better than requires improvement".
_COMPARED = re.compile(rf"\b(?P<dir>below|lower than|worse than|less than|under|above|"
                       rf"higher than|better than)\s+(?:a\s+|the\s+)?"
                       rf"(?P<g>{GRADE}|that|this|it)\b", re.I)
# "Did any area get a better grade?" after a grade the question states ("X was judged
# inadequate overall - ..."): placed against that one.
_GRADE_NOUN = r"\s+(?:grades?|ratings?|judge?ments?)\b"
_COMPARED_TO_STATED = re.compile(rf"\b(?P<dir>better|higher|worse|lower){_GRADE_NOUN}|"
                                 r"\b(?:graded|rated|judged)\s+(?P<dir2>better|higher|worse|"
                                 r"lower)\b(?!\s+than)", re.I)
# "Which part got the top grade?": the ends of the scale.
_END_OF_SCALE = re.compile(rf"\b(?P<end>top|highest|best|lowest|worst|bottom){_GRADE_NOUN}",
                           re.I)
# "rated outstanding", "judged to be inadequate", "was good": the grade asked about.
_NAMED = re.compile(rf"\b(?:(?:rated?|judged?|graded?|found|assessed|was|were|is|are|be|as|"
                    rf"receive[sd]?|got|get|given|achieved?)\s+"
                    rf"(?:(?:only|still|also|just)\s+)?(?:to be\s+|as\s+)?|(?:only|just)\s+)"
                    rf"({GRADE})\b", re.I)  # "... was any judgement area only good?"
# "Which area / part / aspect ...": one judgement area, which the overall one is not.
_PART = re.compile(r"\bwhich (?:\w+ )?(?:areas?|parts?|aspects?|judgements? areas?|services?)\b|"
                   r"\b(?:any|which|one) (?:\w+ )?(?:judgement|judgment) areas?\b", re.I)


# "Apart from pathway plans, what else ...?": a topic the question sets aside.
_BESIDES = re.compile(r"\b(?:apart from|aside from|other than|besides|except(?: for)?)\s+"
                      r"([\w’'-]+(?:\s+[\w’'-]+){0,5}?)(?=\s*[,;?]|\s+(?:what|which|how|did|"
                      r"does|do|was|were|is|are|has|have|in|at|for|on)\b)", re.I)


# The verbs that open a yes-or-no question ("Were its care leavers services ...?").
WHETHER_VERBS = r"(?:was|were|is|are|did|does|do|has|have|had)"
_WHETHER = re.compile(rf"\s*(?:and\s+|but\s+|so\s+)?{WHETHER_VERBS}\b", re.I)


def asking_clause(question: str) -> str:
    """The clause that asks, after any the question states first: "X was rated outstanding
    overall - what grade did its care leavers get?", "X got a good grade, but what ..."."""
    return re.split(r"[.;:–—]\s+|\s+-\s+|,\s+but\s+", question.strip())[-1]


def besides(question: str) -> list[str]:
    """The words of a topic the question sets aside ("Apart from pathway plans, what else
    ..."): a sentence about it is not what is asked for."""
    return [w.lower() for m in _BESIDES.finditer(question) for w in re.findall(r"\w+", m[1])
            if w.lower() not in STOPWORDS and w.lower() not in VAGUE_WORDS]


def set_aside(question: str) -> set[str]:
    """Words the question sets aside: what it does not ask for, so a sentence holding them is
    no closer to the answer."""
    return {w.lower() for m in _CONTRAST.finditer(question) for w in (m[1] or m[2]).split()}


_RATING_VERBS = {"rate", "rated", "rating", "grade", "graded", "judge", "judged", "scored"}


def scale_words(question: str) -> set[str]:
    """The words that ask for a grade or place it on the scale ("rated", "lower than that"):
    a record states its grades in a table, in none of these words, so they are not looked
    for in it."""
    return {w.lower() for m in _COMPARED.finditer(question) for w in m[0].split()} | (
        _RATING_VERBS & {w.lower() for w in re.findall(r"\w+", question)})


def rank_of(grade: str) -> int:
    """A grade's place on the scale, 0 (inadequate) to 3 (outstanding)."""
    g = grade.lower()
    return 1 if g.startswith("require") else SCALE.index(g)


def field_grade(text: str) -> int | None:
    """The grade a rated field gives ("... care leavers: Requires improvement to be good")."""
    m = _FIELD_GRADE.search(text.strip())
    return rank_of(m[1]) if m else None


# "good" names the grade as a verdict on a service ("a consistently good service", "of good
# quality", "continue to be good"), not in "in good time" or "good relationships".
_GRADE_IN_WORDS = (re.compile(r"\binadequate\b", re.I),
                   re.compile(r"\brequir\w* improvement\b", re.I),
                   re.compile(r"\bgood[- ](?:quality|services?|standard)\b|\bof good quality\b|"
                              + STATES_GRADE.pattern, re.I),
                   re.compile(r"\boutstanding\b", re.I))


def gives_grade(sentence: str, rank: int) -> bool:
    """Whether a sentence names the grade of that rank in words ("receive a consistently good
    service", "continue to require improvement to be good")."""
    if rank == 2:  # not the "good" of "requires improvement to be good"
        sentence = re.sub(r"\brequir\w* improvement to be good\b", "", sentence, flags=re.I)
        return any("good" in m[0].lower() for m in _GRADE_IN_WORDS[2].finditer(sentence))
    return bool(_GRADE_IN_WORDS[rank].search(sentence))


@dataclass(frozen=True, slots=True)
class GradesAsked:
    """The grades a question's answer must give (None: any), and whether it asks for one
    judgement area rather than the overall judgement."""

    wanted: frozenset[int] | None
    part: bool

    @classmethod
    def of(cls, question: str) -> GradesAsked:
        wanted: set[int] | None = None
        # The clause asking, after any the question states first: "X was rated outstanding
        # overall - what grade did its care leavers get?", "X got good overall, but how ...".
        asking = asking_clause(question)
        stated = question[:len(question) - len(asking)]
        m = _COMPARED.search(question)
        told = _COMPARED_TO_STATED.search(asking)
        end = _END_OF_SCALE.search(asking)
        grades_stated = _NAMED.findall(stated)
        if m is None and told and grades_stated:
            wanted = _beyond(rank_of(grades_stated[-1]),
                             (told["dir"] or told["dir2"]).lower() in ("worse", "lower"))
        elif m is None and end:
            top = end["end"].lower() in ("top", "highest", "best")
            wanted = {len(SCALE) - 1 if top else 0}
        elif m:
            ref = m["g"]
            if ref.lower() in ("that", "this", "it"):
                earlier = _NAMED.findall(question[:m.start()])
                ref = earlier[-1] if earlier else ""
            if ref:
                wanted = _beyond(rank_of(ref), m["dir"].lower() in (
                    "below", "lower than", "worse than", "less than", "under"))
        elif _WHETHER.match(asking) and re.search(r"\b(?:every|each|all)\b", asking, re.I) \
                and (named := {rank_of(g) for g in re.findall(GRADE, asking, re.I)}):
            # "Was every area outstanding?": an area with another grade answers it
            wanted = set(range(len(SCALE))) - named
        elif _WHETHER.match(asking) and not re.search(r"\b(?:any|anything|which)\b", asking,
                                                       re.I):
            pass  # "Were its care leavers services inadequate too?": yes or no, any grade
        else:  # a grade stated before the asking clause is not the one asked for
            named = {rank_of(g) for g in _NAMED.findall(asking)}
            aside = {rank_of(g) for g in re.findall(GRADE, " ".join(set_aside(question)), re.I)}
            if named - aside:
                wanted = named - aside
            elif aside:
                wanted = set(range(len(SCALE))) - aside
        # Stating the overall judgement first asks about one of the others.
        return cls(frozenset(wanted) if wanted is not None else None,
                   bool(_PART.search(question)) or "overall" in stated.lower())

    def fit(self, field: str) -> float:
        """1.0 when a rated field gives a grade asked for; less when it gives another, or is
        the overall judgement where one area is asked about."""
        grade = field_grade(field)
        if self.wanted is not None and grade is not None and grade not in self.wanted:
            return 0.2
        if self.part and field.strip().lower().startswith("overall"):
            return 0.6
        return 1.0


def _beyond(rank: int, low: bool) -> set[int]:
    """The grades below ``rank`` on the scale, or above it."""
    return set(range(rank)) if low else set(range(rank + 1, len(SCALE)))


def names_an_area(question: str, fields: list[str], ignore: set[str]) -> bool:
    """Whether the question names one rated area: it holds a word of an area's label that at
    most half of the labels share ("leadership" and "The impact of leaders on ..."; not
    "children", in nearly every label). The overall judgement does not answer such a
    question. ``ignore``: the words naming the document (council, title), which found it."""
    labels = [word_set(f.rsplit(":", 1)[0]) for f in fields
              if not f.strip().lower().startswith("overall")]
    if len(labels) < 2 or "overall" in question.lower():
        return False
    distinct = Words({w for label in labels for w in label
                      if len(w) >= 4 and sum(w in other for other in labels) <= len(labels) / 2})
    return any(distinct.has(w) for w in word_set(question)
               if len(w) >= 4 and w not in ignore and w not in GRADE_WORDS
               and w not in _RATING_VERBS)


def area_match(question: str, fields: list[str], ignore: set[str]) -> list[float]:
    """How closely each rated field's area is the one the question names: the question's
    words in the field's label, each counting the less the more labels share it ("care" is
    in two labels, "leavers" in one; "children" in nearly all). The overall judgement, which
    names no area, scores nothing."""
    labels = [set() if f.strip().lower().startswith("overall") else word_set(f.rsplit(":", 1)[0])
              for f in fields]
    asked = [w for w in word_set(question) if len(w) >= 4 and w not in ignore
             and w not in STOPWORDS and w not in GRADE_WORDS and w not in _RATING_VERBS]
    held = [Words(label) for label in labels]
    return [sum(1.0 / sum(1 for o in held if o.has(w)) for w in asked if h.has(w))
            for h in held]


def grade_of_year_missing(years: list[str], best: list[tuple[str, str | None, str | None]]) -> bool:
    """Whether none of the best sentences (text, record's date, record's publication date) can
    give the grade of a year the question names. A record's rated fields are its own verdict,
    so "What grade did X get at its 2014 inspection?" is not answered by a 2018 report's
    "Overall effectiveness: Requires improvement to be good"; a later report gives the earlier
    grade only where it names the year beside it ("in 2014, when services were judged
    inadequate")."""
    for text, made, published in best:
        if made_in(years, made, published):
            return False
        if any(y in text for y in years) and (GRADE_STATED.search(text)
                                              or STATES_GRADE.search(text)):
            return False
    return bool(best)
