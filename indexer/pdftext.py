"""A PDF's pages as the text a reader of the printed document takes in.

Text extracted from a PDF carries the page's furniture (a running header with its page number,
a footer) and its layout (a hard break at the end of every printed line, compound words broken
at line ends as "multi-" / "agency", tables flattened to one cell a line). Left in, the running
header sits in the middle of passages and is quoted as an answer, and chunks end mid-sentence
at line breaks.

The design keeps offsets simple: the cleaned text *is* the document's text (``Document.text``)
and ``page_starts`` index into it, so every quote is still an exact slice of the stored text
and every span still maps to the printed page it came from. The furniture lines removed are
returned as well, because a running header names the document (council, dates) and recognition
may use it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

EDGE_LINES = 3  # a header or footer lies within the first or last few lines of a page
MIN_SHARE = 0.5  # ... and recurs on at least half the pages
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b]+")
_DIGITS = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)]?$")
_NEW_UNIT = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*[.)]\s|\d{1,3}(?:\.\d{1,3})+\s|"
                       r"\(?[a-z]{1,3}\)\s|[◼▪•●■\-–*]\s|(?:Appendix|Annex|Schedule)\s)", re.I)
# A line ending in a word that cannot end a title or sentence ("Inspection of Westmorland and" /
# "Furness ...") runs on, however short it is.
_OPEN_END = re.compile(r"(?:\b(?:and|or|of|the|to|for|in|on|upon|with|by|at|a|an)|[,&])$", re.I)
# A line opening in capitals up to a colon or its end is a heading or a label of minutes
# ("2 MINUTES OF THE MEETING", "RESOLVED: That ...", "AUDIT COMMITTEE"): never run on.
_CAPS_HEAD = re.compile(r"(?:\d{1,3}\.?\s+)?(?:[A-Z][A-Z'’&/-]+:|[A-Z][A-Z'’&,/-]{3,}"
                        r"(?:\s+[A-Z0-9(][A-Z0-9'’&,/().-]*)+)(?=\s|$)")
_BULLET = re.compile(r"^[◼▪•●■\-–*]\s")
_HYPHEN_END = re.compile(r"[A-Za-z]-$")
# The inspectorates' four-point judgement scale (Ofsted, CQC): a table row ends in one of these.
# A label is a noun phrase: a line ending in a verb or a function word ("... require improvement
# to be", "... services are") runs on into the grade after it, it does not label it.
_RUNS_ON = re.compile(r"\b(?:and|or|of|the|a|an|to|be|is|are|was|were|been|being|remains?|as|"
                      r"from|with|by|in|on|at|for|into|than|very|consistently|mostly|largely|"
                      r"not|now|also|still|often|always|generally)$", re.I)
_SPLIT_GRADE = re.compile(r"\brequires? improvement(?: to(?: be)?)?$", re.I)
_WHOLE_GRADE = re.compile(r"\brequires? improvement to be good$", re.I)
_GRADE = re.compile(r"(?:^|\s)(?P<grade>requires? improvement to be good|requires improvement|"
                    r"outstanding|good|inadequate)$", re.I)


@dataclass(slots=True)
class PdfText:
    text: str
    page_starts: list[int] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)  # header/footer lines removed, once each


def _key(line: str) -> str:
    """Lines that differ only in their numbers (the page number) are the same furniture."""
    return _DIGITS.sub("#", line.lower())


def _lines(page: str) -> list[str]:
    lines = [_SPACES.sub(" ", raw).strip() for raw in page.split("\n")]
    # The longest grade wraps in a narrow table cell ("Requires improvement to" / "be good"):
    # one grade, so one line, before rows are read.
    for i, ln in enumerate(lines):
        if _SPLIT_GRADE.search(ln):
            j = next((j for j in range(i + 1, len(lines)) if lines[j]), None)
            if j is not None and _WHOLE_GRADE.search(f"{ln} {lines[j]}") \
                    and lines[j].lower() in ("good", "be good", "to be good"):
                lines[i], lines[j] = f"{ln} {lines[j]}", "\0"
    return [ln for ln in lines if ln != "\0"]


def furniture_keys(pages: list[list[str]]) -> set[str]:
    """Keys of lines standing at the top or bottom of most pages."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        body = [ln for ln in lines if ln]
        edges = body[:EDGE_LINES] + body[-EDGE_LINES:]
        counts.update({_key(ln) for ln in edges})
    need = max(2, MIN_SHARE * len(pages))
    return {k for k, n in counts.items() if n >= need}


def _strip_furniture(lines: list[str], keys: set[str], removed: dict[str, str]) -> list[str]:
    """Remove furniture lines, but only within the page's edges (a body line may match)."""
    idx = [i for i, ln in enumerate(lines) if ln]
    edge = set(idx[:EDGE_LINES + 1] + idx[-EDGE_LINES - 1:])
    out = []
    for i, ln in enumerate(lines):
        if i in edge and ln and _key(ln) in keys:
            removed.setdefault(_key(ln), ln)
            continue
        out.append(ln)
    return out


def _ends_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line))


def _grade_row(line: str) -> re.Match[str] | None:
    if len(line) > 160 or _ends_sentence(line):
        return None
    return _GRADE.search(line)


def clean_pages(pages: list[str]) -> PdfText:
    """Join a PDF's page texts into one text without furniture, reflowed into paragraphs."""
    page_lines = [_lines(p) for p in pages]
    keys = furniture_keys(page_lines)
    removed: dict[str, str] = {}
    if keys:
        page_lines = [_strip_furniture(lines, keys, removed) for lines in page_lines]
    page_lines = [_letterhead_first(lines) for lines in page_lines]
    lengths = sorted(len(ln) for lines in page_lines for ln in lines if len(ln) >= 20)
    width = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 80

    parts: list[str] = []
    page_starts: list[int] = []
    offset = 0
    prev: str | None = None  # the last physical line written
    blank = False
    rows_seen = 0  # grade rows just written: a judgement table is being read
    stream = [ln for lines in page_lines for ln in lines if ln]
    position = 0
    for lines in page_lines:
        page_starts.append(-1)
        blank = False  # blank lines at a page's top or bottom are layout, not a paragraph end
        for line in lines:
            if not line:
                blank = prev is not None and page_starts[-1] != -1
                continue
            position += 1
            following = stream[position] if position < len(stream) else ""
            sep = _separator(prev, line, blank, width)
            if prev is not None and sep == "\n" and _ends_sentence(prev) \
                    and not _ends_sentence(line) and _NEW_UNIT.match(following):
                sep = "\n\n"  # a heading line before a numbered paragraph
            grade = _grade_row(line)
            if grade and prev is not None and grade.start() == 0 and sep in ("\n", " ") \
                    and not _ends_sentence(prev) and len(prev) < 160 and not _RUNS_ON.search(prev) \
                    and not grade.group("grade").startswith("requir"):
                sep = ": "  # a grade cell on its own line belongs to the label before it
                rows_seen = 3
            elif grade and (rows_seen or _table_context(lines, line)) and grade.start() > 0 \
                    and not _RUNS_ON.search(line[:grade.start("grade")].rstrip()) \
                    and not _ends_sentence(line[:grade.start("grade")].rstrip()) \
                    and not grade.group("grade").startswith("requir"):  # a verb, in lower case
                a = grade.start("grade")
                line = line[:a].rstrip(" :") + ": " + line[a:]
                rows_seen = 3
            else:
                rows_seen = max(0, rows_seen - 1)
            if prev is None:
                sep = ""
            parts.append(sep)
            offset += len(sep)
            if page_starts[-1] == -1:
                page_starts[-1] = offset
            parts.append(line)
            offset += len(line)
            prev, blank = line, False
        if page_starts[-1] == -1:
            page_starts[-1] = offset
    text = "".join(parts)
    return PdfText(text=text, page_starts=page_starts, furniture=list(removed.values()))


def _letterhead_first(lines: list[str]) -> list[str]:
    """A contact block printed at the foot of a page (a letter's sender address) moves to the
    top of the page as its own paragraph, so a paragraph that runs on to the next page is not
    cut by it and the block can be recognised and left out of passages."""
    idx = [i for i, ln in enumerate(lines) if ln]
    block: list[int] = []
    for i in reversed(idx):
        ln = lines[i]
        if len(ln) > 60 or _ends_sentence(ln) and not _CONTACT.search(ln):
            break
        block.append(i)
    block.reverse()
    if len(block) < 3 or sum(bool(_CONTACT.search(lines[i])) for i in block) < 2 \
            or len(block) == len(idx):
        return lines
    head = [lines[i] for i in block]
    rest = lines[:block[0]]
    return [*head, "", *rest]


def _table_context(lines: list[str], line: str) -> bool:
    """Another row of the same page also ends in a grade: the line is a table row."""
    rows = sum(1 for ln in lines if ln is not line and _grade_row(ln) and len(ln) < 160)
    return rows >= 2


def _wrapped(prev: str, line: str, width: int) -> bool:
    """The line broke because the next word would not fit, not because a heading ended."""
    return len(prev) + 1 + len(line.split(" ", 1)[0]) > 0.85 * width


# "(RAA) since October 2019 ...": the abbreviation of what the line before named, which goes on.
_ABBREVIATION_NEXT = re.compile(r"\([A-Z][A-Za-z]{1,9}\)\s+[a-z]")


def _separator(prev: str | None, line: str, blank: bool, width: int) -> str:
    """How ``line`` follows ``prev``: joined ("" or " "), a line break, or a paragraph break."""
    if prev is None:
        return ""
    if _ABBREVIATION_NEXT.match(line) and not _ends_sentence(prev) and (
            not blank or _wrapped(prev, line, width)):
        return " "  # "(RAA) since ..." goes on from the name it abbreviates, not an item "(a)"
    if blank:
        if not _ends_sentence(prev) and (line[:1].islower() or line[:1].isdigit()) \
                and _wrapped(prev, line, width) and not _NEW_UNIT.match(line) \
                and not _CAPS_HEAD.match(line):
            return " "  # a stray blank line inside a sentence ("on" / "20 and 21 July")
        return "\n\n"
    if _HYPHEN_END.search(prev) and line[:1].isalpha() and not _BULLET.match(line):
        return ""  # "multi-" + "agency": the compound word the line end broke
    new_unit = bool(_NEW_UNIT.match(line) or _CAPS_HEAD.match(line))
    if not _ends_sentence(prev) and not new_unit and not _CAPS_HEAD.fullmatch(prev):
        if line[:1].islower() or _OPEN_END.search(prev) or (
                _wrapped(prev, line, width) and not _BULLET.match(line)
                and line[:1] not in "◼▪•●■"):
            return " "  # a hard line break inside a sentence or a wrapped heading
    if new_unit:
        return "\n" if _BULLET.match(line) and _BULLET.match(prev) else "\n\n"
    if _BULLET.match(prev) and _ends_sentence(prev):
        return "\n\n"  # the list has ended
    long_line = max(30, int(0.7 * width))
    prev_short = len(prev) < long_line
    line_short = len(line) < long_line and not _ends_sentence(line)
    if _ends_sentence(prev) and (prev_short or line_short):
        return "\n\n"  # a paragraph ended, or a heading follows
    if not _ends_sentence(prev) and not _wrapped(prev, line, width) and not line_short:
        return "\n\n"  # a heading (or table) before prose
    return "\n"


_CONTACT = re.compile(
    r"https?://\S+|www\.\S+|\b[\w.+-]+@[\w-]+\.[\w.-]+|"  # web and email addresses
    r"\b(?:0\d{2,4}|\+44)[ ]?\d{3,4}[ ]?\d{3,4}\b|"  # UK telephone numbers
    r"\b[A-Z]{1,2}\d[A-Z\d]?[ ]\d[A-Z]{2}\b|"  # postcodes
    r"©|\bcopyright\b|\blicen[cs]e\b", re.I)
_NUMBERED_LINE = re.compile(r"^\d{1,3}\.\s", re.M)


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, pos = [], start
    while pos < end:
        cut = text.find("\n\n", pos, end)
        stop = end if cut == -1 else cut
        if text[pos:stop].strip():
            spans.append((pos, stop))
        pos = stop + 2 if cut != -1 else end
    return spans


def _back_cover(text: str, start: int) -> list[tuple[int, int]]:
    """The back cover from ``start`` to the end, less any numbered paragraph of the report
    that the PDF's text order put among it ("51. Social workers enjoy ..."): those are
    content. A last page that is mostly numbered paragraphs is content, not a cover."""
    paragraphs = _paragraphs(text, start, len(text))
    numbered = [(a, b) for a, b in paragraphs if _NUMBERED_LINE.match(text, a)]
    if not numbered:
        return [(start, len(text))]
    if sum(b - a for a, b in numbered) * 2 > len(text) - start:
        return []
    spans, pos = [], start
    for a, b in numbered:
        if a > pos:
            spans.append((pos, a))
        pos = b
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def excluded_spans(text: str, page_starts: list[int]) -> list[tuple[int, int]]:
    """Spans that are publisher back matter or address blocks, not the record's content.

    They stay in the text (a reader of the page sees them) but are not chunked: otherwise a
    report's back cover (who the inspectorate is, the licence, its address) and a letter's
    address block are passages of their own and rank first for questions about the report.
    A back cover is recognised by what it is made of (web and email addresses, telephone
    numbers, postcodes, copyright and licence lines, five or more) on the last page; an address
    block is a run of three or more short lines holding a postcode, number or address.
    """
    spans: list[tuple[int, int]] = []
    if len(page_starts) >= 2:
        last = page_starts[-1]
        page = text[last:]
        start = last
        if not (last == 0 or _ends_sentence(text[:last].rstrip())):
            # The page opens by ending the previous page's sentence ("... for more
            # information | and updates: http://..."): the back cover starts after it.
            cut = text.find("\n\n", last, last + 300)
            start = cut + 2 if cut != -1 else len(text)
        back = text[start:]
        if len(_CONTACT.findall(back)) >= 5 and len(page) < 5000:
            spans += _back_cover(text, start)
    for a, b in _paragraphs(text, 0, spans[0][0] if spans else len(text)):
        lines = text[a:b].split("\n")
        if len(lines) >= 3 and all(len(ln) <= 80 for ln in lines) \
                and sum(bool(_CONTACT.search(ln)) for ln in lines) >= 1 \
                and sum(not _ends_sentence(ln) for ln in lines) >= len(lines) - 1:
            spans.append((a, b))
    return sorted(spans)
