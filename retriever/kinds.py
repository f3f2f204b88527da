"""Kinds of record the index holds, learned from its own committees (the body or the kind of
inspection each record is of).

"Camden's area SEND inspection" names a kind of record ("area send inspection") that other
councils' documents carry as their body; when the council the question names holds records
but none of that kind, the honest answer is "not found", not the nearest passage from another
kind of record of that council. Nothing here is a fixed list: the phrases come from the index.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from indexer.dates import MONTHS
from indexer.gazetteer import council_matches

from .dates import Moment, reference_dates
from .vocabulary import word_set

if TYPE_CHECKING:
    from .snapshot import Snapshot

_WORD = re.compile(r"[a-z0-9]+")
_YEAR = re.compile(r"(?:19|20)\d\d")
_FILLER = frozenset("""the a an of to for and in on at by with from local authority authorities
children s childrens services service council councils borough county city district
metropolitan london report reports inspection inspections letter findings""".split())


# A phrase names a kind of record only if it has one of these nouns ("focused visit", "area
# send inspection", "audit committee", "peer challenge"), not a topic ("care leavers").
_KIND_NOUNS = frozenset("""visit visits inspection reinspection review challenge committee panel
board meeting forum cabinet council""".split())


def _words(text: str) -> list[str]:
    """Lower-case words, possessives dropped ("Camden's area SEND inspection")."""
    return _WORD.findall(text.lower().replace("’", "'").replace("'s", ""))


def _phrases(text: str) -> set[str]:
    """Two- and three-word phrases naming a kind of record: one word not filler, one a kind
    noun."""
    words = _words(text)
    out = set()
    for n in (2, 3):
        for i in range(len(words) - n + 1):
            gram = words[i:i + n]
            if (any(w not in _FILLER and not w.isdigit() for w in gram)
                    and any(w in _KIND_NOUNS for w in gram)):
                out.add(" ".join(gram))
    return out


@lru_cache(maxsize=8)
def _catalogue(snap: Snapshot) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """Per document, the phrases of the body whose record it is (committee, or the kind of
    inspection); and the phrases shared by several documents, less council names (which say
    whose record it is, not what kind)."""
    per_doc = {d: frozenset(_phrases(m.committee or "")) for d, m in snap.docs.items()}
    names = set()
    for m in snap.docs.values():
        names |= _phrases(m.council or "")
    # A kind of record recurs: a phrase in the bodies of at least two documents.
    seen: dict[str, int] = {}
    for phrases in per_doc.values():
        for p in phrases:
            seen[p] = seen.get(p, 0) + 1
    every = frozenset(p for p, n in seen.items() if n >= 2) - frozenset(names)
    return per_doc, every


def missing_kind(snap: Snapshot, question: str, council: str | None) -> str:
    """The kind of record the question names that its council's documents lack, or ""."""
    if not council:
        return ""
    per_doc, every = _catalogue(snap)
    own = [d for d, m in snap.docs.items() if m.council and council_matches(council, m.council)]
    if not own:
        return ""
    named = _phrases(question) & every
    held = set().union(*(per_doc[d] for d in own))
    lacking = sorted(p for p in named if p not in held and not any(p in h for h in held))
    # the longest phrase says it best ("area send inspection" over "area send")
    return max(lacking, key=len) if lacking else ""


# "What did the first monitoring visit after the 2024 judgement find?", "Has Ofsted made a
# focused visit since the March 2023 inspection?": a visit later than a record, asked about
# as a record of its own. The report the question starts from does not hold it.
_LATER_VISIT = re.compile(r"\b(?P<kind>monitoring|focused) visits?\b(?:\s+\S+){0,6}?\s+"
                          r"(?:since|after|following)\b", re.I)


# "When did Ofsted next visit X after the December 2024 inspection?": a record dated after
# the one the question starts from, whatever its kind.
# "Has X been re-inspected since 2019?" and "when it next fully inspected X" ask the same of a
# later inspection.
_NEXT_VISIT = re.compile(r"\bnext\s+(?:(?:\w+ly|full|standard|formal|ofsted|ilacs)\s+){0,2}"
                         r"(?:visit(?:ed|s)?|inspect(?:ed|s|ion)?)\b|"
                         r"\b(?:re-?inspect\w*|(?:inspected|visited) again)\b[^?]{0,30}?"
                         r"\b(?:since|after)\b", re.I)
# "When is the next inspection due after the 2023 one?" asks what a record expects, which it
# may say; only a visit that has happened needs a record of its own.
_EXPECTED = re.compile(r"\b(?:will|due|expected|planned|scheduled|going to)\b", re.I)


def missing_later_visit(snap: Snapshot, question: str, council: str | None,
                        doc_ids: list[str]) -> str:
    """The kind of visit the question asks about, made after a record, when no document of
    that kind is among ``doc_ids`` (the records found) or the council's own; or ""."""
    docs = set(doc_ids) | {d for d, meta in snap.docs.items() if council and meta.council
                           and council_matches(council, meta.council)}
    if _NEXT_VISIT.search(question) and not _EXPECTED.search(question):
        return "" if _dated_after(snap, docs, reference_dates(question)) else "visit"
    m = _LATER_VISIT.search(question)
    if not m:
        return ""
    kind = f"{m['kind'].lower()} visit"
    held = any(kind in " ".join(filter(None, (snap.docs[d].title, snap.docs[d].committee))
                                ).lower() for d in docs if d in snap.docs)
    return "" if held else kind


def _dated_after(snap: Snapshot, docs: set[str], known: list[Moment]) -> bool:
    """Whether a record among ``docs`` was made (its own date, not its publication) after the
    latest month or year the question names; True when it names none. ISO dates compare as
    text, to the precision the question gives ("2024-12", or "2024")."""
    latest = max((f"{y}-{MONTHS[m]:02d}" if m in MONTHS else y for y, m in known if y),
                 default=None)
    if latest is None:
        return True
    return any((snap.docs[d].date or "")[:len(latest)] > latest for d in docs if d in snap.docs)


# "When was X inspected before the 2018 inspection?" is answered where a record dates the
# inspection before it: "since the previous inspection in 2014", "last inspected in 2019".
_BEFORE_ASKED = frozenset(("before", "previous", "previously", "prior", "earlier", "preceding"))
_PLACED_EARLIER = re.compile(r"\b(?:previous|last|prior|earlier|preceding)\s+((?:\S+\s+){0,2}?)"
                             r"(inspection|visit)s?\b[^.;]{0,30}?\b(?:19|20)\d\d\b|"
                             r"\blast\s+(inspect|visit)(?:ed)\b[^.;]{0,30}?\b(?:19|20)\d\d\b",
                             re.I)
# What names which earlier record is meant ("the previous area SEND inspection"), beyond the
# words that only place it in time.
_EARLIER_NAMED = re.compile(r"\b(?:previous|prior|earlier|preceding|last)\s+((?:[\w’'-]+\s+){0,2}?)"
                            r"(?:inspection|visit)s?\b", re.I)
_NOT_KIND = frozenset(("previous", "prior", "earlier", "last", "preceding", "ofsted", "full",
                       "its", "their", "the", "an", "a", "s"))


def earlier_asked(question: str) -> tuple[str, frozenset[str]] | None:
    """For "when ... before / previous ...": the kind of record asked about ("inspect" or
    "visit") and the words that name which one ("area SEND" in "the previous area SEND
    inspection"), beyond those that only place it in time; None for other questions."""
    words = set(_WORD.findall(question.lower()))
    if not _BEFORE_ASKED & words:
        return None
    noun = "visit" if {"visit", "visits", "visited"} & words else "inspect"
    m = _EARLIER_NAMED.search(question)
    kind = frozenset(w for w in _WORD.findall((m[1] if m else "").lower())
                     if w not in _NOT_KIND and w not in MONTHS and not _YEAR.fullmatch(w))
    return noun, kind


def placed_earlier(text: str, earlier: tuple[str, frozenset[str]]) -> bool:
    """Whether a sentence dates a record of the kind asked about, before the one the question
    starts from: a visit is not an inspection, and "the previous area SEND inspection" is not
    the last inspection of children's services."""
    noun, kind = earlier
    said = word_set(text)
    return any((m[2] or m[3]).lower()[:5] == noun[:5] and kind <= said
               for m in _PLACED_EARLIER.finditer(text))


# "Is X better than at its 2017 inspection?", "How does the 2025 result compare with the
# previous inspection?", "Did X keep its outstanding rating?": a record compared with an
# earlier one, which a record does where it looks back ("Since the previous inspection in
# 2019, when services were judged outstanding, ...").
_PREVIOUS_ONE = (r"(?:previous|prior|earlier|last|preceding)\s+(?:\S+\s+){0,2}?"
                 r"(?:inspection|visit|judge?ment|rating|grade)s?")
_EARLIER_ONE = (rf"(?:{_PREVIOUS_ONE}|(?:19|20)\d\d|"
                r"(?:one|inspection|visit|rating|grade)\s+before\b)")
COMPARED_EARLIER = re.compile(
    rf"\bcompar\w*\b(?:(?!\b(?:with|to|against)\b)[^?])*\b(?:with|to|against)\s+(?:its\s+|the\s+|"
    rf"their\s+|that\s+|an?\s+)?(?:\S+\s+){{0,2}}?{_EARLIER_ONE}|\b(?:better|worse)\s+than\b[^?]*\b{_EARLIER_ONE}|"
    r"\b(?:keep|kept|retain\w*|maintain\w*|held on to|hold on to|lost|lose)\s+(?:its|their|the)\s+"
    r"(?:\w+\s+)?(?:rating|grade|judge?ment)\b|"
    rf"\b(?:built on|stood still|improved or (?:slipped|declined|deteriorated)|better or worse|"
    rf"got (?:better|worse)|gone (?:downhill|backwards)|slipped|moved on)\b[^?]*\b{_EARLIER_ONE}|"
    # "Has X's grade moved since the previous inspection?" (a year alone: "changed in 2019"),
    # "How far has X come since its previous inspection?"
    rf"\b(?:moved|changed|since)\b[^?]*\b{_PREVIOUS_ONE}\b",
    re.I)
# A sentence that looks back to an earlier record.
LOOKS_BACK = re.compile(r"\b(?:since|at|than|from|after)\s+(?:the|its|their)\s+(?:(?:previous|last|"
                        r"prior|earlier)\s+)?(?:[\w’'-]+\s+){0,2}?(?:inspection|visit)s?\b|"
                        r"\b(?:since|in)\s+(?:19|20)\d\d\b[^.]{0,40}\bwhen\b|"
                        r"\b(?:in|at)\s+(?:\w+\s+)?(?:19|20)\d\d\b[^.]{0,60}\b(?:was|were)\s+"
                        r"(?:judged|rated|graded|found)\b|"
                        r"\bpreviously\s+(?:been\s+)?(?:judged|rated|graded|inspected|found)\b|"
                        r"\bprevious (?:inspection|judge?ment)|\bno longer\b", re.I)


# "the joint targeted area inspection": a kind of inspection named by three or more words
# before its noun (fewer are too often a council's name, a verb or "social care"). Words that
# only place or qualify a record ("the last full Ofsted inspection") do not name a kind.
# Not a verb with its object ("after helping review the local offer").
_NAMED_KIND = re.compile(r"((?:[a-z]+\s+){2,4})(inspection|visit|review)s?\b"
                         r"(?!\s+(?:the|a|an|its|their|our|this|that|these|those)\b)")
_PLACES_A_RECORD = _FILLER | _NOT_KIND | frozenset("""next first second third latest recent
most new own same this that whole formal standard did does do was were is are has have had what
which when how carried carry carries out conducted conduct conducts undertaken undertook undertake
made make makes""".split())  # verbs: "when had Ofsted carried out focused visits"


def unmentioned_kind(question: str, said: list[str]) -> str:
    """A kind of inspection the question names in three or more words ("joint targeted area
    inspection") that none of the records found is (their council, body and title are in
    ``said``) and none of their passages mentions, by its last three words."""
    text, lowered = " ".join(_words(" ".join(said))), " ".join(_words(question))
    for m in _NAMED_KIND.finditer(lowered):
        words = m[1].split()
        while words and words[0] in _PLACES_A_RECORD:
            words.pop(0)
        if len(words) < 3 or any(w in _PLACES_A_RECORD or w in MONTHS for w in words):
            continue
        if re.fullmatch(r"[a-z]+[^s]s", words[-1]) and not m[0].endswith("s"):
            continue  # "when Kent social workers visit children": a verb, not a kind
        phrase = " ".join(words[-2:] + [m[2]])
        if phrase not in text:
            return " ".join(words + [m[2]])
    return ""
