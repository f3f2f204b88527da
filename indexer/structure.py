"""Minute items and headings, with the spans they govern.

A heading is accepted only when it fits the numbering seen so far (minute numbers rise; a list
that restarts at "1." inside a resolution is not a new item), so the same rules work on any
council's minutes without knowing its house style in advance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .meetings import meeting_dates
from .models import Item

_MARKUP = re.compile(r"</?u>|\*\*|__|<[^>]+>")
_MD = r"(?:#{1,6}[ \t]+)?(?:\*\*|__)?"  # a Markdown heading marker or bold before the number
_BULLET = r"^[ \t]*(?:#{1,6}[ \t]+)?(?:[-•*·][ \t]+)?(?:\*\*|__)?"

MINUTE_SLASH = re.compile(_BULLET + r"(?P<ref>\d{1,4}/\d{2,4})\.?[ \t]+(?P<rest>\S.*)$", re.M)
MINUTE_PREFIX = re.compile(_BULLET + r"(?P<ref>[A-Z]{1,6}[ .]?\d{1,3}[a-z]?(?:/\d{2,4})?)\.?"
                           r"[ \t]+(?P<rest>\S.*)$", re.M)
DECIMAL = re.compile(_BULLET + r"(?P<ref>\d{1,3}(?:\.\d{1,3}){1,3})\.?[ \t]+(?P<rest>\S.*)$",
                     re.M)
INTEGER = re.compile(r"^[ \t]*" + _MD + r"(?P<ref>\d{1,3})[.)][ \t]+(?P<rest>\S.*)$", re.M)
INTEGER_CAPS = re.compile(r"^[ \t]*" + _MD
                          + r"(?P<ref>\d{1,3})[ \t]+(?P<rest>[A-Z][A-Z &',-]{3,}.*)$", re.M)
APPENDIX = re.compile(r"^[ \t]*" + _MD
                      + r"(?P<ref>(?:Appendix|Annex|Schedule)[ \t]+[0-9A-Z]{1,3})\b"
                      r"[ \t]*[-–:.]?[ \t]*(?P<rest>.*)$", re.M | re.I)
ROMAN = re.compile(r"^[ \t]*(?P<ref>\(?(?:i{1,3}|iv|vi{0,3}|ix|xi{0,3}|xiv|xv)[.)]?)[ \t]+"
                   r"(?P<rest>[A-Z].*\?)[ \t]*$", re.M)
_MONTH_YEAR = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*,?\s+"
                         r"(?:19|20)\d\d\b", re.I)
_POSTCODE_TAIL = re.compile(r"\d[A-Z]{2}\b")
_RESOLUTION_WORDS = re.compile(r"^(?:resolved|it was (?:also )?agreed|agreed|that|recommended|"
                               r"chair|date|signed)\b", re.I)


@dataclass(slots=True)
class Heading:
    ref: str
    title: str
    start: int
    level: int
    key: tuple


def _title_from(rest: str) -> str:
    from .metadata import smart_title

    return smart_title(_raw_title(rest))


def _raw_title(rest: str) -> str:
    rest = _MARKUP.sub("", rest).strip()
    head, sep, _tail = rest.partition(":")
    if sep and 0 < len(head) <= 80:
        return head.strip(" *-–")
    if len(rest) <= 120 and not rest.endswith((".", ";", ",")):
        return rest.strip(" *-–")
    words = rest.split()
    return " ".join(words[:10]).rstrip(",;:.") + ("…" if len(words) > 10 else "")


def _looks_like_heading_text(rest: str) -> bool:
    plain = _MARKUP.sub("", rest).strip()
    return bool(plain) and (plain[0].isupper() or plain[0].isdigit() or plain[0] in "'\"(")


def _decimal_key(ref: str) -> tuple[int, ...]:
    return tuple(int(p) for p in ref.split("."))


def find_headings(text: str, doc_type: str) -> list[Heading]:
    """Numbered items, appendices and (outside minutes) short unnumbered headings."""
    candidates: list[Heading] = []
    for m in MINUTE_SLASH.finditer(text):
        num, year = m["ref"].split("/")
        if _looks_like_heading_text(m["rest"]):
            candidates.append(Heading(m["ref"], _title_from(m["rest"]), m.start("ref"), 1,
                                      ("slash", year, int(num))))
    for m in MINUTE_PREFIX.finditer(text):
        prefix = re.match(r"[A-Z]+", m["ref"]).group(0)  # type: ignore[union-attr]
        if prefix in {"I", "II", "III", "IV", "V", "X", "A", "S", "MP", "PLO", "CP"}:
            continue
        if _POSTCODE_TAIL.match(m["rest"]):
            continue  # "M1 2WD" in an address is a postcode, not item M1
        number = int(re.search(r"\d+", m["ref"]).group(0))  # type: ignore[union-attr]
        if _looks_like_heading_text(m["rest"]):
            candidates.append(Heading(m["ref"], _title_from(m["rest"]), m.start("ref"), 1,
                                      ("prefix", prefix, number)))
    for m in DECIMAL.finditer(text):
        parts = _decimal_key(m["ref"])
        if parts[0] == 0 or not _looks_like_heading_text(m["rest"]):
            continue
        level = 1 if all(p == 0 for p in parts[1:]) else len(parts)
        candidates.append(Heading(m["ref"], _title_from(m["rest"]), m.start("ref"), level,
                                  ("num", *parts)))
    for pattern in (INTEGER, INTEGER_CAPS):
        for m in pattern.finditer(text):
            if not _looks_like_heading_text(m["rest"]) or int(m["ref"]) == 0 \
                    or _MONTH_YEAR.match(m["rest"]):
                continue  # "24 SEPTEMBER 2009" is a date line, not item 24
            candidates.append(Heading(m["ref"] + ".", _title_from(m["rest"]), m.start("ref"), 1,
                                      ("num", int(m["ref"]), 0)))
    for m in APPENDIX.finditer(text):
        title = _title_from(m["rest"]) if m["rest"].strip() else _next_line(text, m.end())
        candidates.append(Heading(m["ref"].title(), title, m.start("ref"), 0, ("appendix",)))
    for m in ROMAN.finditer(text):
        candidates.append(Heading(m["ref"].strip("()."), _title_from(m["rest"]), m.start("ref"),
                                  2, ("roman",)))
    candidates.sort(key=lambda h: (h.start, h.level))
    # The minutes of another meeting inside a record (an agenda pack's previous minutes)
    # number their items afresh.
    restarts = [start for start, _ in meeting_dates(text)] if doc_type == "minutes" else []
    accepted = _keep_consistent(candidates, restarts)
    if doc_type != "minutes":
        accepted = _add_plain_headings(text, accepted)
    return _name_sub_items(text, accepted)


def _name_sub_items(text: str, headings: list[Heading]) -> list[Heading]:
    """Give sub-items a ref and title that make sense in a citation on their own.

    "(ix)" becomes "19 (ix)"; a numbered paragraph "2.6 In June 2014 a full..." takes the
    title of its section ("Background") rather than a truncated sentence.
    """
    parent: Heading | None = None
    section: dict[int, Heading] = {}
    for h in headings:
        if h.level <= 1 and h.key[0] != "plain":
            parent = h
        if h.key[0] == "num" and len(h.key) > 2:
            section[h.key[1]] = section.get(h.key[1], h) if h.level == 1 else section.get(
                h.key[1], h)
            if h.level == 1:
                section[h.key[1]] = h
        if h.key[0] == "roman" and parent is not None:
            h.ref = f"{parent.ref.rstrip('.')} ({h.ref})"
        elif h.key[0] == "num" and h.level >= 2:
            owner = section.get(h.key[1])
            line_end = text.find("\n", h.start)
            line = text[h.start: line_end if line_end != -1 else len(text)]
            if owner is not None and owner is not h and (len(line) > 100 or
                                                         line.rstrip().endswith(".")):
                h.title = owner.title
    return headings


def _strong_title(title: str) -> bool:
    """A title that can only be a heading: capitals, or a short line with no full stop."""
    letters = [c for c in title if c.isalpha()]
    caps = bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8
    return caps or (len(title) <= 80 and not title.endswith((".", ";", ",", "…")))


def _next_line(text: str, pos: int) -> str:
    for line in text[pos:pos + 400].split("\n"):
        line = _MARKUP.sub("", line).strip()
        if line and len(line) <= 150:
            return line
    return ""


def _keep_consistent(candidates: list[Heading], restarts: list[int] | None = None
                     ) -> list[Heading]:
    """Keep headings whose numbers continue the sequence; lists that restart are not items,
    except where a new meeting's record starts (``restarts``: its offsets)."""
    pending = sorted(restarts or [])
    accepted: list[Heading] = []
    last: dict[str, tuple] = {}
    seen_starts: set[int] = set()
    chain_next: int | None = None  # next number of a list that restarted inside an item
    for i, h in enumerate(candidates):
        if h.start in seen_starts:
            continue
        while pending and pending[0] <= h.start:
            pending.pop(0)
            last.pop("num", None)
            chain_next = None
        kind = h.key[0]
        if kind == "num" and len(h.key) == 3 and h.key[2] == 0:
            prev = last.get("num")
            if prev is not None and h.key[1:] <= prev[1:]:
                chain_next = h.key[1] + 1
                continue
            if chain_next == h.key[1] and any(
                    o.key == h.key and o.start > h.start for o in candidates[i + 1:]):
                chain_next += 1  # "3." of a resolution list; the real item 3 comes later
                continue
            chain_next = None
        if kind == "appendix":
            last.pop("num", None)  # numbering restarts inside each appendix
        elif kind == "roman":
            if not accepted:
                continue
        elif kind == "slash":
            prev = last.get("slash")
            if prev and (prev[1] == h.key[1] and h.key[2] <= prev[2]):
                continue
        elif kind == "prefix":
            prev = last.get("prefix:" + h.key[1])
            if prev and h.key[2] <= prev[2]:
                continue
            kind = "prefix:" + h.key[1]
        elif kind == "num":
            prev = last.get("num")
            strong = _strong_title(h.title)
            if prev is not None:
                if h.key[1:] <= prev[1:]:
                    continue
                if h.key[1] > prev[1] + 3 and not strong:
                    continue  # a jump from 5 to 40 is a figure in the text, not an item
            elif h.key[1] > 30 and not strong:
                continue
        last[kind] = h.key
        accepted.append(h)
        seen_starts.add(h.start)
    return accepted


_PLAIN = re.compile(r"(?<=\n\n)(?P<line>[ \t]*(?:\*\*)?[A-Z][^\n]{2,88})\n(?=[ \t]*\n)")


def _prose_numbered(text: str, numbered: list[Heading]) -> bool:
    """Numbers that head paragraphs of prose (an inspection report's "12. Leaders have..."),
    not sections: the headings between them are then the report's sections."""
    lines = []
    for h in numbered:
        if h.key[0] == "num" and h.level == 1:
            end = text.find("\n", h.start)
            lines.append((end if end != -1 else len(text)) - h.start)
    return len(lines) >= 3 and sum(n > 100 for n in lines) * 2 >= len(lines)


def _add_plain_headings(text: str, numbered: list[Heading]) -> list[Heading]:
    """Short stand-alone lines such as "Leadership and Management" become headings.

    Under numbered sections they are sub-headings of the section. Between numbered paragraphs
    of prose they are the sections themselves ("The experiences and progress of children in
    care: good"), and the paragraphs under them take their title for citations.
    """
    starts = {h.start for h in numbered}
    extra: list[Heading] = []
    # Unnumbered reports and letters ("Headline findings", "Main findings") read the same way.
    prose = not numbered or _prose_numbered(text, numbered)
    first = 0 if prose else numbered[0].start
    for m in _PLAIN.finditer(text):
        line = _MARKUP.sub("", m["line"]).strip()
        start = m.start("line") + (len(m["line"]) - len(m["line"].lstrip()))
        if start in starts or start < first:
            continue
        words = line.split()
        if (len(words) > (16 if prose else 12) or line.endswith((".", ",", ";", ":"))
                or "," in line or _RESOLUTION_WORDS.match(line) or line[0].isdigit()):
            continue
        nxt = text[m.end():m.end() + 300].strip()
        if len(nxt.split("\n", 1)[0]) < 40:  # a heading introduces a paragraph
            continue
        extra.append(Heading("", line.strip("*").strip(), start, 9, ("plain",)))
    merged = sorted(numbered + extra, key=lambda h: h.start)
    out: list[Heading] = []
    parent: Heading | None = None
    section: Heading | None = None
    for h in merged:
        if h.key[0] == "plain" and prose:
            section = Heading("", h.title, h.start, 1, ("plain",))
            out.append(section)
        elif h.key[0] == "plain":
            if parent is None or h.title.lower() in parent.title.lower():
                continue
            out.append(Heading(parent.ref, f"{parent.title}: {h.title}", h.start,
                               parent.level + 1, ("plain",)))
        else:
            if h.level <= 1:
                parent = h
                if prose and section is not None and h.key[0] == "num" \
                        and not _strong_title(h.title):
                    h.title = section.title
            out.append(h)
    return out


def build_items(text: str, headings: list[Heading]) -> list[Item]:
    """Items with spans: each runs to the next heading of the same or a higher level."""
    items: list[Item] = []
    if not headings or headings[0].start > 0:
        first = headings[0].start if headings else len(text)
        if text[:first].strip():
            items.append(Item(ref="", title="Front page", char_start=0, char_end=first,
                              level=1))
    for i, h in enumerate(headings):
        end = len(text)
        for later in headings[i + 1:]:
            if later.level <= h.level:
                # End at the start of the next heading's line, so markup before its number
                # ("**3. Title**", "## 3. Title") does not trail this item.
                end = max(h.start, text.rfind("\n", h.start, later.start) + 1) or later.start
                break
        items.append(Item(ref=h.ref, title=h.title, char_start=h.start,
                          char_end=_rstrip_end(text, h.start, end), level=h.level))
    return items


def _rstrip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def leaf_segments(text: str, items: list[Item]) -> list[tuple[Item, int, int]]:
    """Non-overlapping spans, each owned by its innermost item: chunk boundaries."""
    bounds = sorted({0, len(text), *(it.char_start for it in items)})
    segments: list[tuple[Item, int, int]] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        owner = None
        for it in items:
            if it.char_start <= a < max(it.char_end, it.char_start + 1):
                if owner is None or it.char_start >= owner.char_start:
                    owner = it
        if owner is None:
            continue
        end = _rstrip_end(text, a, min(b, max(owner.char_end, a)))
        if text[a:end].strip():
            segments.append((owner, a, end))
    return segments
