"""Which council a record belongs to, from a gazetteer of UK local authorities.

Headers often omit the council (a Walsall panel's minutes just say "the Panel"), so the body is
scanned too: the council named most, weighted towards formal names and the first lines.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .gazetteer_data import AMBIGUOUS, COUNCILS


@dataclass(frozen=True, slots=True)
class Council:
    name: str  # the short name people use: "Barnsley"
    formal: str  # "Barnsley Metropolitan Borough Council"
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def councils() -> tuple[Council, ...]:
    return tuple(Council(n, f, tuple(a)) for n, f, a in COUNCILS)


@lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern[str], dict[str, tuple[Council, int]]]:
    """One alternation over every name, so a document is scanned once, not once per council.

    Formal names weigh more than aliases, and aliases more than a bare place name.
    """
    table: dict[str, tuple[Council, int]] = {}
    for council in councils():
        candidates = [(council.name, 1)]
        candidates += [(a, 3) for a in council.aliases]
        for suffix in ("Council", "City Council", "County Council", "Borough Council",
                       "District Council", "Metropolitan Borough Council"):
            candidates.append((f"{council.name} {suffix}", 4))
        candidates.append((council.formal, 5))
        for name, weight in candidates:
            key = name.lower()
            if key not in table or table[key][1] < weight:
                table[key] = (council, weight)
    pattern = re.compile(r"\b(?:" + trie_regex(list(table)) + r")\b", re.I)
    return pattern, table


def trie_regex(words: list[str]) -> str:
    """One regex over many literal names, shaped as a trie.

    A flat alternation of ~1,700 names tries every name at every position of a document
    (3.5 s for 2 MB of text); as a trie each position is rejected after a character or two.
    Greedy optional branches keep the longest name that ends on a word boundary, as the
    longest-first alternation did.
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def _accept(text: str, match: re.Match[str], council: Council, weight: int) -> bool:
    found = match.group(0)
    if text[max(0, match.start() - 8):match.start()].lower() == "greater ":
        return False  # "Greater Manchester" is not Manchester
    if weight == 1 and council.name in AMBIGUOUS and found != council.name:
        return False  # "bury" the verb; "Bury" the council
    if weight == 3 and found.isupper() is False and any(a.isupper() and a.lower() ==
                                                        found.lower() for a in council.aliases):
        return False  # an acronym alias must be written in capitals
    return True


def iter_councils(text: str):
    pattern, table = _matcher()
    for match in pattern.finditer(text):
        council, weight = table[match.group(0).lower()]
        if _accept(text, match, council, weight):
            yield match, council, weight


_POSSESSIVE = re.compile(r"^\s*['’]s\b")


def detect_council(text: str, head: str | None = None) -> Council | None:
    """The most likely council for a document, or None when no council is named.

    ``head`` is the document's own heading (title lines, running header, the file's title):
    a council it names outranks any number of passing mentions in the body ("a review led by
    Gloucestershire County Council's Director"). A possessive mention counts for nothing.
    """
    head = text[:1500] if head is None else head
    scores: Counter[str] = Counter()
    by_name: dict[str, Council] = {}
    first: dict[str, int] = {}
    for i, (_match, council, weight) in enumerate(iter_councils(head)):
        # A formal name in the heading is decisive; a bare place name there may be a diocese
        # or a partner ("Lichfield Diocesan Education"), so it only leans.
        scores[council.name] += 20 + weight if weight >= 3 else 12
        by_name[council.name] = council
        first.setdefault(council.name, i)
    head_named = bool(scores)
    if not scores:
        named = council_by_form(head)
        if named is not None:
            return named  # the heading names a council the gazetteer does not know
    for match, council, weight in iter_councils(text[:400_000]):
        if _POSSESSIVE.match(text, match.end()):
            continue
        # With no council in the heading, a formal name near the top is the next best sign.
        near_top = not head_named and match.start() < 1500 and weight >= 3
        scores[council.name] += weight + (4 * weight if near_top else 0)
        by_name[council.name] = council
        first.setdefault(council.name, 10**6 + match.start())
    if scores:
        name = max(scores, key=lambda n: (scores[n], -first[n]))
        if scores[name] >= 2:
            return by_name[name]
    return None


_NAME_WORD = r"[A-Z][\w'’.-]*"
_NAME = _NAME_WORD + r"(?:[ ](?:(?:upon|on|and|&|in|of|le|under|the)[ ])?" + _NAME_WORD + r"){0,4}"
_FORM = re.compile(
    r"\b(?:(?:London|Royal)[ ]Borough[ ]of[ ](?P<x1>" + _NAME + r")"
    r"|City[ ]of[ ](?P<x2>" + _NAME + r")[ ]Council"
    r"|(?P<x3>" + _NAME + r")[ ](?:(?:Metropolitan[ ]Borough|County[ ]Borough|Metropolitan"
    r"|County|City|Borough|District)[ ])?Council)\b")
_NOT_A_PLACE = {
    "the", "a", "an", "of", "and", "minutes", "report", "meeting", "inspection", "to", "for",
    "dear", "full", "parish", "town", "youth", "children's", "children", "young", "people",
    "school", "schools", "local", "this", "that", "each", "every", "our", "your", "whole",
    "county", "city", "borough", "district", "metropolitan", "agenda", "executive", "cabinet",
    "committee", "members", "member", "new", "said", "by", "from", "with", "at", "in", "on",
    "labour", "conservative", "liberal", "green", "independent", "world", "european", "british",
    "privy", "arts", "research", "welsh", "scottish", "english", "security", "advisory",
}
_SUFFIX_WORDS = {"county", "city", "borough", "district", "metropolitan"}


def council_by_form(text: str) -> Council | None:
    """A council named by the form of its name ("Eastshire County Council", "London Borough
    of X", "City of X Council"), known to the gazetteer or not; used on headings, where a
    name of that form is the body the document belongs to."""
    lines = [ln.title() if ln.isupper() else ln for ln in text.split("\n")]
    for m in _FORM.finditer("\n".join(lines)):
        raw = m["x1"] or m["x2"] or m["x3"] or ""
        words = raw.split(" ")
        while words and (words[0].lower() in _NOT_A_PLACE or not words[0][:1].isupper()):
            words.pop(0)
        while words and words[-1].lower() in _SUFFIX_WORDS:
            words.pop()
        if not words or words[-1].lower() in _NOT_A_PLACE:
            continue
        place = " ".join(words)
        formal = m.group(0)[m.group(0).find(words[0]) if m["x3"] else 0:]
        if not m["x3"]:
            formal = m.group(0)
        known = _councils_by_name().get(formal.lower()) or _councils_by_name().get(place.lower())
        if known:
            return councils()[min(known)]
        return Council(place, formal, ())
    return None


def find_council_in_query(text: str, known: list[str] | None = None) -> str | None:
    """A council named in a user's question ("in Walsall"), matched against the gazetteer."""
    for _match, council, _weight in iter_councils(text):
        return council.formal
    if known:
        lowered = text.lower()
        for name in known:
            if name and name.lower() in lowered:
                return name
    return None


@lru_cache(maxsize=1)
def _councils_by_name() -> dict[str, frozenset[int]]:
    """Every lower-cased name, formal name and alias -> the councils it can mean."""
    table: dict[str, set[int]] = {}
    for i, entry in enumerate(councils()):
        for name in (entry.name, entry.formal, *entry.aliases):
            table.setdefault(name.lower(), set()).add(i)
    return {name: frozenset(ids) for name, ids in table.items()}


@lru_cache(maxsize=8192)
def council_matches(filter_value: str, council: str | None) -> bool:
    """Whether a stored council satisfies a filter typed as "Walsall" or its formal name.

    Cached, and a dictionary lookup rather than a walk over the gazetteer: a filtered search
    asks this once for every distinct council in the index (130 ms per query at 100x before).
    """
    if not council:
        return False
    f, c = filter_value.strip().lower(), council.lower()
    if f == c or f in c:
        return True
    table = _councils_by_name()
    return bool(table.get(f, frozenset()) & table.get(c, frozenset()))
