"""Cited answers: retrieve -> compose -> verify, or "not found" with the reason.

Nothing is paraphrased: the answer is made of verbatim sentences of the best passages. When
the records found are weak matches, or do not hold what the question pins down (the year or
the council it names), the assistant declines in one line instead of citing the nearest
passage as if it answered.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from indexer.dates import find_dates

from .asks import answer_kind, asks_current_rating, asks_record_form
from .compose import asks_for_decisions, compose, compose_decisions, decision_topic
from .evidence import FEATURES, WEIGHTS, on_topic
from .grades import grade_of_year_missing, scale_words
from .kinds import missing_kind, missing_later_visit, unmentioned_kind
from .lacking import (
    BEST,
    lacks_asked,
    unmentioned_abbreviation,
    unmentioned_graded,
    unmentioned_name,
)
from .query import asked_plainly
from .rank import ranked
from .results import AskResult, Citation, Filters
from .search import Candidate, understand_turn
from .verify import not_found, verified
from .vocabulary import GENERIC_WORDS, STOPWORDS, VAGUE_WORDS, Words, word_set

if TYPE_CHECKING:
    from .assistant import Assistant
    from .query import Understood
    from .snapshot import Snapshot

PASSAGES = 6
TOPIC_COVER = 0.4  # share of a question's topic words a decision must hold to be listed
_FIT = FEATURES.index("fit")


def answer_question(snap: Snapshot, assistant: Assistant, question: str,
                    history: list[dict[str, str]], filters: Filters, k: int = 8) -> AskResult:
    question = asked_plainly(question)
    u = understand_turn(snap, question, history, filters)
    result = _answer(snap, assistant, question, u, k)
    result.understood = u.understanding()
    return result


def _kind_unmentioned(question: str, said: list[str]) -> str:
    kind = unmentioned_kind(question, said)
    return f"The records found are not of a {kind}, and do not mention one." if kind else ""


def _what_top_says(snap: Snapshot, top: list[Candidate]) -> list[str]:
    """The passages found and what their records are (council, body, title): "the ILACS
    inspection" is named by the record's kind, which its running headers no longer say."""
    out = [c.chunk.text for c in top if c.chunk is not None]
    for doc_id in dict.fromkeys(c.chunk.doc_id for c in top if c.chunk is not None):
        meta = snap.docs.get(doc_id)
        if meta is not None:
            out += [v for v in (meta.council, meta.committee, meta.title) if v]
    return out


def _answer(snap: Snapshot, assistant: Assistant, question: str, u: Understood,
            k: int) -> AskResult:
    if u.allowed is not None and not u.allowed:
        reason = u.notes[-1] if u.notes else "No documents match the filters given."
        return not_found(question, reason, [], u.filters)
    cands, scored = ranked(snap, assistant, question, u)
    if not cands:
        return not_found(question, "No passage matched the question.", [], u.filters)
    top = cands[:min(k, PASSAGES)]
    keep = {c.chunk_id for c in top}
    sentences = [s for s in scored if s.cand.chunk_id in keep]
    related = [_citation(snap, c) for c in cands[:3]]
    confidence = _confidence(cands, sentences)
    if confidence < assistant.settings.abstain_threshold and _in_record_form(snap, question,
                                                                             sentences):
        confidence = assistant.settings.abstain_threshold
    said = _what_top_says(snap, top)
    missing = _unmet(snap, u, top) or lacks_asked(
        question, [s.text for s in sentences], [float(s.features[3]) for s in sentences]
    ) or unmentioned_abbreviation(question, said) or unmentioned_name(question, said) or (
        unmentioned_graded(question, said)) or (
        _not_that_meeting(snap, question, _decision_scope(u))) or _kind_unmentioned(question,
                                                                                   said) or (
        _grade_of_year(snap, question, u, sentences))
    if not sentences or confidence < assistant.settings.abstain_threshold:
        result = not_found(question, "The passages found match it only weakly.", related,
                           u.filters)
    elif missing:
        result = not_found(question, missing, related, u.filters)
    elif isinstance(draft := _decisions(snap, assistant, question, u), str):
        result = not_found(question, draft, related, u.filters)
    else:
        if draft is None:
            # Asked for decisions, and none holds the topic: the sentences that do answer,
            # not a list of the decisions that happen to be near them.
            spans = {} if asks_for_decisions(question) else _decision_spans(snap, top)
            draft = compose(snap, question, sentences, spans)
        draft.note = " ".join(u.notes)
        result = verified(snap, question, draft, u.filters)
    result.confidence = confidence
    return result


def _grade_of_year(snap: Snapshot, question: str, u: Understood, sentences: list) -> str:
    """Why a rating asked of a named year is not in the best sentences (see
    ``grade_of_year_missing``); empty when it may be."""
    if not u.years or not asks_current_rating(answer_kind(question)):
        return ""
    best = []
    for s in sentences[:BEST]:
        meta = snap.docs.get(s.doc_id)
        best.append((s.text, meta.date if meta else None, meta.published if meta else None))
    if not grade_of_year_missing(u.years, best):
        return ""
    return f"The passages found give no grade from {' or '.join(u.years)}."


def _decisions(snap: Snapshot, assistant: Assistant, question: str, u: Understood):
    """For "what did X resolve / agree / decide (about Y)": the records' own decisions in
    scope, from the resolutions the indexer found, rather than whichever sentences of the
    best passages happen to be decisions. None when the records hold no such decision."""
    from .records import find_resolutions

    if not asks_for_decisions(question):
        return None
    scope = _decision_scope(u)
    # The council and the body named are the scope, not the topic ("the Walsall panel").
    named = set((u.implied.council or u.filters.council or "").lower().split())
    lowered = question.lower()
    for committee in snap.facets().committees:  # "the Corporate Parenting Board", as written
        if committee.lower() in lowered:
            named |= set(committee.lower().split())
    # ... and so is the date of the meeting ("at its meeting on 22 October 2009").
    topic = " ".join(w for w in _AT_MEETING.sub(" ", _DATE_WORDS.sub(" ", decision_topic(
        question))).split()
                     if w.lower().strip("'’s") not in named | GENERIC_WORDS)
    found = find_resolutions(snap, assistant, topic, scope,
                             sort="relevance", limit=12, offset=0).resolutions
    # A decision is about its item: "RESOLVED that the report be noted" under "Adoption".
    # ... and the decisions must hold most of what the question is about, not one word of it.
    about = on_topic(topic, found, text=lambda h: f"{h.item_title or ''} {h.text}",
                     cover=TOPIC_COVER)
    # "... at its meeting on 22 October 2009": that meeting's decisions, not the ones of the
    # earlier meeting whose minutes its agenda pack carries.
    days = _days(question)
    if about and days:
        held = [h for h in about if h.citation.date in days]
        if not held:
            made = ", ".join(sorted({h.citation.date or "undated" for h in about}))
            return (f"No decision on this from a meeting on {_day(days[0])} was found; the "
                    f"decisions found were made on {made}.")
        about = held
    return compose_decisions(snap, about) if about else None


def _decision_scope(u: Understood) -> Filters:
    """The filters given, and the council the question names when it holds records."""
    if u.implied.council and not u.notes and not u.filters.council:
        return replace(u.filters, council=u.implied.council)
    return u.filters


def _days(question: str) -> list[str]:
    return [found.iso for found in find_dates(question)]


def _not_that_meeting(snap: Snapshot, question: str, scope: Filters) -> str:
    """Asked what was decided at a meeting on a given day, when the minutes dated that day
    hold decisions but all of them were made at another meeting (the previous meeting's
    minutes in an agenda pack): the decisions of that day are not in the index."""
    days = _days(question)
    if not days or not asks_for_decisions(question):
        return ""
    allowed = snap.matching_docs(scope)
    docs = [d for d, m in snap.docs.items() if m.doc_type == "minutes" and m.date in days
            and (allowed is None or d in allowed)]
    if not docs:
        return ""
    made = {snap.date_at(d, a) for d, spans in snap.store.decision_spans(docs).items()
            for a, _ in spans}
    if not made or made & set(days):
        return ""
    return (f"No decision made at a meeting on {_day(days[0])} is in this index; the minutes "
            f"dated that day record decisions of {', '.join(sorted(str(d) for d in made))}.")


def _day(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def _confidence(cands: list[Candidate], sentences: list) -> float:
    """How well the records match the question, not how well a sentence fits its form."""
    if not sentences:
        return 0.0
    # The best sentence by what it says, whatever its form: a question asking for a date
    # or a list of improvements is no more in the records for the form being there.
    best = max(sentences, key=lambda s: s.score - WEIGHTS[_FIT] * s.features[_FIT])
    top_dense = max(c.dense for c in cands[:3])
    return 0.6 * top_dense + 0.2 * float(best.features[0]) + 0.2 * float(best.features[2])


def _in_record_form(snap: Snapshot, question: str, sentences: list) -> bool:
    """Whether the question asks for something a record states in a form of its own (the
    items listed under "What needs to improve", a rated field) and one of the three best
    sentences is that form, in a record that holds every word the question uses but those
    asking for a grade ("rated", "lower than that"). Such a question shares few words with its
    answer ("What was the one thing X was asked to improve?" and an item "The formal
    matching and panel approval of ..."), so closeness of wording understates the match; a
    question naming anything the record lacks ("... about exam results") is still measured
    by wording alone."""
    if not sentences or not asks_record_form(question):
        return False
    best = next((s for s in sentences[:3] if s.features[_FIT] >= 1.0), None)
    if best is None:
        return False
    held = Words(word_set(snap.text_of(best.doc_id)))
    scale = scale_words(question) | VAGUE_WORDS  # a record's list names its items, not these
    asked = [w for w in word_set(question)
             if len(w) >= 3 and w not in STOPWORDS and w not in scale and w not in _ASKING]
    return all(held.has(w) for w in asked)


# Words of how a question asks ("What did Ofsted say X must improve following its 2024
# inspection?", "according to"), which a record need not hold.
_ASKING = frozenset({"must", "should", "shall", "might", "following", "according", "regarding",
                     "concerning", "per",
                     # how a question points at the record itself ("the report listed ...")
                     "report", "reports", "list", "lists", "listed", "mention", "mentions",
                     "mentioned", "stated"})
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December")
_AT_MEETING = re.compile(r"\b(?:at|in|during)\s+(?:its|the|their|that)\s+(?:\w+\s+)?"
                         r"meetings?\b(?:\s+(?:on|of|held(?:\s+on)?)\b)?", re.I)
_DATE_WORDS = re.compile(rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?|{_MONTHS}|(?:19|20)\d\d)\b")
_FULL_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS})\s+((?:19|20)\d\d)\b", re.I)
# A kind of record named outright: a question about a peer review, or about a committee's
# meeting, is not answered by another kind of record about the same council.
_MEETING_ACTS = (r"(?:resolv|decid|agree|discuss|consider|review|not(?:e|ed)\b|approv|"
                 r"recommend|heard|hear\b|receiv|meet|met\b|scrutini|debat|vot(?:e|ed)\b)\w*")
# The question names an inspection or its report as where the answer is.
_SOURCE_NAMED = re.compile(r"\b(?:according to|as (?:noted|stated|reported) in|in|per|"
                           r"(?:by|at) the time of)\s+"
                           r"(?:the\s+|its\s+|ofsted[’']s\s+)?(?:\S+\s+){0,3}?(?:inspection|"
                           r"focused visit|monitoring visit|inspection report)\b", re.I)
_KIND_NAMED = (
    (re.compile(r"\bpeer (?:review|challenge)\b", re.I), "peer_review", "peer review"),
    # A body named as the one acting at a meeting ("when did the committee last review X"),
    # not as what is asked about ("was the corporate parenting panel effective").
    # "Minutes" and "meeting" as nouns: not a time ("within 30 minutes") nor a verb ("meeting
    # the threshold").
    (re.compile(r"(?<!\d )\bminutes\b|\bmeeting\b(?!\s+(?:the|their|its|his|her|this|these|"
                r"those|all|some|any|an?|each|every|needs?|targets?|thresholds?|standards?|"
                r"requirements?|expectations?|criteria|deadlines?|demand)\b)|"
                r"\b(?:committee|panel|board|cabinet)\b[^?]{0,60}?"
                rf"\b{_MEETING_ACTS}|\b{_MEETING_ACTS}[^?]{{0,40}}?\b(?:committee|panel|board|"
                r"cabinet)\b|"
                # A vote is recorded in the minutes of the meeting that took it.
                r"\b(?:council|councillors|members|cabinet)\b[^?]{0,40}?\bvot(?:e|ed|ing)\b",
                re.I), "minutes", "committee minutes"),
)


def _unmet(snap: Snapshot, u: Understood, cands: list[Candidate]) -> str:
    """What the question pins down that none of the passages found holds: a year it names
    (in neither the record's date nor the passage), or a council when only other councils'
    records were found. Empty when nothing is missing."""
    docs = [snap.docs[c.chunk.doc_id] for c in cands]  # type: ignore[union-attr]
    council = u.filters.council or u.implied.council
    lacking = missing_kind(snap, u.text, council)
    if lacking:
        return f"No record of the kind \"{lacking}\" from {council} is in this index."
    later = missing_later_visit(snap, u.text, council, [m.doc_id for m in docs])
    if later:
        return (f"No {later} after the records found is in this index; the latest found is "
                f"from {max((m.published or m.date or '') for m in docs) or 'an unknown date'}.")
    for pattern, kind, label in _KIND_NAMED:
        # "... the peer review that led to a new team, according to the 2023 inspection"
        # names the inspection as its record; the peer review is only what it is about.
        named_other = bool(_SOURCE_NAMED.search(u.text))
        if pattern.search(u.text) and not u.filters.doc_type and not named_other and all(
                m.doc_type != kind for m in docs):
            return f"No {label} matching the question was found."
    for day, month, year in _FULL_DATE.findall(u.text):
        wanted = f"{int(day)} {month.lower()} {year}"
        texts = " ".join(" ".join(c.chunk.text.lower().split())  # type: ignore[union-attr]
                         for c in cands)
        if wanted not in texts and not any(m.date and _same_day(m.date, day, month, year)
                                           for m in docs):
            return f"Nothing found about {int(day)} {month.title()} {year}."
    if u.years:
        for c in cands[:3]:
            meta = snap.docs[c.chunk.doc_id]  # type: ignore[union-attr]
            held = set(_YEAR.findall(" ".join(filter(None, (  # the fieldwork's, or the report's
                meta.date, meta.published, c.chunk.text, c.chunk.header)))))  # type: ignore[union-attr]
            if held & set(u.years):
                return ""
        found = sorted({(snap.docs[c.chunk.doc_id].date or "")[:4]  # type: ignore[union-attr]
                        for c in cands[:3]} - {""})
        years = " or ".join(u.years)
        seen = f" (the closest found are from {', '.join(found)})" if found else ""
        return f"Nothing found from {years}{seen}."
    return ""


def _same_day(iso: str, day: str, month: str, year: str) -> bool:
    months = [m.lower() for m in _MONTHS.split("|")]
    return iso == f"{year}-{months.index(month.lower()) + 1:02d}-{int(day):02d}"


def _citation(snap: Snapshot, c: Candidate) -> Citation:
    assert c.chunk is not None
    return snap.chunk_citation(c.chunk)


def _decision_spans(snap: Snapshot, cands: list[Candidate]) -> dict[str, list[tuple[int, int]]]:
    docs = sorted({c.chunk.doc_id for c in cands if c.chunk is not None})
    return snap.store.decision_spans(docs)
