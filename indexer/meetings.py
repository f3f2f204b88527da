"""Meetings inside a record: an agenda pack carries the minutes of the previous meeting, for
approval, under that meeting's own heading ("AUDIT COMMITTEE / 24 SEPTEMBER 2009 / PRESENT:
..."). A decision quoted from them was made on that day, not on the day of the meeting the
pack is for; dated by the pack, it would tell a councillor the wrong meeting. Their items are
numbered afresh ("2 MINUTES OF THE MEETING HELD ON 23 JUNE 2009"), not after the agenda's.
"""

from __future__ import annotations

import re

from .dates import find_dates

# The start of an attendance list, which opens the record of a meeting: "PRESENT:",
# "Present:" or "Members present" on a line of its own.
_PRESENT = re.compile(r"^[ \t]*(?:(?i:members|councillors)[ \t]+)?"
                      r"(?:(?i:present)[ \t]*(?::|$)|PRESENT\b)", re.M)
_HEADER = 300  # how far before the list the meeting's date is looked for


def meeting_dates(text: str) -> list[tuple[int, str]]:
    """Where each meeting recorded in ``text`` starts, and its date (ISO): the last full date
    in the lines just before its attendance list. Empty when the record names none."""
    out: list[tuple[int, str]] = []
    for m in _PRESENT.finditer(text):
        lo = max(0, m.start() - _HEADER)
        found = find_dates(text[lo:m.start()])
        if found:
            out.append((lo + found[-1].char_start, found[-1].iso))
    return out


def meeting_on(starts: list[tuple[int, str]], offset: int) -> str | None:
    """The date of the meeting whose record holds ``offset``, or None before the first."""
    date = None
    for start, iso in starts:
        if start > offset:
            break
        date = iso
    return date
