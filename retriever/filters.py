"""What a search may be restricted to, and how every face reads dates typed by people.

Apart from the result shapes (``results``) because filters are input: the CLI's options, the
API's query parameters and body, and the TUI's filter bar all build one ``Filters`` here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import asdict, dataclass
from typing import Any

from indexer.dates import find_dates
from indexer.errors import QueryError

FILTER_ALIASES = {"date_from": "since", "date_to": "until"}  # the API's names before 0.2
_YEAR = re.compile(r"(\d{4})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
DATE_HELP = "use a year (2014), a month (2014-03) or a day (2014-03-05)"


def parse_day(value: str, *, end: bool = False, name: str = "since") -> str:
    """One ISO day from what people type for ``since``/``until``, on every face.

    A year or a month stands for its first day as ``since`` and its last day as ``until``, so
    ``--since 2014 --until 2014`` means the whole of 2014. Written dates ("14 January 2014",
    "14/01/2014", read day first as UK councils write them) are accepted when the whole value
    is one date. Anything else raises ``QueryError`` naming the value and the accepted forms.
    """
    text = str(value).strip()
    try:
        if m := _YEAR.fullmatch(text):
            return (dt.date(int(m[1]), 12, 31) if end else dt.date(int(m[1]), 1, 1)).isoformat()
        if m := _MONTH.fullmatch(text):
            year, month = int(m[1]), int(m[2])
            last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
            return dt.date(year, month, last if end else 1).isoformat()
        found = find_dates(text)
        if len(found) == 1 and found[0].char_start == 0 and \
                not text[found[0].char_end:].strip(" .,"):
            return found[0].iso
    except ValueError:
        pass
    raise QueryError(f"{name} {text!r} is not a date; {DATE_HELP}.")


@dataclass(slots=True)
class Filters:
    """Restrictions applied before ranking. ``since``/``until`` are ISO ``YYYY-MM-DD`` days,
    inclusive; build them from user input with ``Filters.parse`` so every face accepts the
    same forms and gives the same messages."""

    council: str | None = None
    committee: str | None = None
    doc_type: str | None = None
    since: str | None = None
    until: str | None = None

    def is_empty(self) -> bool:
        return not any(asdict(self).values())

    def merged(self, other: Filters | None) -> Filters:
        """``self`` with the empty fields filled from ``other`` (explicit filters win)."""
        if other is None:
            return Filters(**asdict(self))
        mine, theirs = asdict(self), asdict(other)
        return Filters(**{k: mine[k] if mine[k] else theirs[k] for k in mine})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def parse(cls, *, council: str | None = None, committee: str | None = None,
              doc_type: str | None = None, since: str | None = None,
              until: str | None = None) -> Filters:
        """Filters from user input: years, months or dates for ``since``/``until``; a range
        that ends before it starts is an error rather than a silently empty result."""
        start = parse_day(since, name="since") if since else None
        end = parse_day(until, end=True, name="until") if until else None
        if start and end and start > end:
            raise QueryError(f"since {since} is after until {until}: nothing can match; "
                             "swap them or drop one.")
        return cls(council=(council or "").strip() or None,
                   committee=(committee or "").strip() or None, doc_type=doc_type or None,
                   since=start, until=end)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Filters:
        """``parse`` over a mapping (the API's ``filters`` object), where ``date_from`` and
        ``date_to`` still mean ``since`` and ``until``; an unknown key is an error."""
        values: dict[str, Any] = {}
        unknown = []
        for key, value in (data or {}).items():
            name = FILTER_ALIASES.get(key, key)
            if name not in cls.__slots__:
                unknown.append(key)
            elif value not in (None, ""):
                if name in ("since", "until"):  # messages name the key the caller used
                    value = parse_day(value, end=name == "until", name=key)
                if values.get(name) not in (None, value):
                    raise QueryError(f"{key} repeats {name} with another value; give one.")
                values[name] = value
        if unknown:
            raise QueryError(f"unknown filter {', '.join(map(repr, unknown[:5]))}; filters are "
                             f"{', '.join(cls.__slots__)}.")
        return cls.parse(**values)


def check_council(filters: Filters, councils: list[str], *, shown: int = 12) -> None:
    """Refuse a council filter that no document matches, listing the councils held.

    Without this a misspelt or absent council gives an empty result that reads like "the
    records say nothing", when the truth is "this index holds no records from there".
    """
    from indexer.gazetteer import council_matches

    if not filters.council or any(council_matches(filters.council, c) for c in councils):
        return
    names = ", ".join(councils[:shown]) or "none (the index is empty)"
    more = f" and {len(councils) - shown} more" if len(councils) > shown else ""
    raise QueryError(f"No records from a council matching {filters.council!r} in this index; "
                     f"it holds {names}{more}.")
