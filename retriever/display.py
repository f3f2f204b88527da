"""How results read on a screen: plain quotes, plurals, relevance in words, sources grouped.

Shared by the CLI and the TUI so a councillor sees the same wording in both. Nothing here
changes a result: the JSON keeps the exact source text, spans and raw scores.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .results import Citation

# Markup that converted minutes carry (from Word and PDF conversion): bold/italic markers,
# underline tags, heading hashes, table pipes. Shown raw it reads as noise: "**Sally Robinson**".
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?!\w)")
_TAGS = re.compile(r"</?(?:u|b|i|em|strong|br|p|span)\b[^>]*>", re.I)
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+", re.M)
_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\s]+\)")
# A "label: value" line and the paragraph under it ("Overall effectiveness: Good" then
# "Children and families ..."): on one line they would read as one sentence.
_FIELD_THEN_TEXT = re.compile(r"^([^:\n]{3,100}:[ \t]*[^\s.:;!?][^.:;!?\n]{0,60})[ \t]*\n\s*\n\s*"
                              r"(?=[A-Z])", re.M)


def plain(text: str) -> str:
    """``text`` without markdown or HTML emphasis, on one line with single spaces."""
    text = _TAGS.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _HEADING.sub("", text)
    for _ in range(2):  # nested emphasis: ***x*** and **_x_**
        text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", text)
    text = re.sub(r"(?<!\w)\*{2,}|\*{2,}(?!\w)", "", text)  # unpaired bold markers
    text = text.replace("|", " ")
    text = _FIELD_THEN_TEXT.sub(r"\1 — ", text)
    return " ".join(text.split())


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 resolution``, ``2 resolutions`` (``plural_form`` for irregular words)."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def relevance(score: float, scores: Sequence[float]) -> str:
    """Where a hit stands among the hits shown: ``most relevant``, ``3rd most relevant``.

    Fused rank scores (0.0325) mean nothing to a reader, differ by a few thousandths between
    a strong and a weak hit, and are not comparable between searches; the hit's place in the
    relevance order is what helps someone choose what to read when hits are listed by date.
    """
    place = 1 + sum(1 for other in scores if other > score)
    return "most relevant" if place == 1 else f"{ordinal(place)} most relevant"


@dataclass(slots=True)
class SourceGroup:
    """Consecutive entries from one item of one document, shown under one label."""

    citation: Citation
    entries: list = field(default_factory=list)  # CitedQuote, Hit, ... (anything with .citation)


def group_by_item(entries: Sequence[object]) -> list[SourceGroup]:
    """Runs of consecutive entries whose citations name the same document and item.

    Only consecutive runs are merged, so the order of the answer's markers is kept.
    """
    groups: list[SourceGroup] = []
    for entry in entries:
        cite = _citation(entry)
        if groups and _same_item(groups[-1].citation, cite):
            groups[-1].entries.append(entry)
        else:
            groups.append(SourceGroup(cite, [entry]))
    return groups


def _citation(entry: object) -> Citation:
    return entry if isinstance(entry, Citation) else entry.citation  # type: ignore[attr-defined]


def _same_item(a: Citation, b: Citation) -> bool:
    return (a.doc_id, a.item_ref, a.item_title) == (b.doc_id, b.item_ref, b.item_title)


def item_label(citation: Citation) -> str:
    """The source label without a page: the group's entries may sit on different pages."""
    item = " ".join(p for p in (citation.item_ref, citation.item_title) if p).strip()
    parts = [citation.council or "Unknown council", citation.committee or citation.title,
             citation.date or "undated", plain(item) or "(no item)"]
    return " · ".join(parts)


def markers(entries: Iterable[object]) -> str:
    """``[1]`` or ``[1–3]`` or ``[1, 3]`` for a group of numbered quotes."""
    numbers = [int(getattr(e, "n", 0)) for e in entries]
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"[{numbers[0]}–{numbers[-1]}]"
    return ", ".join(f"[{n}]" for n in numbers)


_UNDERSTOOD_NAMES = {"council": "council", "committee": "committee", "doc_type": "kind",
                     "since": "from", "until": "until", "years": "years",
                     "doc_type_hint": "kind of record"}


def understood_line(understood: dict) -> str:
    """One line saying what was taken from the question and applied, or "" when nothing was;
    followed by what had to be relaxed, each on its own line."""
    taken = understood.get("from_question") or {}
    parts = []
    for key, value in taken.items():
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        parts.append(f"{_UNDERSTOOD_NAMES.get(key, key)} {shown}")
    lines = [f"Understood from the question: {'; '.join(parts)}."] if parts else []
    lines += list(understood.get("relaxed") or [])
    return "\n".join(lines)
