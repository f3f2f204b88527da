"""Sentence spans inside a passage, as offsets into the document text.

Minutes are full of lists, "Present:" lines and clauses ended by semicolons; each bullet or
line is its own unit so that a quote is short and exactly what the record says.
"""

from __future__ import annotations

import hashlib
import re

# Bullets as PDFs set them: "◼", "▪", "●", and the Symbol font's private-use glyphs.
BULLETS = "•◼▪■●◦‣\uf0b7\uf06e\uf0a7\uf02d"
_BOUNDARY = re.compile(
    rf"(?<=[.!?])[\"'”’)]?\s+(?=[A-Z0-9(\"'“‘{BULLETS}-])"  # end of a sentence
    r"|\n\s*\n"  # blank line
    rf"|\n(?=\s*(?:[-*{BULLETS}]|\(?[0-9ivx]{{1,4}}[.)]|[A-Z]))"  # a new line: a new unit
    r"|(?<=;)\s*\n")
_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Cllr|No|St|Co|Ltd|inc|e\.g|i\.e|etc|cf|p|pp|para|"
                     r"approx|Prof|Rev|vs)\.|\b[A-Z]\.)$")
_LEAD = re.compile(r"^[\s\-•*–]+")
MAX_SENTENCE = 600


def split_sentences(text: str, base: int = 0) -> list[tuple[int, int]]:
    """(start, end) spans of sentences in ``text``, shifted by ``base``."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        head = text[start:m.start()]
        if _ABBREV.search(head.rstrip()) and "\n" not in m.group(0):
            continue  # "Mr. J. Winter" and "G. Carr" do not end sentences
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    spans = _titles_joined(text, spans)
    out = []
    for a, b in spans:
        piece = text[a:b]
        lead = _LEAD.match(piece)
        if lead:
            a += lead.end()
        while b > a and text[b - 1].isspace():
            b -= 1
        if b - a < 12 or not re.search(r"[A-Za-z]{3}", text[a:b]):
            continue
        while b - a > MAX_SENTENCE:  # a run-on list line: cut at a clause boundary
            cut = max(text.rfind("; ", a, a + MAX_SENTENCE), text.rfind(", ", a, a + MAX_SENTENCE))
            cut = cut + 1 if cut > a + 80 else a + MAX_SENTENCE
            out.append((base + a, base + cut))
            a = cut
            while a < b and text[a].isspace():
                a += 1
        out.append((base + a, base + b))
    return out


# "Lead inspector: Steve Lowe" / "Her Majesty's Inspector": a name given in a field, and on
# the next line the title that goes with it, are one unit, as a wider page sets them.
_NAME_FIELD = re.compile(r"^[^:\n]{3,40}:\s*[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){1,3}\s*$")
_TITLE_LINE = re.compile(r"^(?:[A-Z][\w’'-]*|of|and|for|the)(?:\s+(?:[A-Z][\w’'-]*|of|and|for|"
                         r"the)){0,6}$")
_ROLE = re.compile(r"\b(?:Inspector|Officer|Director|Chair|Manager|Executive|Adviser|Advisor|"
                   r"Head|Lead|Secretary|Clerk)\b")
_HONORIFIC = re.compile(r"\b(?:Councillors?|Cllr|Mr|Mrs|Ms|Miss|Dr)\b")


# A letter's sign-off: "Yours sincerely", then the name and title of who signed it, which
# would otherwise be lines too short to quote ("Who signed the letter?").
_VALEDICTION = re.compile(r"^(?:Yours (?:sincerely|faithfully|truly)|(?:With )?(?:kind|best) "
                          r"(?:regards|wishes)|Regards),?$", re.I)
_SIGNED_LINES = 3  # name, title, body


def _titles_joined(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    signed = 0  # lines of a sign-off still to join
    for a, b in spans:
        if out:
            pa, pb = out[-1]
            line = text[a:b].strip()
            gap = text[pb:a].count("\n")
            if (gap == 1 and _NAME_FIELD.match(text[pa:pb].strip())
                    and _TITLE_LINE.match(line) and _ROLE.search(line)
                    and not _HONORIFIC.search(line)):
                out[-1] = (pa, b)
                continue
            first = signed == _SIGNED_LINES
            if signed and line and len(line) <= 60 and line[-1] not in ".!?:" \
                    and (gap == 1 or first and gap == 2):
                out[-1], signed = (pa, b), signed - 1
                continue
        signed = _SIGNED_LINES if _VALEDICTION.match(text[a:b].strip()) else 0
        out.append((a, b))
    return out


_LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z][a-z’'-]*")


def sentence_shape(text: str) -> int | None:
    """A sentence with its names, places and numbers left out (only the lower-case words kept),
    as a 56-bit number; None for sentences too short to be a template. "This letter summarises
    the findings of a focused visit to Leeds children's services on 20 and 21 July 2021" has
    the same shape in every council's letter."""
    return _digest(_LOWER_WORD.findall(text))


_ANY_WORD = re.compile(r"\w+")


def sentence_fingerprint(text: str) -> int | None:
    """The sentence itself, every word kept (names and numbers too), as a 56-bit number kept
    beside the shapes: a sentence whose exact words recur in several documents is publisher
    boilerplate ("Ofsted regulates and inspects..."), while one that only shares its shape is
    a template with the document's own facts in its slots ("... a focused visit to Leeds on
    20 and 21 July 2021"), which may well be the answer."""
    return _digest(_ANY_WORD.findall(text.lower()), b"exact")


def _digest(words: list[str], person: bytes = b"") -> int | None:
    """56 bits of the words (so PostgreSQL's bigint holds them); None under six words, too
    few to be a template. ``person`` keeps fingerprints apart from shapes in one table."""
    if len(words) < 6:
        return None
    return int.from_bytes(hashlib.blake2b(" ".join(words).encode(), digest_size=7,
                                          person=person).digest(), "big")
