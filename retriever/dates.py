"""How records and questions state dates and spans of time: the patterns of a date's precision,
of durations, frequencies and ages, and the dates a question starts from (which are where its
answer is placed, not the answer)."""

from __future__ import annotations

import re

# "May" in lower case is the verb ("children aged 17 may miss ..."), not a month.
MONTH = (r"(?:January|February|March|April|(?-i:May|MAY)|June|July|August|September|October|"
         r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)")
WHEN_WORDS = re.compile(rf"\b{MONTH}\b|"
                        r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{1,2}[.:]\d\d\s*(?:am|pm|a\.m|p\.m)|"
                        r"\b(?:19|20)\d\d\b", re.I)
# How precisely a sentence dates something: a day ("6 and 8 October", "1 April 2010", 3/4/21)
# or a time of day answers "when" better than a month, and a month better than a bare year.
DAY_DATE = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:(?:and|to|-|–)\s+\d{{1,2}}"
                      rf"(?:st|nd|rd|th)?\s+)?{MONTH}\b|\b{MONTH}\s+\d{{1,2}}\b|"
                      r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|"
                      r"\b\d{1,2}[.:]\d\d\s*(?:am|pm|a\.m|p\.m)", re.I)
MONTH_YEAR = re.compile(rf"\b{MONTH}\s+(?:19|20)\d\d\b", re.I)
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
ANY_DATE = re.compile(rf"{DAY_DATE.pattern}|{MONTH_YEAR.pattern}|\b(?:19|20)\d\d(?:/\d\d)?\b",
                      re.I)


# Numbers written as words, two to twelve (larger ones are written in digits).
SMALL_NUMBERS = "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
# How long something takes or lasts: "up to two years", "within 20 working days".
DURATION = re.compile(rf"\b(?:\d+(?:\.\d+)?|one|{SMALL_NUMBERS}|eighteen|twenty|thirty|several|"
                      r"a few|many)[\s-]+(?:working\s+)?(?:hours?|days?|weeks?|months?|years?)\b|"
                      r"\b(?:an?|one)\s+(?:hour|day|week|fortnight|month|year)\b", re.I)
# "When will ...?" answered by a span of time from now: "within approximately 18 months".
WITHIN = re.compile(rf"\b(?:within|in|after)\s+(?:the\s+next\s+|approximately\s+|about\s+|"
                    rf"around\s+)?(?:{DURATION.pattern})", re.I)
# How often something happens: "monthly", "every six weeks", "twice a year".
OFTEN = re.compile(r"\b(?:daily|weekly|fortnightly|monthly|bi-?monthly|quarterly|annually|"
                   r"yearly|bi-?annually|every (?:\w+ )?(?:day|week|month|quarter|year)s?|"
                   r"(?:once|twice|\w+ times) (?:a|per|each|every) (?:\w+ )?(?:day|week|month|"
                   r"quarter|year)s?|frequency)\b", re.I)
# An age, which counts no one: "aged 16 and 17 years", "16- and 17-year-olds", "18 years old".
AGE = re.compile(r"\baged?\s+(?:up to\s+|over\s+|under\s+)?\d+(?:\s*(?:-|–|to|and)\s*\d+)?"
                 r"(?:\s+years?)?|\b\d+-?\s*(?:(?:and|to|–|-)\s*\d+)?[\s-]*years?[\s-]olds?\b",
                 re.I)


# A date the question starts from, not one it asks for: after "before", "since" ... ("before
# the one in March 2022"), or of the record it is asked from ("according to Ofsted's November
# 2024 inspection"; but "when did Ofsted carry out its 2022 inspection" asks for that date).
_REFERENCE = re.compile(rf"\b(?:before|after|since|prior to|following)\b(?:\s+\S+){{0,3}}?\s+"
                        rf"(?P<a>(?:{MONTH}\s+)?(?:19|20)\d\d)\b|"
                        r"\b(?:according to|as (?:noted|stated|reported) in|in)\s+"
                        rf"(?:\S+\s+){{0,2}}?(?P<b>(?:{MONTH}\s+)?(?:19|20)\d\d)\s+(?:\w+\s+)?(?:inspection|"
                        r"visit|report|review|letter)s?\b", re.I)
MONTH_OR_YEAR = re.compile(rf"(?P<m>{MONTH})|(?P<y>(?:19|20)\d\d)", re.I)

Moment = tuple[str, str]  # (year, month in lower case or "")


def reference_dates(question: str) -> list[Moment]:
    """The dates a question starts from (see ``_REFERENCE``): an answer does not repeat them."""
    return [m for r in _REFERENCE.finditer(question)
            for m in _moments(r.group("a") or r.group("b"))]


def _moments(text: str) -> list[Moment]:
    """The months and years a text names, a month joined to the year just after it."""
    out: list[Moment] = []
    months: list[str] = []  # months still waiting for their year ("4 October to 15 October 2021")
    end = -1
    for m in MONTH_OR_YEAR.finditer(text):
        if m.group("y"):
            if months and m.start() - end <= 2:
                out += [(m.group("y"), month) for month in months]
            else:
                out += [("", month) for month in months] + [(m.group("y"), "")]
            months = []
        else:
            if months and not re.fullmatch(r"[\s\d]*(?:to|and|-|–)[\s\d]*", text[end:m.start()]):
                out += [("", month) for month in months]
                months = []
            months.append(m.group("m").lower()[:3])
            end = m.end()
    return out + [("", month) for month in months]


def dates_given(text: str, known: list[Moment]) -> bool:
    """Every date the sentence holds falls within a date the question starts from, so none
    is the date asked for ("When was the focused visit before the December 2019
    inspection?" is not answered by "Inspection dates: 2 to 6 December 2019")."""
    if not known:
        return False
    dates = _moments(text)
    return bool(dates) and all(
        year and any(year == y and (not m or m == month) for y, m in known)
        for year, month in dates)


def made_in(years: list[str], made: str | None, published: str | None) -> bool:
    """Whether a record is of a year a question names: its fieldwork's year, the next (a
    report on a November inspection is published in January) or its stated publication
    year. An undated record may be of any."""
    if not made:
        return True
    year = int(made[:4])
    return bool(set(years) & {str(year), str(year + 1), (published or "")[:4]})
