"""The retriever on the bundled corpus with the real bundled model: the quality targets, the
CLI's JSON, and behaviour users rely on (verbatim quotes, abstention, follow-ups)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from retriever import Assistant, Filters
from retriever.evaluate import evaluate_assistant, load_questions, norm
from tests.conftest import DEV_QA, FIXTURES, ROOT

pytestmark = pytest.mark.integration

EXTRA_QA = FIXTURES / "qa_extra.jsonl"
OUT_OF_SCOPE = FIXTURES / "qa_out_of_scope.jsonl"


@pytest.mark.skipif(not DEV_QA.exists(), reason="../shared/eval/qa_dev.jsonl is not present")
def test_dev_set_meets_the_quality_targets(assistant: Assistant) -> None:
    # The targets of issue 12 (the answer layer is no longer fitted to these 20 questions).
    row = evaluate_assistant(assistant, load_questions(DEV_QA))
    assert row.recall_at_5 >= 0.90, row
    assert row.mrr_at_10 >= 0.85, row
    assert row.answer_support is not None and row.answer_support >= 0.75, row
    assert row.answered_rate is not None and row.answered_rate >= 0.95, row


def test_unseen_questions_written_for_this_project(assistant: Assistant) -> None:
    """Questions not used for tuning: the same pipeline must generalise to them."""
    row = evaluate_assistant(assistant, load_questions(EXTRA_QA))
    assert row.recall_at_5 >= 0.9, row
    assert row.answer_support is not None and row.answer_support >= 0.6, row
    assert row.answered_rate is not None and row.answered_rate >= 0.95, row


def test_abstains_on_out_of_scope_questions(assistant: Assistant) -> None:
    questions = load_questions(OUT_OF_SCOPE)
    abstained = sum(assistant.ask(q["question"]).abstained for q in questions)
    assert abstained / len(questions) >= 0.8


def test_quotes_are_verbatim_for_every_question(assistant: Assistant) -> None:
    questions = load_questions(EXTRA_QA) + (load_questions(DEV_QA) if DEV_QA.exists() else [])
    for q in questions:
        result = assistant.ask(q["question"])
        for c in result.citations:
            text = assistant.document(c.citation.doc_id).text
            assert text[c.citation.char_start:c.citation.char_end] == c.quote
            assert f"[{c.n}]" in result.answer


def test_abstained_answer_says_so_and_lists_related_items(assistant: Assistant) -> None:
    result = assistant.ask("When will the potholes on the high street be repaired?")
    assert result.abstained and result.citations == []
    assert result.answer.startswith("The records searched do not cover")


def test_follow_up_uses_the_conversation(assistant: Assistant) -> None:
    first = "What did Bury's group say about IT systems?"
    history = [{"role": "user", "content": first},
               {"role": "assistant", "content": assistant.ask(first).answer}]
    follow = assistant.ask("and what was agreed?", history=history)
    assert not follow.abstained
    assert all("Bury" in (c.citation.council or "") for c in follow.citations)
    other = assistant.ask("and what did Walsall decide?", history=history)
    assert all("Walsall" in (c.citation.council or "") for c in other.citations)


def test_a_filter_to_one_council_returns_only_its_records(assistant: Assistant) -> None:
    hits = assistant.search("safeguarding improvement", k=10,
                            filters=Filters(council="Walsall")).hits
    assert hits and all("Walsall" in h.citation.council for h in hits)


def test_a_filter_allowing_very_many_documents_keeps_its_keyword_matches(
        assistant: Assistant) -> None:
    """A broad filter (say, every document since 2010 in a national collection) allows tens of
    thousands of documents; keyword matches must still come back, and only from them (they
    are passed as one JSON value: a subquery over that many took 10-30 s per search)."""
    from retriever.search import keyword_ranking

    snap = assistant.snapshot
    walsall = [d for d, m in snap.docs.items() if "Walsall" in (m.council or "")]
    allowed = walsall + [f"not-indexed-{i}" for i in range(40_000)]
    hits = keyword_ranking(snap, ["panel", "feedback"], allowed, pool=20)
    assert hits
    rows = snap.chunks([cid for cid, _ in hits])
    assert {r.doc_id for r in rows.values()} <= set(walsall)


@pytest.mark.parametrize(("question", "named"), [
    ("Who chaired the Bury meeting?", "Susan Southworth (in the Chair)"),
])
def test_a_who_question_is_answered_with_a_person(assistant: Assistant, question: str,
                                                 named: str) -> None:
    """A "who" question wants a sentence that names a person, not a job title: the same
    general answer-kind feature serves "who led", "who presented" and "who chaired"."""
    result = assistant.ask(question)
    assert not result.abstained and named in result.citations[0].quote


def test_resolutions_of_walsall_newest_first(assistant: Assistant) -> None:
    result = assistant.resolutions("", Filters(council="Walsall"))
    refs = {r.item_ref for r in result.resolutions}
    assert {"224/12", "226/12", "227/12", "228/12", "229/12"} <= refs
    adoption = assistant.resolutions("adoption service", sort="relevance")
    assert "adoption service" in adoption.resolutions[0].text


def test_decisions_on_a_topic_no_record_holds_are_not_listed(assistant: Assistant) -> None:
    """The nearest decisions are not related ones: asked about a zebra crossing, which no
    bundled record mentions, neither the resolutions search nor ask lists a decision."""
    assert assistant.resolutions("zebra crossing").count == 0
    result = assistant.ask("What was resolved about the zebra crossing at the children's home?")
    assert result.shape != "list"
    assert not any(c.quote.lower().startswith(("resolved", "it was agreed"))
                   for c in result.citations)


def _cli(*args: str, index: Path) -> dict:
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    out = subprocess.run([sys.executable, "-m", "scrutiny", *args, "--index", str(index),
                          "--json"], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_cli_json_matches_the_api_contract(corpus_index: Path, assistant: Assistant) -> None:
    question = "Is Barnsley's social care workforce stable?"
    ask = _cli("ask", question, index=corpus_index)
    assert set(ask) == {"question", "answer", "abstained", "shape", "understood", "citations",
                        "took_ms"}
    expected = assistant.ask(question).to_dict()
    assert ask["answer"] == expected["answer"]
    assert norm("Barnsley has a very stable social care workforce") in norm(
        ask["citations"][0]["quote"])
    search = _cli("search", "foster carers", "--council", "Barnsley", index=corpus_index)
    assert search["hits"] and all("Barnsley" in h["citation"]["council"]
                                  for h in search["hits"])
    res = _cli("resolutions", "adoption", index=corpus_index)
    assert set(res) == {"resolutions", "count"} and res["count"] >= 1


def test_the_first_search_hit_holds_the_answers_first_quote(assistant: Assistant) -> None:
    """Search and ask agree when the answer's first quote holds the kind of thing asked (a
    count, a date, a person): the passage a user is shown first is the one quoted (x01's count
    sits in a passage that ranked second by its words and meaning)."""
    from retriever.asks import answer_kind

    for q in load_questions(EXTRA_QA):
        answer = assistant.ask(q["question"])
        if answer.abstained or answer_kind(q["question"]) is None:
            continue
        first = assistant.search(q["question"]).hits[0].citation
        cited = answer.citations[0].citation
        assert (first.doc_id, first.item_ref) == (cited.doc_id, cited.item_ref), q["qid"]
        assert first.char_start <= cited.char_start < cited.char_end <= first.char_end, q["qid"]
