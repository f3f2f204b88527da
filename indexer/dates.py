"""Dates as councils write them: ``14TH JANUARY 2014``, ``THURSDAY, 13 SEPTEMBER, 2012``,
``Tuesday 16 October 2018``, ``28th February – 3rd March 2022``, ``16/10/2018``.

Returned as ISO strings so that filters and sorting compare them as text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9

_MONTH = (r"(?P<{name}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
          r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
_DAY = r"(?P<{name}>[0-3]?\d)(?:st|nd|rd|th)?"

SINGLE = re.compile(
    r"\b" + _WEEKDAY + _DAY.format(name="d") + r",?\s+(?:of\s+)?" + _MONTH.format(name="m")
    + r"\.?,?\s+(?P<y>(?:19|20)\d\d)\b", re.I)
RANGE = re.compile(
    r"\b" + _WEEKDAY + _DAY.format(name="d1") + r"(?:\s+" + _MONTH.format(name="m1") + r")?"
    r"(?:\s+(?P<y1>(?:19|20)\d\d))?\s*(?:[–—-]|to|and)\s*" + _WEEKDAY + _DAY.format(name="d2")
    + r"\s+" + _MONTH.format(name="m2") + r",?\s+(?P<y2>(?:19|20)\d\d)\b", re.I)
NUMERIC = re.compile(r"\b(?P<d>[0-3]?\d)[/.](?P<m>[01]?\d)[/.](?P<y>(?:19|20)\d\d)\b")
ISO = re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")
MONTH_YEAR = re.compile(r"\b" + _MONTH.format(name="m") + r"\s+(?P<y>(?:19|20)\d\d)\b", re.I)


@dataclass(frozen=True, slots=True)
class FoundDate:
    iso: str
    start_iso: str | None
    char_start: int
    char_end: int


def _iso(year: str | int, month: str | int, day: str | int) -> str | None:
    try:
        m = month if isinstance(month, int) else MONTHS.get(str(month).lower()[:4].rstrip("."),
                                                            MONTHS.get(str(month).lower()[:3]))
        if m is None:
            m = int(month)
        return dt.date(int(year), int(m), int(day)).isoformat()
    except (TypeError, ValueError):
        return None


def find_dates(text: str) -> list[FoundDate]:
    """All full dates in ``text`` in reading order; a range counts once, as its last day."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for match in RANGE.finditer(text):
        g = match.groupdict()
        end = _iso(g["y2"], g["m2"], g["d2"])
        start = _iso(g["y1"] or g["y2"], g["m1"] or g["m2"], g["d1"])
        if end and start and start <= end:
            found.append(FoundDate(end, start, match.start(), match.end()))
            taken.append(match.span())
    for pattern in (SINGLE, NUMERIC, ISO):
        for match in pattern.finditer(text):
            if any(a <= match.start() < b for a, b in taken):
                continue
            g = match.groupdict()
            iso = _iso(g["y"], g["m"], g["d"])
            if iso:
                found.append(FoundDate(iso, None, match.start(), match.end()))
                taken.append(match.span())
    found.sort(key=lambda f: f.char_start)
    return found


def parse_date(text: str) -> str | None:
    """The first date in ``text`` (ISO), or None; used for user-typed filter values too."""
    text = text.strip()
    if re.fullmatch(r"(19|20)\d\d", text):
        return f"{text}-01-01"
    dates = find_dates(text)
    return dates[0].iso if dates else None
