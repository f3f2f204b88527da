"""Extractive answers: verbatim sentences from the best passages, each with its citation.

Nothing is paraphrased. Every quote is re-read from the document text and dropped if it does
not match exactly. When retrieval and sentence scores are weak, or the filters leave nothing,
the assistant abstains and says so instead of citing the nearest passage as if it answered.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from indexer.sentences import split_sentences

from .followup import resolve
from .query import understand
from .results import AskResult, Citation, CitedQuote, Filters
from .search import Candidate, hybrid

if TYPE_CHECKING:
    from .assistant import Assistant
    from .snapshot import Snapshot

MAX_SENTENCES = 4
PASSAGES = 6
W_COSINE, W_LEXICAL, W_TYPE, W_RANK = 0.3, 0.35, 0.25, 0.2
NOT_FOUND = "The records searched do not cover this question."


@dataclass(slots=True)
class Scored:
    start: int
    end: int
    cand: Candidate
    rank: int
    lexical: float
    score: float = 0.0
    cosine: float = 0.0


_PERSON = re.compile(r"\b(?:Councillor|Cllr|Mr|Mrs|Ms|Miss|Dr|Professor)\.?\s+[A-Z]|"
                     r"\b[A-Z][a-z]+ [A-Z][a-z]+,|\(in the Chair\)|\(Chair\)")
_WHEN = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|"
                   r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b|"
                   r"\b\d{1,2}[.:]\d\d\s*(?:am|pm|a\.m|p\.m)|\b(?:19|20)\d\d\b", re.I)
_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
                     r"hundred|thousand|half|quarter)\b", re.I)
# Minutes name the chair in the attendance line ("Councillor X (in the Chair)", "Councillors
# Worton (Chair), ..."), so a question about who chaired wants that designation, not just a name.
_CHAIR_NAMED = re.compile(r"\(in the Chair\)|\((?:Vice[- ])?Chair(?:man|woman|person)?\)|"
                          r"\bChair(?:man|woman|person)?:\s*(?:Councillor|Cllr)|\bchaired by\b|"
                          r"\bin the Chair\b", re.I)
_ASKS_CHAIR = re.compile(r"\bwho\b.{0,20}\b(?:chaired|chairs|chairing|in the chair)\b|"
                         r"\bwho (?:was|is) (?:the )?chair(?:man|woman|person)?\b", re.I)
_ASKS = (
    (_ASKS_CHAIR, _CHAIR_NAMED),
    (re.compile(r"^\s*(?:who|whom|whose)\b|\bwhich (?:councillor|officer|member)", re.I), _PERSON),
    (re.compile(r"^\s*when\b|\bwhat (?:date|time|day|year)|\bhow long ago", re.I), _WHEN),
    (re.compile(r"\bhow (?:many|much|long|often)\b|\bwhat (?:proportion|percentage|number|"
                r"share|amount)\b", re.I), _NUMBER),
)


_MEMBER_ASKED = re.compile(r"\b(?:asked|queried|query|in response to a question|sought "
                           r"assurance|questions were asked)\b", re.I)
_DECISION = re.compile(r"\b(?:resolv\w*|decid\w*|decision\w*|agree\w*|undert\w*|promis\w*)",
                       re.I)


_ASKS_DEFINITION = re.compile(r"\bwhat (?:is|are|does|do)\b|\bstands? for\b|\bmean(?:s|ing)?\b|"
                              r"\bdefin", re.I)
_DEFINITION_LINE = re.compile(r"^[A-Z][A-Za-z0-9]{1,9}\s*[–—=-]\s*[A-Z][^.;:?!]{3,120}$")
_ASKS_QUESTIONS = re.compile(r"\bquestions?\b.{0,40}\b(?:asked|raised|put|posed)\b|"
                             r"\bwhat did (?:members|councillors|the panel|the committee) ask",
                             re.I)


def answer_type_fit(question: str, sentence: str) -> float:
    """1.0 when the sentence holds the kind of thing asked for (a person for "who", a date
    for "when", a number for "how many"), 0.0 when it does not, 0.5 for other questions."""
    for asks, holds in _ASKS:
        if asks.search(question):
            return 1.0 if holds.search(sentence) else 0.0
    return 0.5


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z0-9]+", text)}


def _same_word(term: str, word: str) -> bool:
    """Crude stemming by shared prefix: "declared" ~ "declarations", "chaired" ~ "Chair"."""
    if term == word:
        return True
    if len(term) >= 6 and len(word) >= 6:
        return term[:6] == word[:6]
    short, long_ = (term, word) if len(term) < len(word) else (word, term)
    return len(short) >= 4 and long_.startswith(short)


def _lexical(words: set[str], terms: dict[str, float]) -> float:
    total = sum(terms.values()) or 1.0
    return sum(w for t, w in terms.items() if any(_same_word(t, x) for x in words)) / total


def _term_weights(terms: list[str], ignore: set[str], pool: list[set[str]]) -> dict[str, float]:
    """IDF within the candidate sentences: a word every candidate shares tells them apart
    no better than none; council names and years are filters, not content."""
    weights: dict[str, float] = {}
    n = max(1, len(pool))
    for raw in terms:
        t = raw.lower().strip("'’")
        if t.endswith(("'s", "’s")):
            t = t[:-2]
        if t in ignore or re.fullmatch(r"(?:19|20)\d\d", t) or len(t) < 2:
            continue
        df = sum(1 for words in pool if any(_same_word(t, w) for w in words))
        weights[t] = max(weights.get(t, 0.0), math.log(1 + n / (1 + df)))
    return weights


def _near_duplicate(a: str, b: str) -> bool:
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) > 0.8


def abstain(question: str, reason: str, related: list[Citation], filters: Filters) -> AskResult:
    answer = f"{NOT_FOUND} {reason}".strip()
    if related:
        answer += "\nPossibly related (not an answer):\n" + "\n".join(
            f"- {c.label()}" for c in related)
    return AskResult(question=question, answer=answer, abstained=True, citations=[],
                     took_ms=0.0, related=related, filters=filters)


def answer_question(snap: Snapshot, assistant: Assistant, question: str,
                    history: list[dict[str, str]], filters: Filters, k: int = 8) -> AskResult:
    councils = snap.facets().councils
    turn = resolve(question, history)
    u = understand(question, councils, snap.acronyms, filters)
    if turn.previous:
        carried = understand(turn.previous, councils, snap.acronyms, Filters())
        u.filters = u.filters.merged(carried.filters)
        topic = understand(turn.search_text, councils, snap.acronyms, u.filters)
        u.text, u.terms = topic.text, topic.terms
        u.years = u.years or carried.years
    if u.council_missing:
        return abstain(question, f"No records from {u.council_named} are in this index.", [],
                       u.filters)
    allowed = snap.matching_docs(u.filters)
    if allowed is not None and not allowed:
        return abstain(question, "No documents match the filters given.", [], u.filters)
    qvec = assistant.query_vector(u.text)
    cands = hybrid(snap, assistant, u, qvec=qvec)[:max(k, PASSAGES)]
    if not cands:
        return abstain(question, "", [], u.filters)
    scored = _score_sentences(snap, question, cands[:PASSAGES], u.terms, qvec)
    threshold = assistant.settings.abstain_threshold
    top_dense = max(c.dense for c in cands[:3])
    best = scored[0] if scored else None
    # How well the records match, not how well a sentence fits the question's form: the
    # answer-type and rank terms are left out so that "who" questions are not favoured.
    confidence = (0.6 * top_dense + 0.2 * best.cosine + 0.2 * best.lexical) if best else 0.0
    if best is None or confidence < threshold:
        related = [_citation(snap, c) for c in cands[:3]]
        result = abstain(question, "", related, u.filters)
    elif _ASKS_CHAIR.search(question) and not any(
            _CHAIR_NAMED.search(_text(s)) for s in scored):
        # Minutes that list who was present without marking the chair do not say who chaired;
        # quoting "The Chair informed Members..." would look like an answer and is not one.
        related = [_citation(snap, c) for c in cands[:3]]
        result = abstain(question, "The records found do not name who chaired.", related,
                         u.filters)
    else:
        result = _compose(snap, question, scored, u.filters)
    result.confidence = confidence
    return result


def _text(s: Scored) -> str:
    row = s.cand.row
    assert row is not None
    return str(row["text"][s.start - row["char_start"]:s.end - row["char_start"]])


def _citation(snap: Snapshot, c: Candidate, start: int | None = None,
              end: int | None = None) -> Citation:
    row = c.row
    assert row is not None
    a = row["char_start"] if start is None else start
    b = row["char_end"] if end is None else end
    page = row["page"] if start is None else (snap.page_at(row["doc_id"], a) or row["page"])
    return snap.citation(row["doc_id"], row["item_ref"], row["item_title"], a, b, page)


_OPEN_ENDINGS = {"which", "and", "the", "of", "to", "a", "an", "in", "for", "that", "with", "by",
                 "or", "as", "on", "at", "from", "is", "are", "was", "were"}


def _is_heading(text: str) -> bool:
    """Titles and labels ("BARNSLEY METROPOLITAN BOROUGH COUNCIL", "Declarations of
    interest") name things; they do not answer questions, so they never lead an answer.
    A line cut off mid-sentence ("...service which") is not a heading."""
    letters = [c for c in text if c.isalpha()]
    caps = sum(c.isupper() for c in letters) / max(1, len(letters))
    if caps > 0.7 and len(text) < 160:
        return True
    words = text.split()
    stripped = text.rstrip()
    return (len(words) <= 10 and not stripped.endswith((".", "?", "!", ";", ":", ")"))
            and words[-1].lower() not in _OPEN_ENDINGS)


def _extend_lead_in(row_text: str, base: int, a: int, b: int, spans: list[tuple[int, int]]
                    ) -> int:
    """A sentence ending in ':' introduces what follows; quote it together with the next."""
    if row_text[b - base - 1:b - base] != ":":
        return b
    for a2, b2 in spans:
        if a2 >= b:
            return b2
    return b


def _decision_spans(snap: Snapshot, cands: list[Candidate]) -> dict[str, list[tuple[int, int]]]:
    docs = sorted({c.row["doc_id"] for c in cands if c.row is not None})
    spans: dict[str, list[tuple[int, int]]] = {}
    marks = ",".join("?" * len(docs))
    for doc, a, b in snap.conn().execute(
            f"SELECT doc_id, char_start, char_end FROM resolutions WHERE doc_id IN ({marks})",
            docs):
        spans.setdefault(doc, []).append((a, b))
    return spans


def _score_sentences(snap: Snapshot, question: str, cands: list[Candidate],
                     terms: list[str], qvec: np.ndarray) -> list[Scored]:
    """Score sentences of the best passages with their stored vectors plus keyword overlap.

    The vectors were computed at index time, so answering needs no model call beyond the
    question's own embedding.
    """
    ignore = {w.lower() for c in snap.facets().councils for w in c.split()}
    ignore |= {"council", "councils", "borough", "metropolitan", "committee", "panel", "group"}
    decisions = _decision_spans(snap, cands) if _DECISION.search(question) else None
    asks_questions = bool(_ASKS_QUESTIONS.search(question))
    asks_definition = bool(_ASKS_DEFINITION.search(question))
    pool: list[Scored] = []
    texts: list[str] = []
    for rank, c in enumerate(cands):
        row = c.row
        assert row is not None
        base = row["char_start"]
        stored = {(a, b): vec for a, b, vec in c.sentences}
        spans = split_sentences(row["text"], base)
        for a, b in spans:
            text = row["text"][a - base:b - base]
            if _is_heading(text) or (text.rstrip().endswith("?") and not asks_questions):
                continue  # headings and questions in the record do not answer a question
            if _DEFINITION_LINE.match(text.strip()) and not asks_definition:
                continue  # a glossary line answers "what does X stand for", nothing else
            s = Scored(a, _extend_lead_in(row["text"], base, a, b, spans), c, rank, 0.0)
            vec = stored.get((a, b))
            if vec is not None:
                s.cosine = float(vec @ qvec)
            else:
                s.cosine = c.dense * 0.8
            pool.append(s)
            texts.append(text)
    word_sets = [_words(t) for t in texts]
    weights = _term_weights(terms, ignore, word_sets)
    for s, text, words in zip(pool, texts, word_sets, strict=True):
        s.lexical = _lexical(words, weights)
        if asks_questions:  # "what questions were asked": the questions themselves
            fit = 1.0 if text.rstrip().endswith("?") or _MEMBER_ASKED.search(text) else 0.0
        elif decisions is not None:  # "what was resolved": the decision, not the discussion
            doc = s.cand.row["doc_id"]  # type: ignore[index]
            fit = 1.0 if any(a <= s.start < b for a, b in decisions.get(doc, ())) else 0.0
        else:
            fit = answer_type_fit(question, text)
        s.score = (W_COSINE * s.cosine + W_LEXICAL * s.lexical + W_TYPE * fit
                   + W_RANK / (1 + s.rank))
    pool.sort(key=lambda s: s.score, reverse=True)
    return pool


def _compose(snap: Snapshot, question: str, scored: list[Scored], filters: Filters) -> AskResult:
    chosen: list[tuple[Scored, str]] = []
    best = scored[0].score
    for s in scored:
        if len(chosen) >= MAX_SENTENCES or s.score < best - 0.12:
            break
        row = s.cand.row
        assert row is not None
        quote = snap.text_of(row["doc_id"])[s.start:s.end]
        if not quote or quote != _text(s):
            continue  # never show a quote that is not exactly the record
        if any(_near_duplicate(quote, q) for _, q in chosen):
            continue
        chosen.append((s, quote))
    if not chosen:
        return abstain(question, "", [], filters)
    citations = []
    parts = []
    for n, (s, quote) in enumerate(chosen, start=1):
        citations.append(CitedQuote(n=n, quote=quote, citation=_citation(snap, s.cand, s.start,
                                                                         s.end)))
        parts.append(f"{' '.join(quote.split())} [{n}]")
    return AskResult(question=question, answer=" ".join(parts), abstained=False,
                     citations=citations, took_ms=0.0, filters=filters)
