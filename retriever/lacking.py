"""When the best sentences cannot answer because the question asks for something of a precise
form (a sum of money, a count, a percentage, a named person) and none of them states one.

Wording alone cannot tell "How many agency social workers did X employ?" from a passage on
agency social workers that gives no number; the form can. A councillor told "not found,
the passages found state no count" can ask elsewhere; one handed a sentence about the topic
may quote it as the answer.
"""

from __future__ import annotations

import re

from .asks import (
    _COUNT,
    _MONEY,
    _MONEY_NAMED,
    _NONE,
    _NUMBER,
    _PERSON,
    SMALL_NUMBERS,
    answer_kind,
)
from .dates import ANY_DATE
from .vocabulary import Words, word_set

# "How much did X spend", "what budget was set": an amount of money is asked for, which a
# percentage or a count does not give. Only a passage stating a sum answers.
_MONEY_ASKED = re.compile(r"\b(?:spen[dt]\w*|budget\w*|costs?|costing|fund(?:ing|ed)|paid|pay|"
                          r"price\w*|expenditure|overspen\w*|underspen\w*|savings?|fees?|"
                          r"expenses|allowances?|salary|salaries|wages?)\b", re.I)
_TIME_ASKED = re.compile(r"\bhow much (?:\w+ )?time\b|\bhow (?:many|much) (?:\w+ )?(?:hours|days|"
                         r"weeks|months|years)\b", re.I)
# A number counting something: "44 social workers", "two Children in Care Councils", "over
# 1,000 pieces", "one child", a figure in brackets after what it counts ("children's centres
# (48)"). Not a number inside a name, a compound or an age ("COVID-19", "seven-minute
# briefings", "16- and 17-year-olds"), a span of time ("within 24 hours"), nor "one of" or
# "a one-council approach".
_COUNTED = re.compile(rf"(?<![\w-])(?:\d[\d,]*|{SMALL_NUMBERS}|one(?!\s+of\b)|twenty|thirty|"
                      r"forty|fifty|hundreds?|thousands?|dozens?)"
                      r"\s+(?!(?:per ?cent|years? old|(?:working\s+)?(?:minutes?|hours?|days?|"
                      r"weeks?|months?|years?))\b)[A-Za-z]|[a-z]\s+\(\d[\d,]*\)", re.I)
# "What percentage / proportion / share of ...": a part of a whole, which a record states as a
# percentage or a fraction ("56%", "over half", "four in five").
_PART_ASKED = re.compile(r"\bwhat (?:proportion|percentage|share)\b|\bby what percentage\b|"
                         r"\bfor what (?:proportion|share)\b", re.I)
_PART = re.compile(r"\d\s?%|\bper ?cent\b|\b(?:half|halves|third|thirds|quarter|quarters|"
                   r"fifth|fifths|tenth|tenths)\b|"
                   r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine) in (?:every )?"
                   r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten)\b", re.I)
# "The majority of care leavers" gives a proportion in words but no percentage.
_PART_IN_WORDS = re.compile(r"\b(?:majority|minority)\b", re.I)
_PERCENTAGE_ASKED = re.compile(r"\bpercentage\b|\bper ?cent\b", re.I)
# "Which councillor / officer / person ...", "what is the name of X's cabinet member": one
# named individual is asked for, which a role ("the lead member chairs the board") does not
# give; "who chairs ..." may be answered by one.
_NAMED_ASKED = re.compile(r"\bwhich (?:councillor|officer|inspector|person)\b|"
                          r"\bwhat (?:is|was) the name of\b", re.I)
# Posts whose holder a question may ask for by role ("Who is the leader of X?", "Which
# councillor was X's cabinet member?"): only a record that mentions the post can name them.
_POSTS = (r"cabinet member|lead member|portfolio holder|leader|mayor|mp|chief executive|"
          r"minister|secretary of state")
_POST = re.compile(rf"\b(?P<role>{_POSTS})\b", re.I)
# "What did Calderdale's cabinet member say about the result?": what one person in a role
# said, which only a record that mentions that role can hold.
_SAID_BY = re.compile(rf"\bwhat did (?:the\s+)?(?:[\w’'-]+\s+){{0,4}}?(?P<role>{_POSTS}|"
                      r"councillor|cllr|director|chair)"
                      r"(?:\s+[\w’'-]+){0,6}?\s+(?:say|tell|think|comment|respond)\b", re.I)
BEST = 10  # the best sentences looked at for a count, a part or a person


def lacks_money(question: str, texts: list[str]) -> bool:
    """Whether the question asks how much money and none of ``texts`` states a sum ("how much
    time did social workers spend" asks for time)."""
    asks = ((answer_kind(question) is _NUMBER and bool(_MONEY_ASKED.search(question))
             and not _TIME_ASKED.search(question)) or bool(_MONEY_NAMED.search(question)))
    return asks and not any(_MONEY.search(t) for t in texts)


# A number after one of these labels names a stage or an age, not a count: "key stages 2 and
# 4", "section 47 enquiries", "Year 6", "aged 16 and 17".
_LABEL_BEFORE = re.compile(r"\b(?:stages?|sections?|years?|levels?|tiers?|phases?|steps?|pages?|"
                           r"paragraphs?|items?|parts?|chapters?|aged?|ages|grades?)\s+$", re.I)


def _counts(text: str, asked: Words) -> bool:
    """Whether a sentence counts something, or says none of what is asked ("no children")."""
    if any(asked.has(m[1].lower()) for m in _NONE.finditer(text)):
        return True
    rest = _MONEY.sub(" ", ANY_DATE.sub(" ", text))
    return any(not _LABEL_BEFORE.search(rest, 0, m.start()) for m in _COUNTED.finditer(rest))


def lacks_asked(question: str, texts: list[str], fits: list[float]) -> str:
    """Why the best sentences (``texts``, best first, with their kind fits in ``fits``)
    cannot answer: the question asks for a thing of a precise form and none of them states
    one. Empty when they may answer."""
    if lacks_money(question, texts):
        return "The passages found state no sum of money."
    kind, best, asked = answer_kind(question), texts[:BEST], Words(word_set(question))
    if (kind is _COUNT and not _TIME_ASKED.search(question)  # "how many weeks": a span counts
            and not any(_counts(t, asked) for t in best)):
        return "The passages found state no count of what is asked."
    if _PART_ASKED.search(question) and not any(
            _PART.search(t) or (_PART_IN_WORDS.search(t)
                                and not _PERCENTAGE_ASKED.search(question)) for t in best):
        return "The passages found state no percentage or share."
    if kind is _PERSON and _NAMED_ASKED.search(question) and not any(
            f >= 1.0 for f in fits[:BEST]):
        return "The passages found name no one in the role asked about."
    role = _SAID_BY.search(question) or (_POST.search(question) if kind is _PERSON else None)
    if role and not any(re.search(rf"\b{role['role']}\b", t, re.I) for t in best):
        return f"The passages found do not mention the {role['role']}."
    return ""
