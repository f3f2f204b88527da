"""Where a sentence sits in its passage: under which heading, and whether as an item of a
list. What a record lists under "What needs to improve" is what it says should change; the
same words in running prose are a finding."""

from __future__ import annotations

import re

_LIST_ITEM = re.compile(r"^\s*(?:[◼•▪■●◦‣\uf06e\uf0a7\uf0b7\uf02d\-–]|\(?\d{1,2}[.)]|"
                        r"\(?[a-z][.)])\s")


def listed_under(passage: str, heading: str, sentence: str, at: int | None = None) -> str:
    """The heading a sentence sits under, marked "•" when the sentence is an item of a list
    under it; "" when the sentence is neither a list item nor right under its heading. The
    heading is the last heading line of the passage before the sentence (``at``, its offset
    in the passage), else the passage's own heading when the passage opens with it: every
    passage of a section carries the section's heading, but only what follows it closely is
    what the heading names."""
    inner = _last_heading(passage[:at]) if at else ""
    if inner:
        heading = inner
    elif not heading or not passage.lstrip()[:len(heading) + 4].lower().startswith(
            heading.lower()[:40]):
        heading = heading if heading and _LIST_ITEM.match(sentence) else ""
    if not heading:
        return ""
    return "•" + heading if _LIST_ITEM.match(sentence) else heading


def headings_in(text: str) -> list[str]:
    """The heading lines of a passage ("What needs to improve?" inside a page's text)."""
    return [line.strip() for line in text.splitlines() if _HEADING_LINE.match(line.strip())]


def _last_heading(text: str) -> str:
    found = headings_in(text)
    return found[-1] if found else ""


# A line that heads what follows: short, not a list item, not a sentence or "label: value".
_HEADING_LINE = re.compile(r"^(?![◼•▪■●◦‣\uf06e\uf0a7\uf0b7\uf02d\-–])[^:\n]{3,100}"
                           r"(?<![.;,:])$")
