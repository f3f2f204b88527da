"""Composers: from scored sentences to a draft answer of one shape, made only of quotes.

retrieve -> compose -> verify. A composer proposes which spans to quote and in what order; it
never writes the record's words itself. ``verify.verified`` re-reads every quote from the
document before anything is shown, whichever composer proposed it, so another composer (a
language model's, say) is an addition here, not a fork of the answer path.

Shapes:
- direct: the sentence that holds what was asked, with up to three that support it;
- list: every decision, recommendation or undertaking found on the topic, dated, one per line;
- timeline: dated quotes from several records in date order ("how has X changed");
- not_found: nothing quoted, and a line naming what was searched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from indexer.sentences import split_sentences

from .asks import Listing, answer_kind
from .evidence import FEATURES, Sentence
from .restate import adjacent, restated_elsewhere, with_restatement

if TYPE_CHECKING:
    from .snapshot import Snapshot

MAX_DIRECT = 4
MAX_LIST = 12
MAX_TIMELINE = 8
DIRECT_MARGIN = 0.6  # supporting quotes score within this of the best (score units)
FIT = FEATURES.index("fit")

_ASKS_LIST = re.compile(r"\b(?:resolv\w*|decid\w*|decision\w*|agree\w*|recommend\w*|"
                        r"undert\w*|promis\w*|actions?|areas? for (?:improvement|development)|"
                        r"needs? (?:to )?improv\w*|what (?:were|are) the)\b", re.I)
_ASKS_DECISION = re.compile(r"\b(?:resolv\w*|decid\w*|decision\w*|agree\w*|undert\w*)\b",
                            re.I)
_QUESTION_WORDS = re.compile(r"\b(?:what|which|did|does|do|was|were|is|are|has|have|the|about|"
                             r"on|of|for|in|to|any|all|there)\b|[?.,;:]", re.I)
_ASKS_CHANGE = re.compile(r"\bhow (?:has|have|did)\b.{0,60}\b(?:chang\w*|improv\w*|progress\w*|"
                          r"develop\w*|move\w*)|\bwhat happened (?:next|after|then|since)\b|"
                          r"\bover time\b|\bwhat changed\b|\bchanged? between\b|\bjourney\b",
                          re.I)


# Opening words that refer to the sentence before ("This means", "These include", "Such
# delays", "As a result, ...", "Since that visit, ...", "They ..."), but not to the document itself
# ("This report", "This letter summarises", "Since this inspection").
_ITSELF = (r"(?!\s+(?:letter|report|inspection|visit|meeting|committee|panel|document|paper|"
           r"section|appendix|agenda|minutes?|review|plan|framework|strategy)\b)")
_POINTS_BACK = re.compile(rf"(?:(?:Since|After|Following|Despite|Because of|Due to|In spite of|"
                          rf"As a result of|For(?: all)?)\s+)?"
                          rf"(?:(?:This|These|this|these)\b{_ITSELF}|"
                          r"(?:That|Those|that|those|Such|such|then)\b)|(?:It|Its|They|Their)\b|"
                          r"(?:As a result|Consequently|Therefore|Thus|Hence|As such|In turn|"
                          r"In response|In addition|Furthermore|Moreover|Additionally)\b")
_LOOK_BACK = 600  # characters searched for the sentence pointed to


@dataclass(slots=True)
class DraftQuote:
    doc_id: str
    start: int
    end: int
    quote: str  # what the composer believes the record says there
    item_ref: str
    item_title: str
    page: int | None
    date: str | None = None


@dataclass(slots=True)
class Draft:
    shape: str
    quotes: list[DraftQuote] = field(default_factory=list)
    note: str = ""  # one line: why not found, or what was relaxed


def pick_shape(question: str, sentences: list[Sentence], decisions: dict[str, list],
               listing: bool = False) -> str:
    """The shape a question asks for, from its form: change over time, or a set of records
    of one kind (decisions, recommendations), or else a direct answer."""
    if _ASKS_CHANGE.search(question):
        return "timeline"
    if _ASKS_LIST.search(question) and any(_in_decision(s, decisions) for s in sentences[:5]):
        return "list"
    if listing and sentences and _is_listed(sentences[0]):
        return "list"
    return "direct"


def _is_listed(s: Sentence) -> bool:
    """An item of the list a listing question asks for (what needs to improve, what was
    recommended): that kind fits fully only there."""
    return s.features[FIT] == 1.0


def _in_decision(s: Sentence, decisions: dict[str, list]) -> bool:
    return any(a <= s.start < b for a, b in decisions.get(s.doc_id, ()))


def _near_duplicate(a: str, b: str) -> bool:
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) > 0.8


def _draft_quote(snap: Snapshot, s: Sentence) -> DraftQuote:
    row = s.cand.chunk
    assert row is not None
    start, quote = _with_antecedent(snap, s)
    end, quote = _with_follower(snap, s.doc_id, start, s.end, quote)
    item_ref, item_title = row.item_ref, row.item_title
    text = snap.text_of(s.doc_id)
    if end == s.end:
        end, quote = with_restatement(text, start, end, quote)
    if end == s.end and (elsewhere := restated_elsewhere(text, start, quote)):
        start, end, quote = elsewhere
        item_ref, item_title = snap.item_at(s.doc_id, start) or (item_ref, item_title)
    return DraftQuote(doc_id=s.doc_id, start=start, end=end, quote=quote,
                      item_ref=item_ref, item_title=item_title,
                      page=snap.page_at(s.doc_id, start) or row.page,
                      date=snap.docs[s.doc_id].date)


def _with_antecedent(snap: Snapshot, s: Sentence) -> tuple[int, str]:
    """A sentence that opens by pointing back ("This puts unnecessary pressure on...", "These
    were resolved...") is quoted with the sentence it points to, even across a passage
    boundary: alone it does not say what it is about. "This report/letter..." points at the
    document itself and stands alone. A sentence pointed to that points back in turn is
    quoted with its own antecedent, once."""
    text = snap.text_of(s.doc_id)
    start = _sentence_start(text, s.start, s.end)
    # "These referrals account for ... This puts pressure on ...": follow a chain of two.
    for _ in range(2):
        if not _POINTS_BACK.match(text[start:s.end]):
            break
        window_start = max(0, start - _LOOK_BACK)
        before = split_sentences(text[window_start:start], window_start)
        if not before:
            break
        a, b = before[-1]
        if not adjacent(text, a, b, text[b:start]):
            break
        start = a
    return start, text[start:s.end] if start != s.start else s.text


def _sentence_start(text: str, start: int, end: int) -> int:
    """Where the sentence holding ``start`` begins. A passage can open mid-sentence (its cut
    fell on a PDF line break: "(EHC) plans in a timely way, ..."); a quote starting there
    would put words in the record's mouth, so it starts where its sentence does."""
    before = text[:start].rstrip()
    head = text[start:start + 1]
    last_line = before.rsplit("\n", 1)[-1]
    if (not before or before[-1] in ".!?:;" or len(last_line) < 60
            or not (head.islower() or head == "(")):
        return start  # a sentence's start, or a line after a heading
    window = max(0, start - _LOOK_BACK)
    # The break before ``start`` is inside the sentence: read it as a space (same length,
    # so offsets hold).
    gap = len(before)
    if gap < window:
        return start
    joined = text[window:gap] + " " * (start - gap) + text[start:end]
    for a, b in split_sentences(joined, window):
        if a < start < b and (a > window or window == 0):
            return a
    return start


def _with_follower(snap: Snapshot, doc_id: str, start: int, end: int,
                   quote: str) -> tuple[int, str]:
    """A quote is extended by the sentence right after it when that one opens by pointing
    back ("There is a lack of emergency placements. This too often results in ..."): what
    follows such a point is usually what it led to, and it means nothing quoted apart."""
    text = snap.text_of(doc_id)
    after = split_sentences(text[end:end + _LOOK_BACK], end)
    if not after:
        return end, quote
    a, b = after[0]
    if not _POINTS_BACK.match(text[a:b]) or not adjacent(text, a, b, text[end:a]):
        return end, quote
    return b, text[start:b]


def _distinct(sentences: list[Sentence], limit: int) -> list[Sentence]:
    chosen: list[Sentence] = []
    for s in sentences:
        if len(chosen) >= limit:
            break
        if any(_near_duplicate(s.text, c.text) or (c.doc_id == s.doc_id and c.start <= s.start
                                                     < c.end) for c in chosen):
            continue
        chosen.append(s)
    return chosen


def compose_direct(snap: Snapshot, sentences: list[Sentence]) -> Draft:
    best = sentences[0].score
    close = [s for s in sentences if s.score >= best - DIRECT_MARGIN]
    quotes = [_draft_quote(snap, s) for s in _distinct(close, MAX_DIRECT)]
    return Draft("direct", _join_neighbours(snap, quotes))


def _join_neighbours(snap: Snapshot, quotes: list[DraftQuote]) -> list[DraftQuote]:
    """Two quotes with nothing but space between them in the record are one passage
    ("Overall effectiveness: Good" and the summary under it): quoted apart, the reader sees
    the record cut where it was not, and the first quote lacks what the next sentence adds.
    The joined quote keeps the better one's place in the answer."""
    joined: list[DraftQuote] = []
    for q in quotes:
        for i, j in enumerate(joined):
            if j.doc_id != q.doc_id:
                continue
            lo, hi = (j, q) if j.start <= q.start else (q, j)
            text = snap.text_of(q.doc_id)
            if lo.end <= hi.start and not text[lo.end:hi.start].strip():
                joined[i] = replace(j, start=lo.start, end=max(lo.end, hi.end),
                                    quote=text[lo.start:max(lo.end, hi.end)], page=lo.page)
                break
        else:
            joined.append(q)
    return joined


def compose_list(snap: Snapshot, sentences: list[Sentence], decisions: dict[str, list],
                 listing: bool = False) -> Draft:
    """Decisions, or items of the list the question asks for, among the candidates that are
    about the topic: the best one's relevance sets the bar, so a list does not fill up with
    decisions on other items. Decisions come in each record's order, newest record first;
    listed items grouped by record, best record first, and within it best first: an item
    may be on the question's topic by its meaning alone ("care leavers in custody" for "in
    prison"), so sharing the question's words alike does not make the items equal."""
    # The bar is set by the best sentence of all: decisions far below it are about other
    # items, and then the sentences that are about the topic answer directly.
    bar = sentences[0].score - 2 * DIRECT_MARGIN
    found = [s for s in sentences if s.score >= bar and (
        _in_decision(s, decisions) or (listing and _is_listed(s)))]
    if not found:
        return compose_direct(snap, sentences)
    chosen = _distinct(found, MAX_LIST)
    if listing and _is_listed(sentences[0]):  # one record's list at a time, best first
        order = {d: i for i, d in enumerate(dict.fromkeys(s.doc_id for s in chosen))}
        chosen.sort(key=lambda s: order[s.doc_id])  # stable: best first within a record
    else:  # decisions: in each record's order, the newest record's first
        chosen.sort(key=lambda s: (snap.docs[s.doc_id].date or "", s.doc_id, s.start),
                    reverse=True)
    return Draft("list", [_draft_quote(snap, s) for s in chosen])


def compose_timeline(snap: Snapshot, sentences: list[Sentence]) -> Draft:
    """The best quote of each dated record, oldest first; a direct answer when the records
    found are not of several dates."""
    best_per_doc: dict[str, Sentence] = {}
    bar = sentences[0].score - 2 * DIRECT_MARGIN
    for s in sentences:
        if s.score >= bar and snap.docs[s.doc_id].date and s.doc_id not in best_per_doc:
            best_per_doc[s.doc_id] = s
    if len({snap.docs[d].date for d in best_per_doc}) < 2:
        return compose_direct(snap, sentences)
    chosen = sorted(best_per_doc.values(), key=lambda s: (snap.docs[s.doc_id].date, s.start))
    return Draft("timeline", [_draft_quote(snap, s) for s in chosen[:MAX_TIMELINE]])


def compose_decisions(snap: Snapshot, hits: list) -> Draft:
    """The decisions recorded on the topic (the records' own resolutions), most relevant
    first, each dated: an officer asking "what did X resolve about Y" wants all of them."""
    quotes = []
    for h in hits[:MAX_LIST]:
        c = h.citation
        quotes.append(DraftQuote(doc_id=c.doc_id, start=c.char_start, end=c.char_end,
                                 quote=snap.text_of(c.doc_id)[c.char_start:c.char_end],
                                 item_ref=h.item_ref, item_title=h.item_title, page=c.page,
                                 date=c.date))
    return Draft("list", quotes)


def asks_for_decisions(question: str) -> bool:
    return bool(_ASKS_DECISION.search(question))


def decision_topic(question: str) -> str:
    """The question without its decision and question words: what the decisions are about."""
    return " ".join(_ASKS_DECISION.sub(" ", _QUESTION_WORDS.sub(" ", question)).split())


def compose(snap: Snapshot, question: str, sentences: list[Sentence],
            decisions: dict[str, list]) -> Draft:
    listing = isinstance(answer_kind(question), Listing)
    shape = pick_shape(question, sentences, decisions, listing)
    if shape == "timeline":
        return compose_timeline(snap, sentences)
    if shape == "list":
        return compose_list(snap, sentences, decisions, listing)
    return compose_direct(snap, sentences)
