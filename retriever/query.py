"""Understanding a question: what it implies (a council, dates, a kind of record) and its terms.

What a question implies ranks; it restricts only documents whose own field is known to differ.
Many real records never state their council or date in their text, so a council named in a
question must not hide a document whose council is unknown. Filters a user sets explicitly
(flags, API parameters, the TUI's filters) stay hard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from indexer.gazetteer import council_matches, find_council_in_query

from .results import Filters
from .vocabulary import ACRONYMS, STOPWORDS, acronyms_in, expansions_for

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’&-]*")
_SINCE = re.compile(r"\b(?:since|from|after)\s+((?:19|20)\d\d)\b", re.I)
_BEFORE = re.compile(r"\b(?:before|until|up to|prior to)\s+((?:19|20)\d\d)\b", re.I)
_BETWEEN = re.compile(r"\bbetween\s+((?:19|20)\d\d)\s+and\s+((?:19|20)\d\d)\b", re.I)
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
# A council named by its form, even one no gazetteer knows ("Eastshire County Council").
_COUNCIL_FORM = re.compile(
    r"\b(?:London Borough of|Royal Borough of|City of|Borough of)\s+[A-Z][\w'’-]+(?:\s+(?:and\s+)?"
    r"[A-Z][\w'’-]+){0,2}|\b[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}\s+(?:Metropolitan Borough|"
    r"County Borough|Borough|County|City|District)\s+Council\b")
_TYPE_HINTS = (
    (re.compile(r"\bpeer (?:review|challenge|team)|\bLGA\b", re.I), "peer_review"),
    (re.compile(r"\binspect(?:ion|ors?)\b|\bfocused visit|\bfocussed visit|\bOfsted\b", re.I),
     "inspection"),
    (re.compile(r"\bminutes?\b|\bmeeting\b|\bresolved\b|\bagreed\b|\bcommittee\b|\bpanel\b",
                re.I), "minutes"),
    (re.compile(r"\breport\b", re.I), "report"),
)


@dataclass(slots=True)
class Understood:
    text: str  # what the dense model embeds
    terms: list[str]  # keyword terms for BM25 (already expanded)
    filters: Filters  # set explicitly by the user: hard
    implied: Filters = field(default_factory=Filters)  # taken from the question: soft
    years: list[str] = field(default_factory=list)
    doc_type_hint: str | None = None
    council_named: str | None = None  # as the question names it
    notes: list[str] = field(default_factory=list)  # what was relaxed or found nothing
    allowed: list[str] | None = None  # the documents in scope (see search.scope)
    scoped: bool = False

    def understanding(self) -> dict[str, Any]:
        """The ``understood`` object of the JSON contract."""
        explicit = {k: v for k, v in self.filters.to_dict().items() if v}
        implied = {k: v for k, v in self.implied.to_dict().items() if v and k not in explicit}
        if self.years:
            implied["years"] = list(self.years)
        if self.doc_type_hint and "doc_type" not in explicit:
            implied["doc_type_hint"] = self.doc_type_hint
        return {"filters": explicit | {k: v for k, v in implied.items()
                                       if k not in ("years", "doc_type_hint")},
                "from_question": implied, "relaxed": list(self.notes)}


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


def _core(council: str) -> str:
    """"Eastshire" from "Eastshire County Council" or "London Borough of Eastshire"."""
    core = re.sub(r"^(?:the\s+)?(?:London Borough of|Royal Borough of|City of|Borough of)\s+",
                  "", council, flags=re.I)
    core = re.sub(r"\s+(?:Metropolitan Borough|County Borough|Borough|County|City|District)?\s*"
                  r"Council$", "", core, flags=re.I)
    return core.strip()


# First words that do not name a place on their own ("North Somerset", "City of London").
_NOT_SHORT = frozenset("North South East West Central Greater Royal City Borough County "
                       "Metropolitan London Isle Isles".split())


@lru_cache(maxsize=8)
def _short_names(councils: tuple[str, ...]) -> dict[str, str]:
    """The first word of a council's name of several ("Richmond" for Richmond upon Thames,
    "Kensington" for Kensington and Chelsea, "Stockton" for Stockton-on-Tees), as people
    shorten it, where no other council of the index starts with it."""
    firsts: dict[str, list[str]] = {}
    for council in councils:
        words = re.split(r"[\s,-]+", _core(council))
        if len(words) > 1 and len(words[0]) >= 5 and words[0] not in _NOT_SHORT:
            firsts.setdefault(words[0], []).append(council)
    return {w: cs[0] for w, cs in firsts.items() if len(cs) == 1}


_STATED_FIRST = re.compile(r"^[^?]+?[.!]\s+(?P<asked>[^.!?]+\?)\s*$")
_JOINING = frozenset({"and", "of", "upon", "on", "the", "in"})


@lru_cache(maxsize=8)
def _initials(councils: tuple[str, ...]) -> dict[str, str]:
    """A council's initials as people write them ("MK" for Milton Keynes, "RBKC" for the
    Royal Borough of Kensington and Chelsea, "B&NES", "BCP"), where only one council of the
    index has them."""
    found: dict[str, list[str]] = {}
    for council in councils:
        core = [w for w in re.split(r"[\s,-]+", _core(council)) if w and w.lower() not in _JOINING]
        if len(core) < 2:
            continue
        short = "".join(w[0] for w in core).upper()
        prefix = re.match(r"(?:the\s+)?(London Borough|Royal Borough) of\s", council, re.I)
        forms = {short} | ({"".join(w[0] for w in prefix[1].split()).upper() + short}
                           if prefix else set())
        for form in forms:
            found.setdefault(form, []).append(council)
    return {f: cs[0] for f, cs in found.items() if len(set(cs)) == 1}


# "West and North Northamptonshire", "East and West Sussex": two places sharing one name.
_SHARED_NAME = re.compile(r"\b(North|South|East|West|Central)\s+and\s+(North|South|East|West|"
                          r"Central)\s+([A-Z][\w-]+)")


def council_in_question(question: str, councils: list[str]) -> str | None:
    """The council a question names: one the index holds first (by its core name, so
    "Eastshire" finds "Eastshire County Council"), then the gazetteer, then the form."""
    question = _SHARED_NAME.sub(r"\1 \3 and \2 \3", question)
    for council in sorted(councils, key=len, reverse=True):
        core = _core(council)
        if len(core) >= 3 and re.search(rf"\b{re.escape(core)}\b", question, re.I):
            return council
    short = _short_names(tuple(councils))
    for word in re.findall(r"\b[A-Z][a-z]{4,}\b", question):
        if word in short:
            return short[word]
    initials = _initials(tuple(councils))
    for token in re.findall(r"(?<![\w&])([A-Z][A-Z&]{1,6})(?:[’']s)?(?![\w&])", question):
        form = token.replace("&", "")
        if form in initials and form not in ACRONYMS:
            return initials[form]
    named = find_council_in_query(question)
    if named:
        return named
    m = _COUNCIL_FORM.search(question)
    return m.group(0) if m else None


def understand(question: str, councils: list[str], learned: dict[str, set[str]],
               explicit: Filters) -> Understood:
    implied = Filters()
    named = council_in_question(question, councils)
    if named and not explicit.council:
        held = [c for c in councils if council_matches(named, c) or c == named]
        implied.council = held[0] if held else named
    spans: list[str] = []  # the years that set a range are not years asked about
    if not (explicit.since or explicit.until):
        if m := _BETWEEN.search(question):
            implied.since, implied.until = f"{m[1]}-01-01", f"{m[2]}-12-31"
            spans += [m[1], m[2]]
        else:
            if m := _SINCE.search(question):
                implied.since = f"{m[1]}-01-01"
                spans.append(m[1])
            if m := _BEFORE.search(question):
                implied.until = f"{int(m[1]) - 1}-12-31"
                spans.append(m[1])
    # "How much has X improved since 2019, according to the 2024 report?" asks about 2024.
    # "X is now good after the June 2025 inspection. What was it judged at the 2022 one?": the
    # years of a fact stated first are what the asker knows; the question's own are asked.
    stated = _STATED_FIRST.match(question)
    asked = stated["asked"] if stated and _YEAR.search(stated["asked"]) else question
    years = [y for y in _YEAR.findall(asked) if y not in spans]
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
    return Understood(text=dense, terms=list(dict.fromkeys(terms + extra)), filters=explicit,
                      implied=implied, years=years, doc_type_hint=hint, council_named=named)


# Who is asking and why, before or around the question itself: "As a Southwark councillor,",
# "I'm preparing for scrutiny committee -", "I'd like to know", "can you tell me".
_FRAMING = (
    re.compile(r"^\s*as\s+(?:a|an|the)\s+[^,.:;?]{1,60}?(?:[,:;–—]\s*|\s+-\s+|\s+(?=I\b))",
               re.I),
    re.compile(r"^\s*I(?:'m|’m|\s+am)\s+(?:a|an|the)\s+[^,.:;?–—]{1,60}?(?:[,:;–—]|\s-)\s*",
               re.I),
    re.compile(r"^\s*I(?:'m|’m|\s+am)\s+(?:preparing|getting ready|writing)\s+(?:for|a|an|to)\s+"
               r"[^,.:;?–—]{1,60}?(?:[,:;–—]|\s-)\s*", re.I),
    re.compile(r"\b(?:I(?:'d|’d|\s+would)\s+like\s+to\s+know|I\s+(?:want|need|wish)\s+to\s+know|"
               r"(?:can|could)\s+you\s+tell\s+me|please\s+tell\s+me)\s*,?\s*", re.I),
)


def asked_plainly(question: str) -> str:
    """The question without who is asking or why ("As a foster carer in Eastshire I want to
    know why ..." asks "why ..."): these words are in no record, and they pull the search and
    the kind of answer away from what is asked. The question itself when nothing is left."""
    plain, names = question, []
    for pattern in _FRAMING:
        m = pattern.search(plain)
        if m:  # the place stays: "As a Lambeth councillor" asks about Lambeth's records
            names += [w for w in _WORD.findall(m[0])[1:] if w[0].isupper() and w != "I"]
            plain = plain[:m.start()] + plain[m.end():]
    plain = plain.strip()
    if len(plain.split()) < 3:
        return question
    plain = plain[0].upper() + plain[1:]
    if names:
        end = len(plain.rstrip("?.! "))
        plain = f"{plain[:end]} ({' '.join(names)}){plain[end:]}"
    return plain
