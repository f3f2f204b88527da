"""The kind of thing a question asks for (a person, a date, a number, a rating), found by the
question's interrogative form alone; how well a sentence holds it is ``fit.kind_fit``.

A kind is a property of the question's grammar ("when", "how many", "who", "how did X rate"),
never of its topic, so it carries to records and wordings nobody here has seen.
"""

from __future__ import annotations

import re

from .dates import (
    DAY_DATE,
    DURATION,
    MONTH_YEAR,
    OFTEN,
    SMALL_NUMBERS,
    WHEN_WORDS,
)
from .grades import WHETHER_VERBS, asking_clause
from .kinds import COMPARED_EARLIER, LOOKS_BACK
from .people import PERSON as _PERSON
from .people import Body
from .people import Person as _Person
from .vocabulary import word_set


class _Rated:
    """Whether a sentence is a rated field: a label with a short value after it ("Overall
    effectiveness: Good"), which is how a record states a rating, score or verdict. A value
    that is a date, a number or a person's name ("Inspection dates: 7 to 18 November",
    "Lead inspector: A Name") is a field, not a rating. Asked for an earlier rating ("at its
    previous inspection", "before 2023"), a record's own rated fields are its current
    verdicts; the earlier one is stated in prose ("... when services were judged ...")."""

    def __init__(self, earlier: bool = False) -> None:
        self.earlier = earlier

    @staticmethod
    def search(text: str) -> bool:
        label, sep, value = text.strip().partition(":")
        return (bool(sep) and 0 < len(value.split()) <= 6 and 3 <= len(label) <= 120
                and not _DIGIT.search(value) and not _PERSON.search(text))


# A sentence that reports a rating in prose ("... when services were judged to be ...").
_RATING_VERB = re.compile(r"\b(?:judged|judgements?|judgments?|rated|rating|graded|grade|"
                          r"scored|assessed as|found to be)\b", re.I)
_DIGIT = re.compile(r"\d")



class Listing:
    """What a record says should change: the items listed under a heading of improvements,
    recommendations or actions, or a sentence that states a need ("... need to be
    strengthened", "... should ...")."""

    WORDS = ("improve", "improvement", "improvements", "recommendation", "recommendations",
             "priority", "actions")
    SECTION = re.compile(r"\b(?:improv\w*|recommend\w*|priority actions?|areas? for|"
                         r"next steps|actions? (?:plan|required|needed))\b", re.I)
    # "should" as a modal ("should be", "should ensure"), not a condition ("should this change").
    NEED = re.compile(r"\bneed(?:s|ed)? to\b(?!\s*[.,;])|\bshould\b(?!\s+(?:this|that|these|"
                      r"those|the|a|an|any|there|it|they|he|she|we|you)\b)|\bmust\b|"
                      r"\brecommend\w*", re.I)

    def fit(self, text: str, heading: str) -> float:
        listed = bool(heading) and bool(self.SECTION.search(heading.lstrip("•")))
        if listed and heading.startswith("•"):
            return 1.0  # an item of the list
        return 0.8 if listed or self.NEED.search(text) else 0.2

_IMPROVE = Listing()
# "What improvement did Ofsted note in X?", "What improvements had been made?": a change found.
_SEEN = r"(?:noted|notes|note|found|saw|seen|observed|reported|made|achieved|recogni[sz]ed)"
_IMPROVEMENT_SEEN = re.compile(rf"\bimprov\w*\b[^?]{{0,40}}\b{_SEEN}\b|\b{_SEEN}\b[^?]{{0,40}}"
                               r"\bimprov\w*", re.I)
# "What concern did inspectors raise about X?": what is wrong, which a record states in
# words of shortfall ("... is not", "too slow", "lack of", "poor"); a sentence without them
# says what is right, or only names the area.
_SHORTFALL = re.compile(r"\b(?:not|no|never|without|unable|lacks?|lacking|too|insufficient\w*|"
                        r"poor\w*|weak\w*|inconsistent\w*|variable|delay\w*|late|slow\w*|"
                        r"limited|ineffective|inadequate|unlawful\w*|unsuitable|unsafe|fail\w*|"
                        r"concern\w*|gaps?|deficit\w*|shortfalls?|declin\w*|stall\w*|variability|"
                        r"deteriorat\w*|impaired|unclear|absent|only|[a-z]+n[’']t)\b", re.I)
# Words in which a record judges what it describes, for better or worse.
_APPRAISAL = re.compile(rf"{_SHORTFALL.pattern}|\b(?:strong\w*|strength\w*|effective\w*|good|"
                        r"outstanding|excellent|exceptional\w*|impressive|high[- ]quality|"
                        r"robust|timely|thorough|creative|positive\w*|successful\w*|skilled|"
                        r"comprehensive|well[- ]\w+|works? well|improved|valued)\b", re.I)
_RATED = _Rated()
# "Did X improve?", "how quickly has it improved": whether something changed.
_CHANGE_ASKED = re.compile(r"\b(?:did|does|do|has|have|had)\s+(?:(?!(?:to|wants?|wanted|ask|asked|"
                           r"say|said|tell|told|needs?|needed|expect\w*|requir\w*|recommend\w*|"
                           r"should|must)\b)[\w’']+\s+){0,4}?improved?\b", re.I)
_RATED_EARLIER = _Rated(earlier=True)
# Asked about a time before the record's: "previous inspection", "before 2023", "before the
# December 2022 one", "had X last been"
_EARLIER = re.compile(r"\b(?:previous|prior|earlier|preceding)\b|\bbefore\s+(?:the\s+|its\s+)?"
                      r"(?:(?:\w+\s+)?(?:19|20)\d\d|\S+\s+(?:inspection|visit|review))|\blast\s+been\b|"
                      r"\blast\s+(?:full\s+)?(?:inspection|visit|review)\b|"
                      r"\bhad\b[^?]{0,60}\b(?:received|been|got|given|judged|rated)\b", re.I)
# A sentence that places a rating in the past ("since the last inspection in 2019, when ...").
_BEFORE_NOW = re.compile(r"\b(?:previous|prior|last|earlier|since|was|were|had been)\b", re.I)
_FUTURE = re.compile(r"\b(?:will|would|due(?!\s+to\b)|expected|planned|next)\b|"
                     r"\b(?:by|no later than)\s+(?:the end of\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?"
                     r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|(?:19|20)\d\d)", re.I)
_PAST = re.compile(r"\b(?:previous|prior|last|earlier)\b", re.I)
_SINCE = re.compile(r"\bsince\s+(?:[\w’'-]+\s+){0,5}?(?:19|20)\d\d\b", re.I)
_AMOUNT = re.compile(r"[£$€]\s?\d|\d\s?%|\bper cent\b", re.I)
_NUMBER = re.compile(rf"\d|\b(?:one|{SMALL_NUMBERS}|twenty|hundred|thousand|half|quarter|"
                     r"third|halved|doubled|tripled|trebled|twice)\b", re.I)


class _Count:
    """ "How many": a count, which a sum of money does not give (its own kind, so that a
    sentence's fit can tell it from an amount)."""

    @staticmethod
    def search(text: str) -> re.Match[str] | None:
        return _NUMBER.search(text)


_COUNT = _Count()
# "no children", "none of the care leavers"; not "no longer", "no more than", "no later".
_NONE = re.compile(r"\b(?:no|none of the)\s+(?!(?:longer|more|less|later|sooner|doubt|"
                   r"matter|fewer)\b)(?:\w+\s+)?([a-z]{3,})", re.I)
# A label whose value names a person ("Lead inspector: Steve Lowe", "Chair: Cllr A Smith").
_PERSON_FIELD = re.compile(r"^[^:\n]{3,60}:\s*(?:[A-Z][\w’'.-]*\s*){2,5}(?:,|\n|$)")
# A label whose value is a date ("Inspection dates: 7 to 18 November 2022").
_DATE_FIELD = re.compile(rf"^[^:\n]{{3,80}}:\s*(?:{DAY_DATE.pattern}|{MONTH_YEAR.pattern}|\d)",
                         re.I)
# Why something is so: a sentence giving a cause ("... due to a lack of police capacity",
# "This led to ...", "... has contributed to a deterioration").
CAUSE = re.compile(r"\b(?:because|due (?:in (?:large )?part )?to|owing to|as a (?:direct )?result|"
                   r"result(?:s|ed)? (?:in|from)|led to|leads? to|contribut\w* to|caused|causes?|"
                   r"hinder\w*|so that|therefore|consequently|reasons?|driven by|affected by|"
                   r"in response to|at the request of|following|(?:compounded|exacerbated) by|"
                   r"attributed to|stems? from|linked to|(?:has |have |had )?meant that|"
                   r"means? that)\b", re.I)
# How a quantity moved ("has increased rapidly", "fell from 12% to 9%"): what "how had the
# number of X changed?" asks for.
TREND = re.compile(r"\b(?:increas\w*|decreas\w*|ris(?:e|es|en|ing)|rose|fall(?:s|en|ing)?|fell|"
                   r"grow(?:s|n|ing)?|grew|doubl\w*|halv\w*|trebl\w*|reduc\w*|declin\w*|"
                   r"drop(?:s|ped)?|up from|down from|fewer|higher than|lower than)\b", re.I)
_QUANTITY = r"(?:numbers?|proportion|percentage|rate|level|amount|use|figures?)"
# Whether something was there at all ("there being no social worker vacancies", "there were
# 12 children waiting"): what "Were there any X?" asks.
EXISTS = re.compile(r"\b(?:no|none|nobody|there (?:is|are|was|were|being|has been|have been|"
                    r"had been|remains?)|(?:has|have|had) (?:no|any)|\d+)\b", re.I)
# What a report is asked to have said: "what did inspectors find / say / conclude ...".
_FINDINGS = r"(?:say|find|think|make|conclude|report|note|observe)"
# The kind of thing a question asks for, by its interrogative form only.
_ASKS = (
    # "X came out good overall, so why ...?", "I want to know why ...".
    (re.compile(r"(?:^\s*|[,;:–—]\s+|\s-\s+)(?:and\s+|but\s+|so\s+)?why\b|"
                r"\b(?:know|explain|ask|tell (?:me|us))\s+why\b|"
                r"\bwhat (?:caused|led to|was the reason|were the reasons|explains?)\b|"
                r"\bfor what reason\b", re.I), CAUSE),
    (re.compile(r"^\s*(?:and\s+)?(?:who|whom|whose)\b|\bwhich (?:councillor|officer|member|"
                r"inspector|hmi|person|people)\b|\bwhat (?:is|was) the name of (?:\S+ ){0,4}?"
                r"(?:chief executive|head|manager|minister|secretary|executive)\b|"
                r"\bwhat (?:is|was) the name of (?:\S+ ){0,4}?"
                r"(?:councillor|member|leader|director|chair|mayor|officer|inspector|mp)\b",
                re.I), _PERSON),
    # "When ...?", and after a clause that places it: "Before the 2022 inspection, when had ...?"
    (re.compile(r"^\s*(?:and\s+)?when\b|[,;:–—]\s+when\s+(?=(?:was|were|is|are|did|does|do|had|"
                r"has|have|will|would)\b)|\b(?:what|which) (?:(?:was|were|is|are) the )?"
                r"(?:dates?|time|day|month|year)s?\b|\bby when\b|\bhow long ago\b|"
                r"\bover what period\b|\bon what (?:date|day)s?\b", re.I), WHEN_WORDS),
    # "... how the number of children educated at home had changed?"
    (re.compile(rf"\bhow\b[^?]{{0,60}}\b{_QUANTITY}\b[^?]{{0,60}}\b(?:changed|risen|fallen|"
                r"grown|moved|shifted|altered|gone (?:up|down))\b|"
                rf"\b(?:has|have|had|did)\b[^?]{{0,40}}\b{_QUANTITY}\b[^?]{{0,40}}\b(?:go(?:ne)? "
                r"(?:up|down)|rise|risen|fall|fallen|grow|grown|increased?|decreased?|"
                r"changed?)\b", re.I), TREND),
    # "What was the average length of care proceedings?": a span of time.
    (re.compile(r"\bhow long\b(?!\s+ago)|\bfor what (?:period|length of time)\b|\bwhat (?:was|"
                r"were|is|are) the (?:average |mean |median |typical )?(?:length|duration)s?\b",
                re.I), DURATION),
    (re.compile(r"\bhow (?:often|frequently)\b|\bat what (?:frequency|intervals?)\b", re.I),
     OFTEN),
    (re.compile(r"\bhow many\b|\bwhat number of\b|\bwhat (?:was|were|is|are) the (?:\w+ )?"
                r"number of\b|\bwhat (?:was|were|is|are) the (?:average|mean|median|typical)\b",
                re.I), _COUNT),
    # "How much had X improved since 2016?", "how much progress": how far something changed,
    # not an amount.
    (re.compile(r"\bat what age\b|\bhow old\b|\bhow many\b|"
                r"\bhow much\b(?!\s+(?:progress|improvement|change|difference)\b)"
                r"(?![^?]{0,60}?\b(?:improv|chang|progress|declin|deteriorat|worsen|develop|"
                r"recover|strengthen|weaken)e?d\b)|"
                r"\bwhat (?:proportion|percentage|number|share|amount|rate|budget|cost|sum|total|"
                r"figure)\b|\bwhat (?:was|were|is|are) (?:the )?(?:[\w’'-]+ ){0,5}?"
                r"(?:proportion|percentage|rate|share)\b(?=\s+(?:of|at|in|for)\b|\s*[?,]|\s*$)|"
                r"\bwhat (?:was|were|is|are|will be)\b[^?]{0,60}\b(?:total|budget|cost|spend|"
                r"spending|expenditure|overspend|underspend)\b"
                r"(?:\s+(?:for|in|of)\s+[\w/ -]{1,20})?\s*\??$",
                re.I), _NUMBER),
    (re.compile(r"\bhow (?:did|does|do|was|were|is|are|has|have|had)\b[^?]{0,80}?\b(?:rate|"
                r"rated|judge|judged|grade|graded|score|scored)\b|\b(?:what|which) (?:\S+ ){0,5}"
                r"(?:rating|judgement|judgment|grade|score|verdict)s?\b|\b(?:what|which) [^?]{0,60}"
                r"\b(?:was|were|is|are|been) (?:not )?(?:judged|rated|graded)\b|"
                r"\b(?:which|what) [^?]{0,60}\b(?:did|does|do) \w+ (?:judge|rate|grade)\b|"
                # "X was rated requires improvement overall. How did it do for care leavers?"
                r"\b(?:rated|judged|graded)\b[^?]{0,80}?[.;:–—,]\s+(?:but\s+|so\s+|and\s+)?how "
                r"(?:did|does|do|has|have) (?:\S+\s+){1,3}?(?:do|fare|fared|get on|got on)\b|"
                # "Were its services for care leavers inadequate as well?", "Did its care
                # leavers service get a good grade too?": whether an area had a grade.
                r"(?:^|[.;:–—]\s+|\s-\s+|,\s+(?:but|so)\s+)(?:and\s+)?(?:was|were|is|are)\b"
                r"(?:(?!\b(?:since|after|when|because|before|than)\b)[^?.]){0,100}\s"
                r"(?:(?:judged|rated|graded|also|still)\s+)*(?:good|outstanding|inadequate|"
                r"requires? improvement(?: to be good)?)(?:\s+(?:too|as well|also|overall))?\s*\?|"
                r"\b(?:get|got|receive|received|given|achieve|achieved|reach|reached|attain|"
                r"attained|earn|earned|secure|secured)\s+(?:an?|the)\s+(?:\S+\s+)?"
                r"(?:grade|rating|judge?ment)\b|"
                r"\bwhat (?:was|were|is|are) (?:\S+ ){1,4}?(?:judged|rated|graded)(?: as)?\s*"
                r"(?:at|in|after|by|\?|$)|"  # "What was it judged at the 2022 inspection?"
                # "Was any area graded lower than that?": a grade placed on the scale.
                r"\b(?:judged|rated|graded)\s+(?:below|lower|higher|above|better|worse)\b|"
                r"\b(?:better|higher|worse|lower|top|highest|best|lowest|worst)\s+"
                r"(?:grades?|ratings?|judge?ments?)\b|"
                # "Which services did Ofsted describe as outstanding?"
                r"\b(?:which|what)\b[^?]{0,60}\b(?:describe|described|call|called|consider|"
                r"considered|regard|regarded|find|found)\s+(?:to be\s+|as\s+)?(?:good|"
                r"outstanding|inadequate|requires? improvement(?: to be good)?)"
                r"(?=\s*(?:[?,]|$|(?:in|at|by|for|during|when|after)\b))|"
                # "Was any area judged good?", "Were any services rated outstanding?"
                r"\b(?:was|were|is|are) any (?:\S+ ){0,2}?(?:parts?|areas?|aspects?|"
                r"judge?ments?|services?)\s+(?:\S+\s+)?(?:judged|rated|graded)\b|"
                # "Which part of X's services was still not good?"
                r"\b(?:which|what) (?:\S+ ){0,2}?(?:parts?|areas?|aspects?|judge?ments?)\b"
                r"[^?]{0,60}\b(?:was|were|is|are)\s+(?:(?:still|only|also|not)\s+)*(?:good|outstanding|"
                r"inadequate|requires? improvement)\b", re.I), _RATED),
    # In lower case only: "the Improvement Board" names a body, it does not ask what to improve.
    # "improvement" as a noun's modifier ("the improvement notice", "improvement plan") names
    # a thing; as what is asked for ("improvement point", "improvement for X") it does not.
    (re.compile(r"\b(?:improve|improving|improvements|recommend\w*|priority actions?)\b|"
                r"\bimprovement\b(?=\s+(?:points?|areas?|actions?|for|to|in|did|was|were|is|"
                r"are|had|has)\b|\s*[?,.]|\s*$)|"
                r"\bwant\w*\b[^?]{0,60}\bimproved\b|\bneed(?:s|ed)? (?:to be )?improv|"
                r"\bwant(?:s|ed)?\s+(?:\S+\s+)?done\b|"  # "What did Ofsted want done about X?"
                r"\bneed(?:s|ed)?\s+(?:more|better|stronger|further)\b|"  # "needs more staff"
                r"\b(?:needs?|needed|should|must)\b[^?]{0,30}?\b(?:get|be|do|\w+) better\b|"
                r"\bareas? for\b|"
                # "What did Ofsted say X needed to do / get better / should work on?"
                r"\b(?:needs?|needed|tell|told|ask|asked|wants?|wanted|required)\b[^?]{0,30}?\bto "
                r"(?:do|change|address|tackle|fix|speed up|work on|sort out|put right|get right|"
                r"focus on)\b|"
                r"\b(?:should|must|needs? to) work on\b|\bstill needs? to\b|"
                r"\bneeds? (?:fixing|sorting|addressing|tackling|attention)\b|"
                r"\b(?:must|should|has to|have to|had to|needs? to) do\b|"
                # "Is there anything Ofsted still wasn't satisfied with?"
                r"\b(?:wasn't|was not|weren't|were not|isn't|is not|not)\s+(?:yet\s+|fully\s+)?"
                r"(?:satisfied|happy|pleased|content)\b"), _IMPROVE),
    (re.compile(r"\b(?:what|which|any)\b[^?]{0,30}?\b(?:concerns?|weakness(?:es)?|problems?|"
                r"gaps?|failings?|shortcomings?|criticisms?|deficienc(?:y|ies)|worr(?:y|ies)|"
                r"issues?|risks?)\b|"
                # "What was going wrong with ...?", "Where is X falling short?"
                r"\bwhat\b[^?]{0,30}?\b(?:going\s+)?wrong\b|\bfind\w*\s+(?:\S+\s+){0,2}?wrong\b|"
                r"\bfall(?:s|ing)?\s+short\b|\bhow (?:serious|bad|severe)\b", re.I),
     _SHORTFALL),
    # "What did inspectors find / say / think about X?", "How well does X work?": a judgement
    # of X, which a record states in words of praise or shortfall.
    (re.compile(rf"\bwhat did (?:\w+\s+){{0,3}}?{_FINDINGS}\b[^?]*?\b(?:about|of|on|regarding)\b|"
                r"\bhow (?:good|well|effective|strong)\b", re.I), _APPRAISAL),
    # "Were there any unfilled social worker posts in X?", when it asks for nothing else
    (re.compile(r"(?:^|[.;:,–—]\s+|\s-\s+)(?:and\s+|but\s+|so\s+)?(?:is|are|was|were|has|"
                r"have|had) there (?:been )?(?:any|enough|many|an?)\b", re.I), EXISTS),
)

Kind = re.Pattern[str] | _Person | _Rated | Listing | _Count | Body
# A clause that asks: a question word, or a verb opening a yes-or-no question.
_WH = re.compile(rf"\s*(?:what|which|where|who|whom|whose|when|why|how|can|could|will|"
                 rf"would|{WHETHER_VERBS})\b", re.I)


# "What expenses did X claim?", "What was X's overspend on Y?": a sum of money asked for.
_SUMS = r"(?:expenses|allowances?|budgets?|costs?|fees|spending|expenditure|overspend|" \
        r"underspend|salary|salaries|wages?|(?:council )?tax|precept|rents?)"
# The sum is the head of what is asked ("the cost of ..."), not a modifier ("cost pressures").
_HEAD_END = r"(?=\s*(?:$|[?,.;]|(?:of|for|on|in|at|to|by|per|and|was|were|is|are|did|does|do)\b))"
_MONEY_NAMED = re.compile(rf"^\s*(?:what|which)\s+(?:\w+\s+){{0,2}}{_SUMS}{_HEAD_END}|"
                          rf"^\s*what\s+(?:was|were|is|are)\s+(?:\S+\s+){{0,9}}?{_SUMS}"
                          rf"{_HEAD_END}|"
                          # "How big is X's budget gap for 2024/25?": a sum
                          rf"^\s*how (?:big|large|great)\s+(?:was|were|is|are)\s+"
                          rf"(?:\S+\s+){{0,6}}?(?:{_SUMS}|(?:budget |funding )?"
                          rf"(?:gap|deficit|shortfall)s?){_HEAD_END}", re.I)
_MONEY = re.compile(r"[£$€]\s?\d[\d,.]*(?:\s?(?:k|m|bn|million|billion)\b)?|"
                    r"\b\d[\d,.]*\s?(?:k|m|bn|million|billion)\b", re.I)



def asks_current_rating(kind: Kind | None) -> bool:
    """Whether a question of this kind asks for a record's own rating (not an earlier one)."""
    return kind is _RATED


def earlier_rating(kind: Kind | None) -> Kind | None:
    """The kind of a rating question asked of a year none of the records found is from ("at
    its 2014 inspection", of a 2018 report): an earlier grade, which a record states in prose
    where it looks back, not in its own rated fields."""
    return _RATED_EARLIER if kind is _RATED else kind


def asks_back(kind: Kind | None) -> bool:
    """Whether a question of this kind is answered where a record looks back to an earlier
    one: a comparison with it, or the grade it gave."""
    return kind is LOOKS_BACK or kind is _RATED_EARLIER


def rated_fields(text: str) -> int:
    """How many of a passage's lines are rated fields ("Overall effectiveness: Good")."""
    return sum(1 for line in text.splitlines() if _RATED.search(line))


def asks_record_form(question: str) -> bool:
    """Whether the question asks for something a record states in a form of its own: the
    items of a list of what should change, or a rated field."""
    return isinstance(answer_kind(question), (Listing, _Rated))


# "Who runs / delivers / provides X": done by a body (a trust, a company) as often as a person.
_BODY_ASKED = re.compile(r"^\s*who (?:\w+ )?(?:runs|ran|delivers|delivered|provides|provided|"
                         r"operates|operated|manages|managed|commissions|commissioned)\b", re.I)


# "Which organisation / agency / other council ...?": a body is asked for.
_CALLED = re.compile(r"\b(?:called|named|known as)\b", re.I)
_ORG_ASKED = re.compile(r"\bwhat (?:is|are|was|were)\b[^?]{0,60}\b(?:called|named|known as)\b|"
                        r"\bwhich (?:\w+\s+){0,2}?(?:organi[sz]ations?|bod(?:y|ies)|"
                        r"compan(?:y|ies)|agenc(?:y|ies)|trusts?|providers?|charit(?:y|ies)|councils?|"
                        r"authorit(?:y|ies))\b", re.I)


# "What did inspectors / Ofsted / the 2019 report find ...", "the line inspectors said gave
# poor advice": who is asked, not what about.
_ASKED_OF = re.compile(rf"\bwhat did ((?:\w+[’']?s?\s+){{1,3}}?){_FINDINGS}\b|"
                       r"\b(inspectors?|ofsted|hmi)\s+(?:said|say|says|found|finds|described|"
                       r"thought|noted|reported|judged)\b", re.I)
_CONTRACTED = re.compile(r"\b(what|who|when|where|how)[’']s\b", re.I)


def asked_of(question: str) -> set[str]:
    """The words naming whose findings a question asks for ("inspectors", "Ofsted"): every
    sentence of a report is theirs, so these words do not tell the answer from the rest."""
    return {re.sub(r"[’']s?$", "", w.lower()) for m in _ASKED_OF.finditer(question)
            for w in (m[1] or m[2]).split()}


def answer_kind(question: str) -> Kind | None:
    """What a sentence must hold to answer: a person, a date, a number; None for others."""
    question = _CONTRACTED.sub(r"\1 is", question)  # "What's X called?"
    found = next(((m, holds) for asks, holds in _ASKS if (m := asks.search(question))), None)
    kind = found[1] if found else None
    asking = asking_clause(question)
    if (kind is _RATED and found and found[0].end() <= len(question.strip()) - len(asking)
            and _WH.match(asking)):
        # "X got a good grade, but what did Ofsted want done about ...?": a grade stated
        # before the question asks something else.
        return answer_kind(asking)
    if kind is _IMPROVE and _IMPROVEMENT_SEEN.search(question):
        return None  # an improvement made, not one still needed
    if kind is _IMPROVE and _CHANGE_ASKED.search(question):
        # "How quickly did it improve afterwards?" asks whether things changed, not what should
        rest = _CHANGE_ASKED.sub(" ", question)
        kind = next((holds for asks, holds in _ASKS if asks.search(rest)), None)
    if (kind is _PERSON and _BODY_ASKED.search(question)) or (
            kind is None and _ORG_ASKED.search(question)):
        # "Who runs X's children's services?", "Which organisation delivers ...?": a body
        return Body(word_set(question), called=bool(_CALLED.search(question)))
    if kind is None and _MONEY_NAMED.search(question):
        return _NUMBER  # "What was X's overspend on Y in 2012?" asks for a sum
    if kind is None and COMPARED_EARLIER.search(question):
        return LOOKS_BACK  # compared with an earlier record: where the record looks back
    # "X had been judged inadequate before. How was it graded in 2024?" asks of the record
    # itself: only the asking clause places the grade in the past.
    return _RATED_EARLIER if kind is _RATED and _EARLIER.search(asking) else kind
