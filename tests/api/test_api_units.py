"""Fast checks of the API's own helpers (no model, no index): error mapping, path scrubbing,
CSV formula neutralising."""

from __future__ import annotations

import csv
import io

import pytest

from api.csvout import search_csv
from api.errors import scrub, status_for
from indexer import errors as e


@pytest.mark.parametrize("exc, status", [
    (e.QueryError("q"), 422), (e.NotFoundError("n"), 404), (e.ReadError("r"), 422),
    (e.IndexLockedError("l"), 409), (e.IndexMissingError("m"), 503),
    (e.IndexIncompatibleError("i"), 503), (e.IndexCorruptError("c"), 503),
    (e.IndexWriteError("w"), 503), (e.ScrutinyError("s"), 400),
])
def test_status_for(exc: e.ScrutinyError, status: int) -> None:
    assert status_for(exc) == status


@pytest.mark.parametrize("message, expected", [
    ("cannot read /tmp/scrutiny-upload-x/a.pdf: bad", "cannot read a.pdf: bad"),
    ("index at '/srv/data/index' is locked", "index at 'index' is locked"),
    ("minute 226/12 of 13/09/2012", "minute 226/12 of 13/09/2012"),
    ("see GET /documents/abc.", "see GET /documents/abc."),
    (r"C:\Users\clerk\minutes.txt is empty", "minutes.txt is empty"),
])
def test_scrub(message: str, expected: str) -> None:
    assert scrub(message) == expected


def test_csv_neutralises_formulas_and_keeps_text() -> None:
    cite = {"doc_id": "d", "title": "t", "council": None, "committee": "c", "doc_type": "minutes",
            "date": None, "item_ref": "1.", "item_title": "+44 line", "source": "a.txt",
            "char_start": 0, "char_end": 5, "page": None}
    hit = {"rank": 1, "score": 0.5, "chunk_id": 3, "text": '=HYPERLINK("x") "quoted", text\nnext',
           "citation": cite}
    body = search_csv({"hits": [hit]}).body.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[0]["text"] == "'" + hit["text"]
    assert rows[0]["item_title"] == "'+44 line" and rows[0]["council"] == ""
    assert body.startswith("rank,score,chunk_id,doc_id")
