"""PostgreSQL with the real model and the bundled corpus: the same quality as the index
directory, and the CLI and the HTTP API served from the server alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from indexer import Settings
from retriever import Assistant
from retriever.evaluate import evaluate_assistant, load_questions
from tests.conftest import DEV_QA, FIXTURES, ROOT

pytestmark = [pytest.mark.postgres, pytest.mark.integration]


@pytest.fixture(scope="module")
def corpus_url(pg_server, corpus_index: Path) -> str:  # noqa: ANN001 - tests.pg.Server
    from indexer.stores.pgpublish import publish

    url = pg_server.new_database("corpus")
    publish(url, corpus_index)
    return url


def test_the_same_eval_gives_the_same_quality_on_both_stores(
        assistant: Assistant, corpus_index: Path, corpus_url: str, real_embedder) -> None:  # noqa: ANN001
    questions = load_questions(FIXTURES / "qa_extra.jsonl")
    if DEV_QA.exists():
        questions += load_questions(DEV_QA)
    pg = Assistant.open(corpus_index, embedder=real_embedder,
                        settings=Settings.from_env(index_dir=corpus_index, store=corpus_url))
    try:
        lite, served = evaluate_assistant(assistant, questions), evaluate_assistant(pg, questions)
        same = sum(assistant.ask(q["question"]).answer == pg.ask(q["question"]).answer
                   for q in questions)
    finally:
        pg.close()
    n = lite.questions
    for metric in ("recall_at_1", "recall_at_5", "mrr_at_10", "answer_support",
                   "answered_rate"):
        a, b = getattr(lite, metric) or 0.0, getattr(served, metric) or 0.0
        assert abs(a - b) * n <= 1.0, (metric, lite, served)
    # the keyword ranking is FTS5's on both (indexer/stores/keywords.py): the same answers
    assert same >= n - 1, f"only {same} of {n} answers are the same on both stores"


def test_the_api_serves_from_postgres_without_the_index_directory(
        tmp_path: Path, assistant: Assistant, corpus_url: str, real_embedder) -> None:  # noqa: ANN001
    settings = Settings.from_env(index_dir=tmp_path / "no-index-here", store=corpus_url)
    with TestClient(create_app(settings, embedder=real_embedder, warm_up=False)) as c:
        docs = c.get("/documents").json()
        assert [d["doc_id"] for d in docs["documents"]] == \
            [d.doc_id for d in assistant.documents()]
        hits = c.get("/search", params={"q": "adoption"}).json()["hits"]
        assert hits and hits[0]["chunk_id"] == assistant.search("adoption").hits[0].chunk_id


def test_the_cli_checks_and_searches_postgres(corpus_index: Path, corpus_url: str) -> None:
    env = {**os.environ, "SCRUTINY_STORE": corpus_url, "SCRUTINY_INDEX": str(corpus_index),
           "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    check = subprocess.run([sys.executable, "-m", "scrutiny.cli", "check"], env=env,
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    found = subprocess.run([sys.executable, "-m", "scrutiny.cli", "search", "adoption", "-k",
                            "3", "--json"], env=env, capture_output=True, text=True, timeout=300)
    assert found.returncode == 0, found.stderr
    assert len(json.loads(found.stdout)["hits"]) == 3
