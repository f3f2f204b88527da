"""Decisions, undertakings and attendance: the parts of minutes users ask about most.

Every record keeps the exact span it came from, so it can be quoted and cited verbatim.
"""

from __future__ import annotations

import re

from .models import Attendee, Item, Resolution

_BLOCK_MARKER = re.compile(
    r"^[ \t]*(?:[-•*][ \t]+)?(?:\*\*)?(?P<kind>RESOLVED|Resolved|IT WAS (?:ALSO )?AGREED|"
    r"It was (?:also )?agreed|AGREED|Agreed|DECISION|Decision|RECOMMENDED|Recommended)\b"
    r"(?:\*\*)?(?P<rest>[^\n]*)$", re.M)
_LIST_START = re.compile(r"^[ \t]*(?:[-•*&]|\(?[0-9ivxa-hIVXA-H]{1,4}[.)]|(?i:that|and)\b|[a-z])")
_INLINE_AGREED = re.compile(r"(?:^|(?<=[.;:]\s)|(?<=^- )|(?<=\n- ))[^.;\n]{0,120}?"
                            r"\b(?:it was (?:also )?agreed|it was resolved)\b[^;\n]*?(?:[.;]|$)",
                            re.I | re.M)
# "... outside the home. RESOLVED that officers report back." A decision recorded mid-line,
# as minutes typed in paragraphs (or reflowed from a PDF) have it.
_INLINE_RESOLVED = re.compile(r"(?<=[.;]\s)(?:RESOLVED\b|Resolved(?=\s*(?:[:–—-]|[Tt]hat\b)))")
_UNDERTAKING = re.compile(r"\b(?:undertook to|undertaking was given|gave an undertaking|"
                          r"agreed to (?:provide|circulate|send|share|report|bring|look into)|"
                          r"would report back|will report back|promised to|committed to "
                          r"(?:provide|report))\b", re.I)


def _item_for(items: list[Item], offset: int) -> Item | None:
    """The minute item a decision belongs to: the outermost numbered item around it.

    A decision recorded under question (ix) of item 19 is a decision of item 19.
    """
    containing = [it for it in items if it.char_start <= offset < it.char_end]
    if not containing:
        return None
    top = [it for it in containing if it.level == 1]
    if top:
        return max(top, key=lambda it: it.char_start)
    return max(containing, key=lambda it: it.char_start)


def _sentence_span(text: str, pos: int, lo: int, hi: int) -> tuple[int, int]:
    start = pos
    while start > lo and not (text[start - 1] in ".;\n" and
                              (start >= len(text) or text[start].isspace())):
        start -= 1
    while start < pos and text[start].isspace():
        start += 1
    end = pos
    while end < hi and text[end] not in ".;\n":
        end += 1
    if end < hi and text[end] in ".;":
        end += 1
    start = _skip_bullet(text, start, end)
    return start, end


def _skip_bullet(text: str, start: int, end: int) -> int:
    m = re.match(r"[ \t]*(?:[-•*][ \t]+)", text[start:end])
    return start + m.end() if m else start


def find_resolutions(text: str, items: list[Item], minutes: bool = True) -> list[Resolution]:
    """``RESOLVED`` / ``It was agreed:`` blocks, inline agreements and undertakings.

    Inline agreements and undertakings are read only from minutes: in a report, "it was
    agreed" narrates history rather than recording a decision of the meeting.
    """
    out: list[Resolution] = []
    covered: list[tuple[int, int]] = []
    for m in _BLOCK_MARKER.finditer(text):
        item = _item_for(items, m.start("kind"))
        if item is None:
            continue
        rest = m["rest"].strip()
        if m["kind"].lower().startswith(("recommended", "decision")) and rest and \
                not rest.startswith((":", "-", "–", "that", "That", "—")):
            continue
        if rest and len(rest) > 2 and rest[0].islower() and not rest.lower().startswith("that"):
            continue  # "agreed to..." inside prose is not a decision block
        start = m.start("kind") - (2 if text[m.start("kind") - 2:m.start("kind")] == "**" else 0)
        if any(a <= start < b for a, b in covered):
            continue
        bulleted = bool(re.match(r"[ \t]*[-•*][ \t]", text[m.start():m.start("kind")]))
        end = m.end() if bulleted and len(rest) > 12 else _block_end(
            text, m.end(), item.char_end, content_seen=len(rest.strip(" :-–")) > 12)
        span_text = text[start:end]
        if len(span_text.strip()) < 12:
            continue
        kind = "resolved" if m["kind"].lower().startswith(("resolved", "decision",
                                                           "recommended")) else "agreed"
        out.append(Resolution(text=span_text, kind=kind, item_ref=item.ref,
                              item_title=item.title, char_start=start, char_end=end))
        covered.append((start, end))
    if minutes:
        # A decision or an undertaking stated in a sentence: "RESOLVED that ..." inline is
        # quoted from the marker, "it was agreed ..." and undertakings as the whole sentence.
        for pattern, kind, whole, shortest in ((_INLINE_RESOLVED, "resolved", False, 20),
                                               (_INLINE_AGREED, "agreed", True, 20),
                                               (_UNDERTAKING, "undertaking", True, 0)):
            for m in pattern.finditer(text):
                pos = m.start()
                if kind == "agreed":
                    pos += m.group(0).lower().find("it was")
                item = _item_for(items, pos)
                if any(a <= pos < b for a, b in covered) or item is None:
                    continue
                start, end = _sentence_span(text, pos, item.char_start, item.char_end)
                start = start if whole else pos
                if end - start < shortest:
                    continue
                out.append(Resolution(text=text[start:end], kind=kind, item_ref=item.ref,
                                      item_title=item.title, char_start=start, char_end=end))
                covered.append((start, end))
    out.sort(key=lambda r: r.char_start)
    return out


def _block_end(text: str, pos: int, limit: int, content_seen: bool = False) -> int:
    """A decision block runs through its first paragraph and any list that follows it."""
    paragraphs = list(re.finditer(r"\S[^\n]*(?:\n(?![ \t]*\n)[^\n]*)*", text[pos:limit]))
    end = pos
    for p in paragraphs:
        chunk = p.group(0)
        if not content_seen:
            end = pos + p.end()
            if len(chunk.strip()) > 12 or not chunk.strip().lower().startswith("that"):
                content_seen = chunk.strip().lower() not in ("that:", "that")
            continue
        if _LIST_START.match(chunk) and len(chunk) < 1200:
            end = pos + p.end()
            continue
        break
    while end > pos and text[end - 1].isspace():
        end -= 1
    return min(end, limit) if end > pos else min(limit, pos)


_ATTEND_LABEL = re.compile(
    r"^[ \t]*(?:\d+\.[ \t]*)?(?:<u>)?(?:\*\*)?(?P<label>(?:Panel |Committee |Board )?Members? "
    r"Present|Councillors? Present|Present|Apologies(?: for absence)?(?: were received)?|"
    r"Officers? Present|Officers in attendance|Also (?:in attendance|present)|In attendance|"
    r"Witnesses|Invited Witnesses|Portfolio holders? present|Non elected[\w -]*present)"
    r"(?:\*\*)?(?:</u>)?(?:\*\*)?[ \t]*:?[ \t]*(?P<rest>[^\n]*)$", re.M | re.I)
_WITNESS_INTRO = re.compile(r"welcomed the following witnesses[^\n]*\n", re.I)


def _role_for(label: str) -> str:
    label = label.lower()
    if label.startswith("apolog"):
        return "apologies"
    if "officer" in label or "attendance" in label or "also" in label:
        return "officer"
    if "witness" in label:
        return "witness"
    return "present"


def find_attendance(text: str, items: list[Item]) -> list[Attendee]:
    """People listed as present, sending apologies, attending as officers, or witnesses."""
    people: list[Attendee] = []
    for m in _ATTEND_LABEL.finditer(text[:20000]):
        role = _role_for(m["label"])
        block_start = m.start("rest")
        block_end = m.end("rest")
        # Names may continue on following non-blank lines (one per line in many templates).
        follow = re.match(r"(?:\n(?![ \t]*\n)(?![^\n]*:)[^\n]{1,120})*", text[block_end:])
        if follow:
            block_end += follow.end()
        people.extend(_split_names(text, block_start, block_end, role))
    for m in _WITNESS_INTRO.finditer(text):
        pos = m.end()
        for line in re.finditer(r"[^\n]+", text[pos:pos + 3000]):
            value = line.group(0).strip()
            if not value:
                continue
            if len(value) > 160 or not re.match(r"[A-Z][\w.'-]+ [A-Z]", value):
                break
            name = value.split(",")[0].strip()
            s = pos + line.start() + line.group(0).find(name)
            people.append(Attendee(name=name, role="witness", char_start=s,
                                   char_end=s + len(name)))
    return people


_SENTENCE_END = re.compile(r"(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!Mrs)(?<!Cllr)(?<![\s.][A-Z])"
                           r"\.\s+(?=[A-Z][a-z]+\s+[a-z])")
# Separators between names, but never inside a bracketed role: "Luke Farrant (Head of
# Fostering / Adoption)" wrapped over two lines, or "(Fostering and Adoption)", is one person.
_NAME_SPLIT = re.compile(r"\s*(?:;|,|\band\b|\btogether with\b|\n)(?![^()]*\))\s*")
_NAME_PARTICLES = {"of", "and", "for", "de", "da", "di", "du", "la", "le", "van", "von", "der",
                   "den", "bin", "al", "&", "-", "–", "/"}
_ARTICLES = {"the", "a", "an", "this", "that", "it", "there"}


def _is_person(name: str) -> bool:
    """A name (with any bracketed role) rather than prose that followed the list.

    Names are short runs of capitalised words; the sentence "The Head of SEND Finance
    reported ..." has lower-case words outside brackets and starts with an article.
    """
    bare = re.sub(r"\([^)]*\)?", " ", name)
    words = bare.split()
    if not words or len(words) > 8 or words[0].lower() in _ARTICLES:
        return False
    return all(not w[0].isalpha() or w[0].isupper() or w.lower() in _NAME_PARTICLES
               for w in words)


def _lines_with_whole_brackets(segment: str) -> list[tuple[int, str]]:
    """Non-blank lines of ``segment`` as (offset, text), a line that opens a bracket joined
    with the lines that close it."""
    out: list[tuple[int, str]] = []
    depth = 0
    for m in re.finditer(r"[^\n]+", segment):
        if not m.group(0).strip():
            continue
        if depth > 0 and out:
            at, _ = out[-1]
            out[-1] = (at, segment[at:m.end()])
        else:
            out.append((m.start(), m.group(0)))
        depth = max(0, depth + m.group(0).count("(") - m.group(0).count(")"))
    return out


def _split_names(text: str, start: int, end: int, role: str) -> list[Attendee]:
    segment = text[start:end]
    lines = _lines_with_whole_brackets(segment)
    if len(lines) > 1 and role != "present":
        # One person a line, "Name, Role": keep the name, not the job title.
        out: list[Attendee] = []
        for at, line in lines:
            if not _is_person(line.split(",")[0].split(" – ")[0]):
                break  # prose after the list ends it
            name = re.split(r",(?![^()]*\))|\s[–-]\s", line)[0].strip(" .;:*")
            if name and re.match(r"[A-Z]", name) and len(name) <= 120:
                s = start + at + line.find(name)
                out.append(Attendee(name=name, role=role, char_start=s, char_end=s + len(name)))
        return out
    return _split_list(text, start, segment, role)


def _split_list(text: str, start: int, segment: str, role: str) -> list[Attendee]:
    out: list[Attendee] = []
    if re.search(r"\bfrom\s+", segment) and role == "apologies":
        offset = segment.find("from") + 5
        start, segment = start + offset, segment[offset:]
    stop = _SENTENCE_END.search(segment)
    if stop:
        segment = segment[:stop.start() + 1]
    pos = 0
    for part in _NAME_SPLIT.split(segment):
        idx = segment.find(part, pos) if part else -1
        if idx == -1:
            continue
        pos = idx + len(part)
        name = re.sub(r"^(?:Councillors|Cllrs)\s+", "", part.strip(" .:*<>u/"))
        # "co-opted member Mr. J. Winter": the description before the name is not the name.
        name = re.sub(r"^(?:[a-z][\w-]*\s+)+(?=[A-Z])", "", name)
        if not name or len(name) > 120 or not re.match(r"[A-Z]", name):
            continue
        if not _is_person(name):  # "Kit Hart. The Head of ... reported": keep the name
            name = re.split(r"(?<![A-Z])\.\s+", name, maxsplit=1)[0]
            if not _is_person(name):
                continue
        if name.lower() in ("none", "nil", "no apologies"):
            continue
        s = start + segment.find(name, idx)
        out.append(Attendee(name=name, role=role, char_start=s, char_end=s + len(name)))
    return out
