"""Where a sentence sits in its passage: under which heading, and whether as an item of a
list. What a record lists under "What needs to improve" is what it says should change; the
same words in running prose are a finding."""

from __future__ import annotations

import re

_BULLETS = "◼•▪■●◦‣\uf06e\uf0a7\uf0b7\uf02d\\-–−"  # a character class's contents
_LIST_ITEM = re.compile(rf"^\s*(?:[{_BULLETS}]|\(?\d{{1,2}}[.)]|\(?[a-z][.)])\s")


def listed_under(passage: str, heading: str, sentence: str, at: int | None = None,
                 before: str = "") -> str:
    """The heading a sentence sits under, marked "•" when the sentence is an item of a list
    under it; "" when the sentence is neither a list item nor right under its heading. The
    heading is the last heading line of the passage before the sentence (``at``, its offset
    in the passage), else the passage's own heading when the passage opens with it: every
    passage of a section carries the section's heading, but only what follows it closely is
    what the heading names. A passage that opens inside a list (its cut fell between two
    items) continues the list begun in ``before``, the record's text before the passage."""
    inner = _last_heading(passage[:at]) if at else ""
    if not inner and before and _LIST_ITEM.match(sentence):
        inner = _list_heading(before + passage[:at or 0])
    if inner:
        heading = inner
    elif not heading or not passage.lstrip()[:len(heading) + 4].lower().startswith(
            heading.lower()[:40]):
        heading = heading if heading and _LIST_ITEM.match(sentence) else ""
    if not heading:
        return ""
    return "•" + heading if _LIST_ITEM.match(sentence) else heading


def _list_heading(text: str) -> str:
    """The heading of the list ``text`` ends inside: back over its items (and their wrapped
    lines, which go on in lower case) to the line that heads them; "" when prose comes first."""
    for line in reversed(text.splitlines()):
        line = line.strip()
        if not line or _LIST_ITEM.match(line) or line[:1].islower():
            continue
        return line if _HEADING_LINE.match(line) else ""
    return ""


def headings_in(text: str) -> list[str]:
    """The heading lines of a passage ("What needs to improve?" inside a page's text)."""
    return [line.strip() for line in text.splitlines() if _HEADING_LINE.match(line.strip())]


def _last_heading(text: str) -> str:
    found = headings_in(text)
    return found[-1] if found else ""


# A line that heads what follows: short, not a list item, not a sentence or "label: value".
_HEADING_LINE = re.compile(rf"^(?![{_BULLETS}])[^:\n]{{3,100}}"
                           r"(?<![.;,:])$")
