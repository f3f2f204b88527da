"""When the best sentences cannot answer because the question asks for something of a precise
form (a sum of money, a count, a percentage, a named person) and none of them states one.

Wording alone cannot tell "How many agency social workers did X employ?" from a passage on
agency social workers that gives no number; the form can. A councillor told "not found,
the passages found state no count" can ask elsewhere; one handed a sentence about the topic
may quote it as the answer.
"""

from __future__ import annotations

import re

from indexer.acronyms import ACRONYMS
from indexer.dates import MONTHS
from indexer.gazetteer import council_by_form, iter_councils

from .asks import (
    _COUNT,
    _MONEY,
    _MONEY_NAMED,
    _NONE,
    _NUMBER,
    answer_kind,
    asks_back,
)
from .dates import AGE, ANY_DATE, SMALL_NUMBERS, WHEN_WORDS
from .kinds import LOOKS_BACK
from .people import PERSON
from .vocabulary import GENERIC_WORDS, STOPWORDS, Words, word_set

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
# "a one-council approach". What a number counts is looked ahead at, so that "four DCSs and
# five assistant directors" holds two counts.
_COUNTED = re.compile(rf"(?<![\w-])(?:\d(?:[\d,]*\d)?|{SMALL_NUMBERS}|one(?!\s+of\b)|twenty|"
                      r"thirty|forty|fifty|hundreds?|thousands?|dozens?)"
                      r"(?:\s+|-(?!(?:thirds?|quarters?|halves|half|fold)\b))"  # "six-bed unit"
                      r"(?!(?:per ?cent|years? old|(?:working\s+)?(?:minutes?|hours?|days?|"
                      r"weeks?|months?|years?))\b)(?=(?P<after>[A-Za-z][^.;:,()]{0,40}))|"
                      r"(?P<before>[A-Za-z][^.;:,()]{0,40}?[a-z])\s+\(\d[\d,]*\)", re.I)
# What "how many" counts: the words after it up to the verb or preposition ("how many agency
# social workers was X employing" counts agency social workers).
# "The average caseload per social worker" counts caseloads, per worker: the words after
# "per" say what the count is divided by, not what it is of.
_COUNTED_ASKED = re.compile(r"\b(?:how many(?:\s+of\s+(?:those|these|the|them|their))?|"
                            r"(?:average|mean|median)(?:\s+number\s+of)?)\s+"
                            r"(?P<what>(?:(?!(?:were|was|are|is|did|does|do|has|"
                            r"have|had|in|on|at|by|for|of|from|with|per|across|within|would|"
                            r"will|could|can|there|the|a|an)\b)[\w’'-]+\s*){1,4})"
                            r"(?:per\s+(?:[\w’'-]+\s*){1,2})?", re.I)
_AVERAGE = frozenset({"average", "mean", "median"})
_COMMON = 0.25  # a word in more than this share of the candidate sentences tells none apart
_NEAR = 4  # the words after a number that say what it counts
# "supports care leavers up to the age of 18", "children under 16 live in ..."
_AGE_OF = re.compile(r"\bage of \d+|\b(?:children|child|young people|people|those)\s+(?:under|over)"
                     r"\s+\d+\b", re.I)
# "one child being placed in ...": one of those asked about is an example, not how many there
# are, unless the record says it is all ("only one", "there is one").
_ONE = re.compile(r"(?:one|a single)\b", re.I)
_ONLY = re.compile(r"\b(?:only|just|there (?:is|was|are|were))\s+$", re.I)
# "Were inspectors concerned about how many care leavers are in work?" asks about a count,
# which a record may judge without stating it ("lower than comparators").
_ABOUT_A_COUNT = re.compile(r"\b(?:about|over|regarding|on|with) how many\b", re.I)
# Words that place a question in time or in a record, not in a topic ("at the time of its
# 2022 inspection", "according to the report").
_SCOPE = frozenset("""time inspection inspected inspections report reports according ofsted
visit visits year years month months currently current since described stated
said""".split())
# "What percentage / proportion / share of ...": a part of a whole, which a record states as a
# percentage or a fraction ("56%", "over half", "four in five").
_PART_ASKED = re.compile(r"\bwhat (?:proportion|percentage|share)\b|\bby what percentage\b|"
                         r"\bfor what (?:proportion|share)\b|"
                         # "X's vacancy rate", "the rate of children on plans per 10,000"
                         r"\bwhat (?:was|were|is|are)\b[^?]{0,60}\brates?\b"
                         r"(?=\s+(?:of|at|in|for)\b|\s*[?,]|\s*$)", re.I)
_PART = re.compile(r"\d\s?%|\bper ?cent\b|\bper\s+[\d,]{2,}\b|"
                   r"\b(?:half|halves|third|thirds|quarter|quarters|"
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
_ROLE_NAMED = re.compile(rf"\b(?:{_POSTS}|director|chair|head)(?=s?\b)", re.I)
# "Who was X's lead member ...?", "Who is the executive director for ...?": the holder of a
# post, by name.
_HOLDER_ASKED = re.compile(rf"^\s*who (?:is|was|were|are) (?:the\s+)?(?:[\w’'-]+[’']s\s+)?"
                           rf"(?:(?:current|new|former|interim|acting|permanent|then)\s+)?"
                           rf"(?:(?:executive|corporate|strategic|deputy|assistant|operational|"
                           rf"independent|service)\s+)?(?:{_POSTS}|director|chair)\b", re.I)
# "What did Calderdale's cabinet member say about the result?": what one person in a role
# said, which only a record that mentions that role can hold.
_SAID_BY = re.compile(rf"\bwhat did (?:the\s+)?(?:[\w’'-]+\s+){{0,4}}?(?P<role>{_POSTS}|"
                      r"councillor|cllr|director|chair)"
                      r"(?:\s+[\w’'-]+){0,6}?\s+(?:say|tell|think|comment|respond)\b", re.I)
# Words that report what someone said: a sentence that only mentions the role does not.
_REPORTED = re.compile(r"(?<![\w-])(?:sa(?:y|ys|id)|t(?:ell|ells|old)|stat(?:e|es|ed)|"
                       r"acknowledg(?:e|es|ed)|report(?:s|ed)?|explain(?:s|ed)?|"
                       r"comment(?:s|ed)?|not(?:e|es|ed)|confirm(?:s|ed)?|advis(?:e|es|ed)|"
                       r"inform(?:s|ed)?|respond(?:s|ed)?|add(?:s|ed)|remark(?:s|ed)?|"
                       r"describ(?:e|es|ed)|highlight(?:s|ed)?|emphasi[sz](?:e|es|ed)|"
                       r"stress(?:es|ed)?|agree(?:s|d)?|welcom(?:e|es|ed)|ask(?:s|ed)?|"
                       r"repl(?:y|ies|ied)|assur(?:e|es|ed)|undert(?:ook|akes?))\b(?!-)", re.I)
# "When is X's next inspection due?", "when will Ofsted return?": a date still to come.
_DUE_ASKED = re.compile(r"\bnext\b[^?]*\bdue\b|\bwhen (?:will|is)\b[^?]*\bnext\b", re.I)
_WILL_ASKED = re.compile(r"^\s*(?:and\s+|so\s+)?when will\b", re.I)  # a date to come, or a span
BEST = 10  # the best sentences looked at for a count, a part or a person


_PAY_ASKED = re.compile(r"\b(?:salar(?:y|ies)|wages?|pay (?:rises?|scales?|awards?|grades?))\b",
                        re.I)
_PAY = re.compile(r"\b(?:salar(?:y|ies)|wages?|pay|paid|earn\w*|remuneration)\b", re.I)


def lacks_money(question: str, texts: list[str]) -> bool:
    """Whether the question asks how much money and none of ``texts`` states a sum ("how much
    time did social workers spend" asks for time)."""
    asks = ((answer_kind(question) is _NUMBER and bool(_MONEY_ASKED.search(question))
             and not _TIME_ASKED.search(question)) or bool(_MONEY_NAMED.search(question)))
    if asks and _PAY_ASKED.search(question):  # a salary is not answered by a budget
        return not any(_MONEY.search(t) and _PAY.search(t) for t in texts)
    return asks and not any(_MONEY.search(t) for t in texts)


# A number after one of these labels names a stage or an age, not a count: "key stages 2 and
# 4", "section 47 enquiries", "Year 6", "aged 16 and 17".
_LABEL_BEFORE = re.compile(r"\b(?:stages?|sections?|years?|levels?|tiers?|phases?|steps?|pages?|"
                           r"paragraphs?|items?|parts?|chapters?|aged?|ages|grades?)\s+$", re.I)


def _counts(text: str, asked: Words, counted: Words | None = None,
            topic: Words | None = None) -> bool:
    """Whether a sentence counts something, or says none of what is asked ("no children").

    When the question names what it counts (``counted``), the sentence must count that or be
    about the rest of the question (``topic``): "two specialist workers" does not say how
    many children are in care, while "Eight young people are in apprenticeships" may say how
    many care leavers are (records name the same people in other words)."""
    for m in _NONE.finditer(text):
        said = [w.lower() for w in m[0].split()[1:]]
        if counted is None and any(asked.has(w) for w in said if w not in STOPWORDS):
            return True
        # "No children have been identified as young carers": what is counted may follow. A
        # "no" is a count only in a sentence on the question's topic ("no child slips through
        # the net" says nothing of how many are home educated).
        after = Words(word_set(" ".join(said + text[m.end():].split()[:_NEAR + 2])))
        if (counted is not None and any(after.has(w) for w in counted.all)
                and (topic is None or _about(text, topic))):
            return True
    rest = _AGE_OF.sub(" ", AGE.sub(" ", _MONEY.sub(" ", ANY_DATE.sub(" ", text))))
    for m in _COUNTED.finditer(rest):
        if _LABEL_BEFORE.search(rest, 0, m.start()):
            continue
        if counted is None:
            return True
        # "44 social workers", "children's centres (48)", "caseloads of 15 children"
        near = ((m["after"] or "").split()[:_NEAR] + (m["before"] or "").split()[-_NEAR:]
                + rest[max(0, m.start() - 30):m.start()].split()[-3:])
        # "five DCS post-holders" counts directors of children's services
        near += [w for a in near for form in ACRONYMS.get(a.strip(",.;:()’'").rstrip("s"), ())
                 for w in form.split()]
        if (any(counted.has(w.lower().strip("’'")) for w in near) and not (
                _ONE.match(m[0]) and not _ONLY.search(rest, 0, m.start()))) or (
                topic is not None and _about(text, topic)):
            return True
    return False


def _about(text: str, topic: Words) -> bool:
    """Whether a sentence holds half the question's other words of substance (rounded up), and
    two of them when there are two or more: "services" alone does not make "one partnership
    group ... influencing services" about complaints received."""
    words = Words(word_set(text))
    held = sum(1 for w in topic.all if words.has(w))
    return held * 2 >= len(topic.all) and held >= min(2, len(topic.all))


def _counted(question: str, texts: list[str]) -> tuple[Words | None, Words | None]:
    """What "how many" asks to count, and the question's other words of substance (not its
    names, years or question words, nor words most of ``texts`` share: "care", in reports
    on care, does not make a sentence about council homes built for care leavers); (None,
    None) when the question does not say."""
    asked = list(_COUNTED_ASKED.finditer(question))  # "how many X ..., and how many Y ...?"
    if not asked:
        return None, None
    counted = {w for m in asked for w in map(_bare, m["what"].split())
               if w not in STOPWORDS and len(w) > 2}
    rest = _COUNTED_ASKED.sub(" ", question)
    topic = {_bare(w) for w in re.findall(r"(?<![\w’'-])[a-z][\w’'-]*", rest)}
    topic = {w for w in topic - STOPWORDS - GENERIC_WORDS - _SCOPE - _AVERAGE if len(w) > 2}
    pool = [Words(word_set(t)) for t in texts]
    if len(pool) >= BEST:  # too few sentences say nothing of which words are common
        topic = {w for w in topic if sum(1 for p in pool if p.has(w)) <= _COMMON * len(pool)}
    return (Words(counted) if counted else None), (Words(topic) if topic else None)


def _bare(word: str) -> str:
    return word.lower().strip("’'").removesuffix("’s").removesuffix("'s")


def lacks_asked(question: str, texts: list[str], fits: list[float]) -> str:
    """Why the best sentences (``texts``, best first, with their kind fits in ``fits``)
    cannot answer: the question asks for a thing of a precise form and none of them states
    one. Empty when they may answer."""
    if lacks_money(question, texts):
        return "The passages found state no sum of money."
    kind, best, asked = answer_kind(question), texts[:BEST], Words(word_set(question))
    top_fit = max(fits[:BEST], default=0.0)  # how well the best sentences hold the kind asked
    # "how many weeks": a span counts; "concerned about how many": a judgement may answer
    if kind is _COUNT and not _TIME_ASKED.search(question) and not _ABOUT_A_COUNT.search(
            question):
        counted, topic = _counted(question, texts)
        if not any(_counts(t, asked, counted, topic) for t in best):
            return "The passages found state no count of what is asked."
    if _PART_ASKED.search(question) and not any(
            _PART.search(t) or (_PART_IN_WORDS.search(t)
                                and not _PERCENTAGE_ASKED.search(question)) for t in best):
        return "The passages found state no percentage or share."
    if kind is _NUMBER and not _PART_ASKED.search(question) and top_fit < 0.8:
        return "The passages found state no figure of what is asked."  # a rate, a number
    if asks_back(kind) and kind is not LOOKS_BACK and top_fit < 0.6:
        # "What grade did X get at its previous inspection?": this record's own fields and a
        # sentence that only mentions the previous inspection give no earlier grade
        return "The passages found give no earlier grade."
    if kind is WHEN_WORDS and ((_DUE_ASKED.search(question) and top_fit < 1.0) or (
            _WILL_ASKED.search(question) and top_fit < 0.6)):
        return "The passages found give no date still to come."
    if kind is PERSON and _NAMED_ASKED.search(question) and not _named_in_role(
            question, best, fits[:BEST]):
        return "The passages found name no one in the role asked about."
    said_by = _SAID_BY.search(question)
    role = said_by or (_POST.search(question) if kind is PERSON else None)
    if role and not any(re.search(rf"\b{role['role']}\b", t, re.I) for t in best):
        return f"The passages found do not mention the {role['role']}."
    if said_by and not any(re.search(rf"\b{role['role']}\b", t, re.I) and _REPORTED.search(t)
                           for t in best):
        return f"The passages found do not report what the {role['role']} said."
    if kind is PERSON and _HOLDER_ASKED.search(question) and not _named_in_role(
            question, best, fits[:BEST]):
        return "The passages found name no one in the role asked about."
    return ""


def _named_in_role(question: str, best: list[str], fits: list[float]) -> bool:
    """Whether one of the best sentences names someone (a kind fit of 1) and, when the
    question asks for a post's holder ("the name of X's director of children's services"),
    mentions that post: "Gweres Teylurow, a therapeutic service" names no director."""
    post = _ROLE_NAMED.search(question)
    return any(fit >= 1.0 and (post is None or re.search(rf"\b{post[0]}", t, re.I))
               for t, fit in zip(best, fits, strict=False))


# An abbreviation the question uses ("GCSE", "SEND", "MASH"); not one with "&" in it, which
# names a place ("B&NES", "H&F").
_ACRONYM = re.compile(r"(?<![\w&])([A-Z]{3,})s?(?![\w&])")
_JOINING = frozenset("of and or the for in on to with a an at by s".split())


def unmentioned_abbreviation(question: str, passages: list[str]) -> str:
    """Why the passages found cannot answer a question about something it names by its
    abbreviation: none of them says it, neither abbreviated nor in full ("MASH" as
    "multi-agency safeguarding hub", "ILACS" as "inspection of local authority children's
    services"). Asked about GCSE results, a report that never mentions GCSEs holds none.
    Empty when they may answer."""
    letters = re.findall(r"[A-Za-z]", question)
    if sum(c.isupper() for c in letters) * 2 > len(letters):
        return ""  # a question typed in capitals has no abbreviations to tell apart
    text = " ".join(passages)
    words = re.findall(r"[A-Za-z]+", text.replace("’s", "").replace("'s", ""))
    # "NEET" skips the small words of "not in education, employment or training"; "CIN"
    # keeps the "in" of "child in need".
    initials = ("".join(w[0] for w in words if w.lower() not in _JOINING).upper() + " "
                + "".join(w[0] for w in words).upper())
    lowered = text.lower()
    for m in _ACRONYM.finditer(question):
        short = m[1]
        if re.search(rf"\b{short}", text) or short in initials:
            continue
        if any(all(w in lowered for w in words) for words in _glossed(question, short)):
            continue  # "the designated officer (LADO)": the report says "designated officer"
        return f"The passages found do not mention {short}."
    return ""


def _glossed(question: str, short: str) -> list[list[str]]:
    """The words a question gives beside an abbreviation for what it means: "the designated
    officer (LADO)", "LADO (designated officer)"."""
    out = []
    for m in re.finditer(rf"((?:[\w’'-]+\s+){{1,5}})\(\s*{short}\s*\)|"
                         rf"\b{short}\s*\(([^)]{{3,80}})\)", question):
        words = [w.lower() for w in re.findall(r"[A-Za-z’'-]+", m[1] or m[2])
                 if len(w) >= 3 and w.lower() not in STOPWORDS]
        if words:
            out.append(words[-2:] if m[1] else words)
    return out


# A body or a programme the question names in full: three or more capitalised words, which
# may be joined by "and", "of", "for" or "the" ("Care Quality Commission", "Youth Voice and
# Influence Service"); not the question's first word or a month. A possessive ("Ealing's
# Rapid Engagement ...") ends a name.
_NAME = re.compile(r"\b(?:[A-Z][a-z-]+|[A-Z]{2,})(?:\s+(?:(?:and|of|for|the)\s+)?"
                   r"(?:[A-Z][a-z-]+|[A-Z]{2,}))+\b")


def unmentioned_name(question: str, passages: list[str]) -> str:
    """Why the passages found cannot answer a question about a body or programme it names in
    full: none of them says the name, or its initials ("the Care Quality Commission" in an
    index of Ofsted reports). Not a council's name ("North Lincolnshire Council"): many
    records never state their council in the text."""
    text = " ".join(passages)
    lowered = " ".join(re.findall(r"[a-z0-9]+", text.lower()))
    question = question.strip()
    # A council's name says whose records are asked about, which the search weighs already.
    places = [m.span() for m, _council, _weight in iter_councils(question)]
    for m in _NAME.finditer(question):
        if m.start() == 0 or council_by_form(m[0]) or any(
                a < m.end() and m.start() < b for a, b in places):
            continue
        words = re.findall(r"[A-Za-z]+", m[0])
        capital = [w for w in words if w[0].isupper()]
        if len(capital) < 3 or any(w.lower() in MONTHS for w in capital):
            continue
        if " ".join(w.lower() for w in words) in lowered:
            continue
        if re.search(rf"\b{''.join(w[0] for w in capital)}\b", text):
            continue
        return f"The passages found do not mention the {m[0]}."
    return ""


# "Which Somerset secondary schools were judged inadequate?": the things whose grades are asked.
_GRADED_ASKED = re.compile(r"^\s*which\s+((?:[\w’'-]+\s+){1,5}?)(?:were|was|are|is|have been|"
                           r"has been|got|received)\s+(?:\w+\s+)?(?:judged|rated|graded|found)\b",
                           re.I)
# The records' own words for what they grade: any of these may be what the question means.
_GRADED_PARTS = frozenset("""area areas part parts aspect aspects service services judgement
judgements judgment judgments element elements bit bits one ones""".split())


# "How did Ofsted rate X's adult social care services?": the service whose grade is asked.
_RATED_SERVICE = re.compile(r"\b(?:rate|rated|grade|graded|judge|judged|rating|grades?)\b"
                            r"[^?]{0,40}?[’']s\s+((?:[a-z][\w-]*\s+){1,3}?)services?\b")


def unmentioned_graded(question: str, passages: list[str]) -> str:
    """Why the passages found cannot say which things were given a grade: they never mention
    the things asked about (a report on children's services grades no secondary schools,
    and no adult social care services)."""
    if r := _RATED_SERVICE.search(question):
        said = " ".join(re.findall(r"[a-z0-9]+", " ".join(passages).lower()))
        if " ".join(re.findall(r"[a-z0-9]+", r[1].lower())) not in said:
            return f"The passages found do not mention {' '.join(r[1].split())} services."
    m = _GRADED_ASKED.search(question)
    if not m:
        return ""
    what = m[1].split(" of ")[-1]  # "which bit of X's services": the services
    asked = [w for w in what.split() if not w[0].isupper() and w.lower() not in STOPWORDS
             and w.lower() not in _GRADED_PARTS and w.lower() not in GENERIC_WORDS]
    said = Words(word_set(" ".join(passages)))
    missing = [w for w in asked if not said.has(w.lower().strip("’'"))]
    return f"The passages found do not mention {' '.join(asked)}." if missing else ""
