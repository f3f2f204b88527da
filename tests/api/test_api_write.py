"""Upload and delete through the API on private copies of the corpus and index: auth, limits,
name sanitising, refusals that leave the index untouched, and rebuild pick-up."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.uploads import safe_filename
from indexer.config import Settings

pytestmark = pytest.mark.integration



def _upload(client: TestClient, name: str, data: bytes, headers: dict, **fields):
    return client.post("/documents", files={"file": (name, io.BytesIO(data))}, data=fields,
                       headers=headers)


def _snapshot(w) -> tuple[list[str], dict]:
    corpus = sorted(p.name for p in w.corpus.iterdir())
    return corpus, w.client.get("/health").json()


def test_upload_search_reupload_delete(writable, new_minutes, auth) -> None:
    c = writable.client
    r = _upload(c, "kirklees-cpb-2019-06-05.txt", new_minutes, headers=auth,
                committee="Corporate Parenting Board", doc_type="minutes", date="2019-06-05")
    assert r.status_code == 201, r.text
    body = r.json()
    doc = body["document"]
    assert body["status"] == "indexed" and body["documents"] == 6
    assert doc["source"] == "kirklees-cpb-2019-06-05.txt" and doc["date"] == "2019-06-05"
    assert doc["committee"] == "Corporate Parenting Board"
    assert r.headers["location"] == f"/documents/{doc['doc_id']}"
    assert (writable.corpus / "kirklees-cpb-2019-06-05.txt").read_bytes() == new_minutes
    sidecar = writable.corpus / "kirklees-cpb-2019-06-05.txt.meta.json"
    assert json.loads(sidecar.read_text())["doc_type"] == "minutes"

    hits = c.get("/search", params={"q": "Almondbury zebra crossing"}).json()["hits"]
    assert hits and hits[0]["citation"]["doc_id"] == doc["doc_id"]
    assert c.get("/documents").json()["count"] == 6

    again = _upload(c, "kirklees-cpb-2019-06-05.txt", new_minutes, headers=auth)
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    assert again.json()["document"]["doc_id"] == doc["doc_id"]
    # The same bytes with other metadata never rewrite the existing document's sidecar.
    before = sidecar.read_bytes()
    renamed = _upload(c, "kirklees-cpb-2019-06-05.txt", new_minutes, headers=auth,
                      committee="Corporate Parenting Panel")
    assert renamed.status_code == 409, renamed.text
    assert f"duplicate of document {doc['doc_id']}" in renamed.json()["detail"]
    assert sidecar.read_bytes() == before
    assert c.get(f"/documents/{doc['doc_id']}").json()["committee"] == \
        "Corporate Parenting Board"
    assert c.get("/documents").json()["count"] == 6

    r = c.delete(f"/documents/{doc['doc_id']}", headers=auth)
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "deleted", "doc_id": doc["doc_id"], "documents": 5}
    assert not (writable.corpus / "kirklees-cpb-2019-06-05.txt").exists()
    assert not sidecar.exists()
    # ... but are kept, recoverable, in the corpus's trash folder
    trashed = sorted((writable.corpus / ".scrutiny-trash").rglob("*"))
    assert [p.name for p in trashed if p.is_file()] == [
        "kirklees-cpb-2019-06-05.txt", "kirklees-cpb-2019-06-05.txt.meta.json"]
    assert next(p for p in trashed if p.suffix == ".txt").read_bytes() == new_minutes
    assert c.get(f"/documents/{doc['doc_id']}").status_code == 404
    hits = c.get("/search", params={"q": "Almondbury zebra crossing"}).json()["hits"]
    assert all(h["citation"]["doc_id"] != doc["doc_id"] for h in hits)
    assert c.delete(f"/documents/{doc['doc_id']}", headers=auth).status_code == 404


def test_writes_disabled_without_key(client: TestClient, sample_doc: dict, auth) -> None:
    for r in (_upload(client, "a.txt", b"hello", headers=auth),
              client.delete(f"/documents/{sample_doc['doc_id']}", headers=auth)):
        assert r.status_code == 403
        assert "SCRUTINY_API_KEY" in r.json()["detail"]
    assert client.get(f"/documents/{sample_doc['doc_id']}").status_code == 200


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong-key"}, {"Authorization": "Basic dGVzdC1rZXk="},
    {"Authorization": "Bearer test-key-and-more"}, {"Authorization": "Bearer "},
])
def test_wrong_or_missing_key_401(writable, headers: dict, new_minutes) -> None:
    before = _snapshot(writable)
    r = _upload(writable.client, "a.txt", new_minutes, headers=headers)
    assert r.status_code == 401 and "Authorization" in r.json()["detail"]
    assert r.headers["www-authenticate"] == "Bearer"
    doc_id = writable.client.get("/documents").json()["documents"][0]["doc_id"]
    assert writable.client.delete(f"/documents/{doc_id}", headers=headers).status_code == 401
    assert _snapshot(writable) == before


@pytest.mark.parametrize("name", ["tool.exe", "README", "minutes.txt.exe", "notes.json"])
def test_unsupported_type_415(writable, name: str, auth) -> None:
    before = _snapshot(writable)
    r = _upload(writable.client, name, b"some text", headers=auth)
    assert r.status_code == 415 and ".pdf" in r.json()["detail"]
    assert _snapshot(writable) == before


@pytest.mark.parametrize("name, data, reason", [
    ("broken.pdf", b"%PDF-1.4\n1 0 obj<<>>\ntruncated", "pdf"),
    ("fake.pdf", b"this is not a pdf at all", "pdf"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "docx"),
    ("empty.txt", b"", "empty"),
])
def test_corrupt_upload_422_and_nothing_lost(writable, name: str, data: bytes,
                                             reason: str, auth) -> None:
    before = _snapshot(writable)
    r = _upload(writable.client, name, data, headers=auth)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert reason in detail.lower() and "/tmp" not in detail
    assert _snapshot(writable) == before


def test_upload_too_large_413(writable, auth) -> None:
    before = _snapshot(writable)
    big = b"minutes " * 200_000  # 1.6 MB > the 1 MB limit of the fixture
    r = _upload(writable.client, "big.txt", big, headers=auth)
    assert r.status_code == 413 and "MB" in r.json()["detail"]
    assert _snapshot(writable) == before


@pytest.mark.parametrize("fields", [{"date": "2019-02-30"}, {"date": "5 June 2019"},
                                    {"doc_type": "memo"}])
def test_bad_metadata_422(writable, fields: dict, new_minutes, auth) -> None:
    before = _snapshot(writable)
    r = _upload(writable.client, "ok.txt", new_minutes, headers=auth, **fields)
    assert r.status_code == 422
    assert _snapshot(writable) == before


@pytest.mark.parametrize("raw, safe", [
    ("../../etc/evil name.txt", "evil-name.txt"),
    ("..\\..\\windows\\system.md", "system.md"),
    ("/abs/path/report.PDF", "report.pdf"),
    (".hidden.html", "hidden.html"),
    ("...txt", "upload.txt"),
    ("a\x00b.htm", "ab.htm"),
    ("Minutes 14th Jan (final)!.docx", "Minutes-14th-Jan-final.docx"),
    ("C:\\Users\\clerk\\minutes.txt", "minutes.txt"),
])
def test_safe_filename(raw: str, safe: str) -> None:
    assert safe_filename(raw) == safe


def test_traversal_name_stays_in_corpus(writable, tmp_path: Path, new_minutes, auth) -> None:
    r = _upload(writable.client, "../../../outside.txt", new_minutes, headers=auth)
    assert r.status_code == 201, r.text
    assert r.json()["document"]["source"] == "outside.txt"
    assert (writable.corpus / "outside.txt").is_file()
    assert not (tmp_path / "outside.txt").exists()
    assert not (writable.corpus.parent.parent / "outside.txt").exists()


def test_same_name_different_content_gets_new_name(writable, new_minutes, auth) -> None:
    name = next(p.name for p in writable.corpus.iterdir() if p.suffix == ".txt")
    r = _upload(writable.client, name, new_minutes, headers=auth)
    assert r.status_code == 201, r.text
    assert r.json()["document"]["source"] == name.replace(".txt", "-2.txt")
    assert writable.client.get("/documents").json()["count"] == 6


def test_corpus_mismatch_409_keeps_index(writable, tmp_path: Path,
                                         real_embedder, new_minutes, auth) -> None:
    from dataclasses import replace

    from retriever import Assistant

    empty = tmp_path / "other-corpus"
    empty.mkdir()
    settings = replace(writable.settings, corpus_dir=empty)
    assistant = Assistant.open(writable.index, settings=settings, embedder=real_embedder)
    with TestClient(create_app(settings, assistant=assistant)) as c:
        r = _upload(c, "new.txt", new_minutes, headers=auth)
        assert r.status_code == 409 and "SCRUTINY_CORPUS" in r.json()["detail"]
        assert c.get("/documents").json()["count"] == 5
    assistant.close()
    assert list(empty.iterdir()) == []


def test_build_in_progress_409(writable, new_minutes, auth) -> None:
    from indexer.layout import build_lock

    before = _snapshot(writable)
    with build_lock(writable.index):
        r = _upload(writable.client, "new.txt", new_minutes, headers=auth)
    assert r.status_code == 409 and "build" in r.json()["detail"].lower()
    assert r.headers.get("retry-after")
    assert _snapshot(writable) == before


def test_rebuild_by_another_writer_is_picked_up(writable, real_embedder, new_minutes) -> None:
    """`scrutiny index` run elsewhere lands a new generation; the app serves it at once."""
    from indexer.build import build_index

    c = writable.client
    assert not c.get("/search", params={"q": "Almondbury zebra crossing", "k": 1}
                     ).json()["hits"][0]["citation"]["source"].startswith("kirklees")
    (writable.corpus / "kirklees-extra.txt").write_bytes(new_minutes)
    settings = Settings(index_dir=writable.index, corpus_dir=writable.corpus)
    build_index([writable.corpus], settings, embedder=real_embedder)
    hit = c.get("/search", params={"q": "Almondbury zebra crossing", "k": 1}).json()["hits"][0]
    assert hit["citation"]["source"] == "kirklees-extra.txt"
    assert c.get("/health").json()["documents"] == 6


def test_first_upload_builds_missing_index(tmp_path: Path, real_embedder, new_minutes,
                                           auth) -> None:
    """With no index at all, an upload builds one from the corpus and reads start working."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus, api_key="test-key")
    with TestClient(create_app(settings, embedder=real_embedder)) as c:
        assert c.get("/health").status_code == 503
        r = _upload(c, "kirklees.txt", new_minutes, headers=auth)
        assert r.status_code == 201, r.text
        assert c.get("/health").json()["documents"] == 1
        assert c.get("/search", params={"q": "zebra crossing"}).json()["hits"]
