"""Understanding a question: the filters and boosts it implies, and its search terms.

"in Walsall" restricts to Walsall's records; "since 2017" to meetings from 2017; "peer review"
and "in 2014" are boosts rather than filters, because a 2017 report can describe a 2014 event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.gazetteer import council_matches, find_council_in_query

from .results import Filters
from .vocabulary import STOPWORDS, acronyms_in, expansions_for

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’&-]*")
_SINCE = re.compile(r"\b(?:since|from|after)\s+((?:19|20)\d\d)\b", re.I)
_BEFORE = re.compile(r"\b(?:before|until|up to|prior to)\s+((?:19|20)\d\d)\b", re.I)
_BETWEEN = re.compile(r"\bbetween\s+((?:19|20)\d\d)\s+and\s+((?:19|20)\d\d)\b", re.I)
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_TYPE_HINTS = (
    (re.compile(r"\bpeer (?:review|challenge|team)|\bLGA\b", re.I), "peer_review"),
    (re.compile(r"\binspect(?:ion|ors?)\b|\bfocused visit|\bfocussed visit", re.I), "inspection"),
    (re.compile(r"\bminutes?\b|\bmeeting\b|\bresolved\b|\bagreed\b|\bcommittee\b|\bpanel\b",
                re.I), "minutes"),
    (re.compile(r"\breport\b", re.I), "report"),
)


@dataclass(slots=True)
class Understood:
    text: str  # what the dense model embeds
    terms: list[str]  # keyword terms for BM25 (already expanded)
    filters: Filters
    years: list[str] = field(default_factory=list)
    doc_type_hint: str | None = None
    council_named: str | None = None
    council_missing: bool = False  # the question names a council the index does not hold


def keyword_terms(text: str) -> list[str]:
    out = []
    for w in _WORD.findall(text):
        w = w.strip("'’-")
        if len(w) < 2 and not w.isdigit():
            continue
        if w.lower() in STOPWORDS:
            continue
        out.append(w)
    return out


def understand(question: str, councils: list[str], learned: dict[str, set[str]],
               explicit: Filters) -> Understood:
    inferred = Filters()
    council_missing = False
    named = find_council_in_query(question, councils)
    if named and not explicit.council:
        held = [c for c in councils if council_matches(named, c)]
        if held:
            inferred.council = held[0]
        else:
            council_missing = True
            inferred.council = named
    if m := _BETWEEN.search(question):
        inferred.since, inferred.until = f"{m[1]}-01-01", f"{m[2]}-12-31"
    else:
        if m := _SINCE.search(question):
            inferred.since = f"{m[1]}-01-01"
        if m := _BEFORE.search(question):
            inferred.until = f"{int(m[1]) - 1}-12-31"
    years = [y for y in _YEAR.findall(question)
             if not (inferred.since or inferred.until)]
    hint = next((t for pattern, t in _TYPE_HINTS if pattern.search(question)), None)
    terms = keyword_terms(question)
    extra: list[str] = []
    dense_extra: list[str] = []
    for t in terms:
        forms = expansions_for(t, learned)
        if forms:
            dense_extra.extend(forms[:1])
            for form in forms:
                extra.extend(keyword_terms(form))
    for acronym in acronyms_in(question, learned):
        if acronym not in terms:
            extra.append(acronym)
    dense = question + (" (" + "; ".join(dense_extra) + ")" if dense_extra else "")
    return Understood(text=dense, terms=list(dict.fromkeys(terms + extra)),
                      filters=explicit.merged(inferred), years=years, doc_type_hint=hint,
                      council_named=named, council_missing=council_missing)


def fts_query(terms: list[str]) -> str | None:
    """An FTS5 MATCH expression that cannot be a syntax error: every term is quoted."""
    quoted = []
    for t in terms:
        clean = t.replace('"', "").strip()
        if clean:
            quoted.append(f'"{clean}"')
    return " OR ".join(dict.fromkeys(quoted)) or None
