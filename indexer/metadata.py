"""Document metadata recognised from the text by general rules, overridable by a sidecar.

The rules read the document the way a clerk would: the first lines name the body and the
meeting date; a report is dated where it is signed off; a visit is dated by its last day.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .dates import FoundDate, find_dates
from .gazetteer import detect_council
from .models import DOC_TYPES

BODY_WORDS = r"(?:Committee|Sub-Committee|Panel|Board|Group|Cabinet|Commission|Forum|Council|" \
             r"Partnership|Executive)"
_BODY_LINE = re.compile(r"\b" + BODY_WORDS + r"\b", re.I)
_BODY_IN_PROSE = re.compile(
    r"\b(?:the|to)\s+((?:[A-Z][\w'’&-]*\s+(?:(?:and|of|for|&)\s+)?){1,8}"
    r"(?:Committee|Sub-Committee|Panel|Commission|Cabinet))\b")
_MARKUP = re.compile(r"</?u>|\*\*|__|^#+\s*|<[^>]+>")
_PREFIX = re.compile(r"^(?:minutes\s+of(?:\s+the)?(?:\s+meeting\s+of)?(?:\s+the)?\s*:?|"
                     r"meeting\s+of\s+the|report\s+to(?:\s+the)?|title\s*:)\s*", re.I)
_SMALL = {"and", "of", "the", "for", "to", "in", "on", "at", "a", "an", "or", "with", "by"}


@dataclass(slots=True)
class Metadata:
    title: str
    council: str | None
    committee: str | None
    doc_type: str
    date: str | None
    date_start: str | None
    published: str | None = None
    url: str | None = None


def clean_line(line: str) -> str:
    return re.sub(r"\s+", " ", _MARKUP.sub("", line)).strip(" -–:*#\t")


def smart_title(text: str) -> str:
    """Title-case a line written in capitals, keeping small words and possessives right."""
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) / len(letters) < 0.8:
        return text
    words = []
    for i, word in enumerate(text.lower().split(" ")):
        if i and word in _SMALL:
            words.append(word)
        elif re.fullmatch(r"[a-z]{2,5}", word) and word.upper() in {"OSC", "LAC", "SEND", "LGA",
                                                                     "MASH", "CSE", "DFE"}:
            words.append(word.upper())
        else:
            words.append(re.sub(r"(^|[-(/])([a-z])", lambda m: m.group(1) + m.group(2).upper(),
                                word))
    return " ".join(words)


def _head_lines(text: str, limit: int = 2500, count: int = 20) -> list[str]:
    lines = []
    for raw in text[:limit].split("\n"):
        line = clean_line(raw)
        if line:
            lines.append(line)
        if len(lines) >= count:
            break
    return lines


def detect_doc_type(text: str, lines: list[str]) -> str:
    head = " ".join(lines[:4]).lower()
    top = text[:2500].lower()
    if re.search(r"peer (?:challenge|review)", head):
        return "peer_review"
    if re.search(r"\binspection\b|focused visit|focussed visit|monitoring visit|ofsted", head):
        return "inspection"
    if ("minutes" in head or re.search(r"\bpresent\s*:|members present|apologies for absence|"
                                       r"\bpresent\b.{0,40}councillor", top)):
        return "minutes"
    if any(len(line) <= 150 and _VISIT_TITLE.search(line) for line in lines):
        return "inspection"  # a letter whose subject line is the visit ("Focused visit to...")
    return "report"


_VISIT_TITLE = re.compile(r"^(?:(?:focus+ed|monitoring|joint targeted area|area send) visit|"
                          r"inspection of)\b|\b(?:focus+ed|monitoring) visit to\b", re.I)


# A letter's "Dear Tim," run on to its subject line by the PDF reflow.
_SALUTATION_RUN_ON = re.compile(r"^Dear\s+[^,\n]{1,40},\s*")


def detect_committee(text: str, lines: list[str], council_names: tuple[str, ...],
                     doc_type: str) -> str | None:
    """The body whose record this is; for reports, the committee they are written to."""
    def strip_council(line: str) -> str:
        line = _SALUTATION_RUN_ON.sub("", line)
        for name in council_names:
            line = re.sub(re.escape(name), "", line, flags=re.I)
        line = re.sub(r"\s+", " ", line).strip(" -–:,")
        return re.sub(r"^['’]s\b\s*", "", line).strip(" -–:,")  # "Walsall's Panel" -> "Panel"

    if doc_type in ("peer_review", "inspection"):
        for line in lines[:4]:
            body = strip_council(line)
            if body and re.search(r"peer|inspection|visit", body, re.I):
                return smart_title(body)
        for line in lines:
            if len(line) <= 150 and _VISIT_TITLE.search(line):
                return smart_title(strip_council(line))
        return None
    for line in lines[:8]:
        if len(line) > 140 or line.endswith((".", ";")) or line[:1].isdigit():
            continue
        candidate = _PREFIX.sub("", line).strip()
        candidate = re.split(r"\s+(?:held\s+)?(?:on|at)\s+(?:\w+day|\d)", candidate, flags=re.I)[0]
        body = strip_council(candidate)
        if body and _BODY_LINE.search(body) and not re.fullmatch(
                r"(?:\w+\s+){0,3}(?:City|County|Borough|District|Metropolitan Borough)?\s*Council",
                body, flags=re.I):
            return smart_title(body)
    if doc_type in ("peer_review", "inspection"):
        return None
    match = _BODY_IN_PROSE.search(text[:20000])
    return match.group(1).strip() if match else None


_ABOUT_EVENT = re.compile(r"(?:inspection|visit|fieldwork|meeting|held|review|date)s?\b"
                          r"[^.\n]{0,100}$", re.I)
_PUBLISHED = re.compile(r"(?:^|\n)[ \t]*(?:published|publication date|date of publication|"
                        r"date issued|issued)(?:[ \t]+on)?[ \t]*:?[ \t]*$", re.I)


def _line_of(text: str, start: int, end: int) -> str:
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return text[a: b if b != -1 else len(text)]


def _standalone(text: str, found: FoundDate) -> bool:
    """The date is the line (with at most a weekday, a label or a time): a heading's date."""
    line = clean_line(_line_of(text, found.char_start, found.char_end))
    return len(line) <= found.char_end - found.char_start + 30 and not line.endswith(".")


def detect_dates(text: str, doc_type: str, source: str, created: str = ""
                 ) -> tuple[str | None, str | None, str | None]:
    """(date, first day of a range, published): when it happened and when it was issued.

    Only dates whose place says they are the record's own count: a heading line, a labelled
    date ("Date of meeting:", "Inspection dates:"), or a visit's dates in the sentence that
    introduces it. A date inside an ordinary sentence ("Code of Conduct adopted 1 September
    2008") is about something else and is never taken.
    """
    dates = find_dates(text[:200_000])
    head = [d for d in dates if d.char_start < 3000]
    published = next((d.iso for d in head if _PUBLISHED.search(
        text[max(0, d.char_start - 40):d.char_start])), None)
    event: FoundDate | None = None
    if doc_type in ("inspection", "peer_review"):
        # The fieldwork: a range (or a date) introduced by the inspection or visit it dates.
        for d in head:
            before = text[max(0, d.char_start - 120):d.char_start]
            if _ABOUT_EVENT.search(before) and not _PUBLISHED.search(before[-40:]):
                if event is None or (d.start_iso and not event.start_iso):
                    event = d
                if d.start_iso:
                    break
        letter = next((d for d in head[:3] if d.char_start < 400 and d is not event
                       and event is not None and d.char_start < event.char_start
                       and len(clean_line(_line_of(text, d.char_start, d.char_end)))
                       <= d.char_end - d.char_start + 2), None)
        if letter is not None and published is None and re.search(r"^Dear\b", text[:3000], re.M):
            published = letter.iso  # a letter is dated when it was sent
    if event is None:
        iso, start = detect_date(text, doc_type, source, dates)
    else:
        iso, start = event.iso, event.start_iso
    from_name = re.search(r"((?:19|20)\d\d)-([01]\d)-([0-3]\d)", source)
    if published is None and doc_type != "minutes":
        for candidate in ("-".join(from_name.groups()) if from_name else "", created):
            if candidate and (iso is None or candidate >= iso):
                published = candidate  # the source names the day it was issued
                break
    return iso, start, published


def detect_date(text: str, doc_type: str, source: str,
                dates: list[FoundDate] | None = None) -> tuple[str | None, str | None]:
    """(date, start of range) by where the date stands, not just which date comes first."""
    if dates is None:
        dates = find_dates(text[:200_000])
    header = [d for d in dates if d.char_start < 800 and _not_prose(text, d)]
    if header and doc_type != "report":
        return header[0].iso, header[0].start_iso
    for found in dates:  # a date on a line of its own is a sign-off or a meeting date
        if _standalone(text, found) and len(clean_line(_line_of(
                text, found.char_start, found.char_end))) <= found.char_end - found.char_start + 12:
            return found.iso, found.start_iso
    labelled = re.search(r"(?:date of (?:meeting|report)|report date|meeting date|date)\s*:",
                         text[:5000], re.I)
    if labelled:
        near = [d for d in dates if 0 <= d.char_start - labelled.end() < 40]
        if near:
            return near[0].iso, near[0].start_iso
    if header:
        return header[0].iso, header[0].start_iso
    from_name = re.search(r"((?:19|20)\d\d)-([01]\d)-([0-3]\d)", source)
    if from_name:
        return "-".join(from_name.groups()), None
    return None, None


def _not_prose(text: str, found: FoundDate) -> bool:
    """A heading or labelled line, not a sentence about something else."""
    line = clean_line(_line_of(text, found.char_start, found.char_end))
    if len(line) <= found.char_end - found.char_start + 40:
        return True
    before = text[max(0, found.char_start - 60):found.char_start]
    return bool(re.search(r"(?:held|meeting|date[sd]?|on)\s*:?\s*(?:\w+day,?\s*)?$", before, re.I)
                ) and not line.endswith(".")


def detect_title(lines: list[str], council_names: tuple[str, ...], committee: str | None,
                 doc_type: str, date: str | None, title_hint: str) -> str:
    if doc_type == "minutes" and committee:
        return f"Minutes of the {committee}" + (f", {date}" if date else "")
    if doc_type == "inspection":
        for line in lines:
            if len(line) <= 150 and _VISIT_TITLE.search(line):
                return smart_title(_SALUTATION_RUN_ON.sub("", line))
    for line in lines[:5]:
        if len(line) < 6 or line.lower().startswith("date") or _DATE_LINE.fullmatch(line):
            continue
        if any(line.lower() == n.lower() for n in council_names):
            continue
        return smart_title(line[:160])
    return title_hint or (committee or "Untitled document")


def _heading_lines(text: str) -> list[str]:
    """The first lines that can name the document's own body: in a postal address only a
    council's name counts (a letterhead's "Manchester" is where the sender sits)."""
    from .pdftext import excluded_spans

    head = text[:2500]
    for a, b in reversed(excluded_spans(head, [])):
        kept = [ln for ln in head[a:b].split("\n") if _COUNCIL_WORD.search(ln)]
        head = head[:a] + "\n".join(kept) + head[b:]
    return _head_lines(head)


_COUNCIL_WORD = re.compile(r"\bCouncil\b|\bBorough of\b", re.I)
_DATE_LINE = re.compile(r"[\w ,]{0,12}\d{1,2}(?:st|nd|rd|th)? \w+ \d{4}|\d{1,2}/\d{1,2}/\d{2,4}")


_SALUTATION = re.compile(r"^Dear\b")


def _letter_subject(lines: list[str]) -> list[str]:
    """A letter's own heading: the subject line(s) after "Dear ...", below the sender's and
    the recipient's address blocks (an inspectorate's office is not the council the letter is
    about). Empty for anything that is not a letter."""
    for n, line in enumerate(lines[:40]):
        if _SALUTATION.match(line):
            return lines[n + 1:n + 3]
    return []


def recognise(text: str, source: str, title_hint: str = "", furniture: tuple[str, ...] = (),
              created: str = "") -> Metadata:
    """Metadata from the text; ``furniture`` (a PDF's running header) and ``title_hint`` name
    the document too, and ``created`` (the file's own date) is a last resort for issue."""
    lines = _head_lines(text)
    own = _letter_subject(lines) + _heading_lines(text)[:6]
    heading = "\n".join([ln for ln in own if len(ln) <= 150]
                         + list(furniture) + [title_hint])
    council = detect_council(text, heading)
    names: tuple[str, ...] = ()
    if council:
        names = (council.formal, *council.aliases, f"{council.name} Council", council.name)
    doc_type = detect_doc_type(text, lines)
    committee = detect_committee(text, lines, names, doc_type)
    date, start, published = detect_dates(text, doc_type, source, created)
    title = detect_title(lines, names, committee, doc_type, date, title_hint)
    return Metadata(title=title, council=council.formal if council else None,
                    committee=committee, doc_type=doc_type, date=date, date_start=start,
                    published=published)


def sidecar_for(path: Path) -> Path | None:
    """``minutes.txt.meta.json`` or ``minutes.meta.json`` beside the file."""
    for candidate in (path.with_name(path.name + ".meta.json"),
                      path.with_name(path.stem + ".meta.json")):
        if candidate.is_file():
            return candidate
    return None


SIDECAR_FIELDS = ("title", "council", "committee", "doc_type", "date", "date_start", "published",
                  "url")


def apply_sidecar(meta: Metadata, path: Path) -> list[str]:
    """Override fields from the sidecar; returns warnings for fields it could not use."""
    from .dates import parse_date

    sidecar = sidecar_for(path)
    if sidecar is None:
        return []
    warnings: list[str] = []
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        return [f"{sidecar.name}: ignored ({exc})"]
    for key, value in data.items():
        if key not in SIDECAR_FIELDS:
            warnings.append(f"{sidecar.name}: unknown field {key!r} ignored")
            continue
        if key == "url" and value and not re.match(r"https?://\S+$", str(value)):
            warnings.append(f"{sidecar.name}: url {value!r} is not an http(s) address")
            continue
        if key in ("date", "date_start", "published") and value:
            iso = parse_date(str(value))
            if not iso:
                warnings.append(f"{sidecar.name}: {key} {value!r} is not a date")
                continue
            value = iso
        if key == "doc_type" and value not in DOC_TYPES:
            warnings.append(f"{sidecar.name}: doc_type must be one of {', '.join(DOC_TYPES)}")
            continue
        setattr(meta, key, (value or None) if key != "title" else str(value or ""))
    return warnings
