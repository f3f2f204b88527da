"""Issue 14, the server's cases: request caps, writes that survive a kill, handles, the write
queue, a full disk and the Host header.

In-process apps where the case is about one request; real server processes (the fake
embedder, on 127.0.0.1) where it is about the process: kill -9, open file handles, clients
that go away.
"""

from __future__ import annotations

import errno
import json
import shutil
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from rel_helpers import deleted_handles, start_server, stop_server, writable_corpus

from api.app import create_app
from indexer import layout
from indexer.config import Settings
from retriever.assistant import Assistant

KEY = "k" * 24
AUTH = {"Authorization": f"Bearer {KEY}"}
MINUTES = (b"MINUTES of the Overview and Scrutiny Panel, 3 March 2021. Present: Councillor Ada "
           b"Lovelace (Chair).\n\n1. Library opening hours\n\nRESOLVED that the quarterly "
           b"report on library opening hours be noted.\n")


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return writable_corpus(tmp_path)


def _app(index: Path, corpus: Path, embedder, **settings):
    s = Settings(index_dir=index, corpus_dir=corpus, api_key=KEY, **settings)
    assistant = Assistant.open(index, settings=s, embedder=embedder)
    return create_app(s, assistant=assistant), assistant


def _upload(client, name: str, data: bytes = MINUTES, **fields):
    return client.post("/documents", files={"file": (name, data)}, data=fields, headers=AUTH)


# -- 1: request caps and bounded error bodies -----------------------------------------------

def test_huge_invalid_bodies_are_cheap_and_small(fake_index: Path, corpus: Path,
                                                 hash_embedder) -> None:
    app, assistant = _app(fake_index, corpus, hash_embedder)
    with TestClient(app, raise_server_exceptions=False) as client:
        parts = b"[" + b",".join([b"{}"] * 300_000) + b"]"  # ~900 KB of empty parts
        body = b'{"messages": [{"role": "user", "content": ' + parts + b"}]}"
        t0 = time.perf_counter()
        r = client.post("/v1/chat/completions", content=body,
                        headers={"Content-Type": "application/json"})
        assert r.status_code == 422 and len(r.content) < 4096, len(r.content)
        assert time.perf_counter() - t0 < 3
        big = b'{"messages": [{"role": "user", "content": [' + b"{}," * 8_000_000 + b"{}]}]}"
        r = client.post("/v1/chat/completions", content=big,
                        headers={"Content-Type": "application/json"})
        assert r.status_code == 413 and len(r.content) < 1024
        keys = {f"k{i}": "x" for i in range(40_000)}
        r = client.post("/ask", json={"question": "budget", "filters": keys})
        assert r.status_code == 422 and len(r.content) < 4096
        assert "at most 20" in r.json()["detail"]
        assert client.get("/health").status_code == 200
    assistant.close()


# -- 3 through the API: three names that differ only in case or punctuation -------------------

def test_three_colliding_uploads_all_succeed(fake_index: Path, corpus: Path,
                                            hash_embedder) -> None:
    app, assistant = _app(fake_index, corpus, hash_embedder)
    with TestClient(app, raise_server_exceptions=False) as client:
        ids = []
        for n, name in enumerate(("Cabinet 2019.txt", "cabinet-2019.txt", "cabinet_2019.txt")):
            r = _upload(client, name, MINUTES + f"Copy {n}.\n".encode())
            assert r.status_code == 201, r.text
            ids.append(r.json()["document"]["doc_id"])
        assert len(set(ids)) == 3
        assert client.get("/documents").json()["count"] == 8
    assistant.close()


# -- 11: a full disk or a read-only corpus during an upload ---------------------------------

@pytest.mark.parametrize(("code", "status"), [(errno.ENOSPC, 507), (errno.EROFS, 503)])
def test_full_or_read_only_disk(fake_index: Path, corpus: Path, hash_embedder, monkeypatch,
                                code: int, status: int) -> None:
    import api.uploads

    real_copy = shutil.copyfile

    def failing_copy(src, dst, *args, **kwargs):
        if Path(dst).parent == corpus:  # the copy into the corpus, half written
            Path(dst).write_bytes(Path(src).read_bytes()[:20])
            raise OSError(code, "simulated")
        return real_copy(src, dst, *args, **kwargs)

    monkeypatch.setattr(api.uploads.shutil, "copyfile", failing_copy)
    if code == errno.EROFS:  # on a read-only folder even removing the partial file fails
        real_unlink = Path.unlink

        def read_only_unlink(self: Path, missing_ok: bool = False) -> None:
            if self.parent == corpus:
                raise OSError(errno.EROFS, "simulated")
            real_unlink(self, missing_ok=missing_ok)

        monkeypatch.setattr(Path, "unlink", read_only_unlink)
    before = sorted(p.name for p in corpus.iterdir())
    app, assistant = _app(fake_index, corpus, hash_embedder)
    with TestClient(app, raise_server_exceptions=False) as client:
        r = _upload(client, "new-minutes.txt", council="Somewhere")
        assert r.status_code == status, r.text
        assert len(r.text) < 400 and "Nothing was changed" in r.json()["detail"]
        if code == errno.ENOSPC:
            assert sorted(p.name for p in corpus.iterdir()) == before
            assert not list(corpus.glob(".*"))
        assert client.get("/documents").json()["count"] == 5
    assistant.close()


# -- 12: the Host header --------------------------------------------------------------------

def test_foreign_host_header_refused(fake_index: Path, corpus: Path, hash_embedder) -> None:
    app, assistant = _app(fake_index, corpus, hash_embedder)
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/documents", headers={"Host": "attacker.example"})
        assert r.status_code == 400 and "SCRUTINY_ALLOWED_HOSTS" in r.json()["detail"]
        for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000"):
            assert client.get("/documents", headers={"Host": host}).status_code == 200, host
    assistant.close()
    app, assistant = _app(fake_index, corpus, hash_embedder,
                          allowed_hosts=("scrutiny.example.gov.uk",))
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/health", headers={"Host": "scrutiny.example.gov.uk"}
                          ).status_code == 200
        assert client.get("/health", headers={"Host": "localhost"}).status_code == 400
    assistant.close()


def test_real_server_checks_host(fake_index: Path, corpus: Path) -> None:
    proc, url = start_server(fake_index, corpus)
    try:
        assert httpx.get(url + "/documents").status_code == 200
        r = httpx.get(url + "/documents", headers={"Host": "rebind.attacker.example"})
        assert r.status_code == 400
    finally:
        stop_server(proc)


# -- 10: the write queue --------------------------------------------------------------------

def test_slow_upload_202_status_queue_and_abandoned(fake_index: Path, corpus: Path) -> None:
    env = {"SCRUTINY_API_KEY": KEY, "SCRUTINY_UPLOAD_WAIT": "1", "SCRUTINY_UPLOAD_QUEUE": "1"}
    proc, url = start_server(fake_index, corpus, env=env, args=("--build-delay", "0.4"))
    try:
        with httpx.Client(base_url=url, headers=AUTH, timeout=60) as c:
            first = c.post("/documents", files={"file": ("first.txt", MINUTES)})
            assert first.status_code == 202, first.text
            status_url = first.headers["location"]
            assert first.json()["status"] in ("queued", "indexing")
            # a client that gives up while its upload waits for its turn
            with pytest.raises(httpx.ReadTimeout):
                httpx.post(url + "/documents", headers=AUTH, timeout=0.5,
                           files={"file": ("abandoned.txt", MINUTES + b"Abandoned.\n")})
            time.sleep(1.0)
            deadline = time.monotonic() + 60
            while (s := c.get(status_url).json())["status"] in ("queued", "indexing"):
                assert time.monotonic() < deadline
                time.sleep(0.2)
            assert s["status"] == "indexed" and s["document"]["source"] == "first.txt"
            time.sleep(1.0)
            docs = [d["source"] for d in c.get("/documents").json()["documents"]]
            assert "first.txt" in docs and "abandoned.txt" not in docs
            assert not (corpus / "abandoned.txt").exists()
            assert c.get("/uploads/unknown").status_code == 404
    finally:
        stop_server(proc)


def test_queue_full_is_503(fake_index: Path, corpus: Path) -> None:
    env = {"SCRUTINY_API_KEY": KEY, "SCRUTINY_UPLOAD_WAIT": "0", "SCRUTINY_UPLOAD_QUEUE": "1"}
    proc, url = start_server(fake_index, corpus, env=env, args=("--build-delay", "0.4"))
    try:
        with httpx.Client(base_url=url, headers=AUTH, timeout=60) as c:
            codes = [c.post("/documents", files={"file": (f"q{n}.txt", MINUTES + bytes([65 + n]))}
                            ).status_code for n in range(3)]
            assert codes[:2] == [202, 202] and codes[2] == 503, codes
    finally:
        stop_server(proc)


# -- 6: kill -9 of the server during a DELETE -----------------------------------------------

def test_kill_during_delete_then_restart(fake_index: Path, corpus: Path) -> None:
    env = {"SCRUTINY_API_KEY": KEY}
    proc, url = start_server(fake_index, corpus, env=env, args=("--build-delay", "0.5"))
    doc = httpx.get(url + "/documents").json()["documents"][0]
    source = corpus / doc["source"]
    assert source.is_file()

    def delete() -> None:
        try:
            httpx.delete(f"{url}/documents/{doc['doc_id']}", headers=AUTH, timeout=30)
        except httpx.HTTPError:
            pass

    worker = threading.Thread(target=delete)
    worker.start()
    time.sleep(1.0)
    stop_server(proc, kill=True)
    worker.join(30)
    journal_left = (fake_index / ".scrutiny-journal.json").exists()
    proc, url = start_server(fake_index, corpus, env=env)
    try:
        assert not (fake_index / ".scrutiny-journal.json").exists()
        listed = [d["doc_id"] for d in httpx.get(url + "/documents").json()["documents"]]
        assert (doc["doc_id"] in listed) == source.is_file()  # rolled back or completed
        r = httpx.post(url + "/documents", headers=AUTH, files={"file": ("after.txt", MINUTES)},
                       timeout=60)
        assert r.status_code == 201, r.text
        r = httpx.delete(f"{url}/documents/{r.json()['document']['doc_id']}", headers=AUTH,
                         timeout=60)
        assert r.status_code == 200, r.text
    finally:
        stop_server(proc)
    assert journal_left  # the kill did land mid-write


# -- 9: handles on deleted generations ------------------------------------------------------

def test_no_handles_left_on_deleted_generations(fake_index: Path, corpus: Path) -> None:
    env = {"SCRUTINY_API_KEY": KEY}
    proc, url = start_server(fake_index, corpus, env=env, args=("--retire-grace", "0"))
    try:
        with httpx.Client(base_url=url, headers=AUTH, timeout=60) as c:
            for n in range(8):
                r = c.post("/documents", files={"file": (f"cycle-{n}.txt",
                                                         MINUTES + f"Cycle {n}.\n".encode())})
                assert r.status_code == 201, r.text
                for _ in range(4):  # reads on several threads open connections
                    assert c.get("/search", params={"q": "library opening hours"}
                                 ).status_code == 200
                doc_id = r.json()["document"]["doc_id"]
                assert c.delete(f"/documents/{doc_id}").status_code == 200
            c.get("/documents")  # a request after the last swap closes what was retired
            held = deleted_handles(proc.pid)
        assert held == 0, held
        assert len(list(fake_index.glob("gen-*"))) <= 2
        trash = json.dumps(sorted(p.name for p in (corpus / ".scrutiny-trash").rglob("*.txt")))
        assert trash.count("cycle-") == 8  # every removed file is recoverable
    finally:
        stop_server(proc)
    assert layout.current_generation(fake_index)
