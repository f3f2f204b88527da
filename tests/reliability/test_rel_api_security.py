"""API security (issue 7): writes need the key (constant-time check), uploads cannot escape the
corpus directory (traversal, absolute names, symlinks), size and type limits hold, responses
never carry internal paths or tracebacks, and the server binds to loopback by default.

Runs over a private fake-embedder index so uploads (which rebuild) take a second."""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from rel_helpers import CORPUS

pytest.importorskip("api.app", reason="the HTTP API (api.app.create_app) is not available")

from fastapi.testclient import TestClient  # noqa: E402

from api.app import create_app  # noqa: E402
from indexer.config import Settings  # noqa: E402
from retriever import Assistant  # noqa: E402

KEY = "rel-secret-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}
MINUTES = (b"KIRKLEES COUNCIL\n\nCORPORATE PARENTING BOARD\n\nWEDNESDAY 5 JUNE 2019\n\n"
           b"1. Crossing\n\nMembers discussed a zebra crossing outside the Almondbury centre.\n\n"
           b"RESOLVED that officers report back on the crossing.\n")
READ_ONLY_POSTS = {"/ask", "/v1/chat/completions"}


@dataclass
class Server:
    client: TestClient
    app: object
    root: Path  # everything this test may write lives under here
    corpus: Path
    index: Path
    outside: Path


@pytest.fixture()
def server(tmp_path: Path, fake_index: Path, hash_embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    for path in corpus.iterdir():
        path.chmod(0o644)
    outside = tmp_path / "outside"
    outside.mkdir()
    settings = Settings(index_dir=fake_index, corpus_dir=corpus, api_key=KEY, max_upload_mb=1)
    assistant = Assistant.open(fake_index, settings=settings, embedder=hash_embedder)
    app = create_app(settings, assistant=assistant)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Server(client, app, tmp_path, corpus, fake_index, outside)
    assistant.close()


def _upload(client: TestClient, name: str, data: bytes = MINUTES, headers: dict | None = None):
    return client.post("/documents", files={"file": (name, io.BytesIO(data), "text/plain")},
                       headers=AUTH if headers is None else headers)


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if not p.is_dir()}


def _no_leak(response, *secrets: str) -> None:
    raw = response.text
    for needle in ("Traceback", 'File "', "/work/", "site-packages", *secrets):
        assert needle not in raw, f"{response.request.url}: leaks {needle!r}: {raw[:300]}"


# -- the key -----------------------------------------------------------------------------------

def test_every_write_route_needs_the_key(server: Server) -> None:
    doc_id = server.client.get("/documents").json()["documents"][0]["doc_id"]
    before = _files(server.root)
    writes = []
    schema = server.client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method in operations:
            if method.upper() not in ("GET", "HEAD", "OPTIONS") and path not in READ_ONLY_POSTS:
                writes.append((method.upper(), path.replace("{doc_id}", doc_id)))
    assert ("POST", "/documents") in writes and ("DELETE", f"/documents/{doc_id}") in writes
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {KEY}"},
                    {"Authorization": f"Bearer {KEY[:-1]}"}, {"Authorization": f"bearer{KEY}"},
                    {"X-API-Key": KEY}):
        for method, path in writes:
            files = {"file": ("a.txt", io.BytesIO(MINUTES))} if method == "POST" else None
            r = server.client.request(method, path, headers=headers, files=files)
            assert r.status_code == 401, (method, path, headers, r.status_code)
            _no_leak(r, KEY)
    assert _files(server.root) == before


def test_key_comparison_is_constant_time(server: Server, monkeypatch) -> None:
    import hmac

    import api.deps

    calls = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(api.deps.hmac, "compare_digest", spy)
    assert _upload(server.client, "x.exe", headers={"Authorization": "Bearer nope"}
                   ).status_code == 401
    assert calls, "the API key is not compared with hmac.compare_digest"


def test_writes_disabled_without_configured_key(tmp_path: Path, fake_index: Path,
                                                hash_embedder) -> None:
    corpus = tmp_path / "empty-corpus"
    corpus.mkdir()
    settings = Settings(index_dir=fake_index, corpus_dir=corpus, api_key=None)
    assistant = Assistant.open(fake_index, settings=settings, embedder=hash_embedder)
    with TestClient(create_app(settings, assistant=assistant),
                    raise_server_exceptions=False) as client:
        for headers in ({}, AUTH, {"Authorization": "Bearer "}):
            assert _upload(client, "a.txt", headers=headers).status_code == 403
    assistant.close()
    assert not list(corpus.iterdir())


# -- uploads stay inside the corpus ------------------------------------------------------------

TRAVERSAL_NAMES = [
    "../../evil.txt", "..\\..\\evil.txt", "/tmp/abs-evil.txt", "C:\\Windows\\evil.txt",
    "....//....//evil.txt", "..%2f..%2fevil.txt", "%2e%2e/evil.txt", "sub/dir/evil.txt",
    "./.././evil.txt", "\u2215etc\u2215evil.txt", "\uff0e\uff0e\uff0fevil.txt",
    "..\u2025evil.txt", ".hidden.txt", "..txt", "evil.txt\x00.exe.txt", " evil .txt",
    "evil\r\nX-Injected: 1.txt", "a" * 500 + ".txt", "con.txt", "~/evil.txt", "$HOME.txt",
]


@pytest.mark.parametrize("name", TRAVERSAL_NAMES)
def test_upload_names_cannot_escape(server: Server, name: str) -> None:
    outside_before = _files(server.root) - {f"corpus/{p}" for p in _files(server.corpus)}
    r = _upload(server.client, name, MINUTES + name.encode("utf-8", "replace"))
    assert r.status_code in (201, 200, 415, 422), (name, r.status_code, r.text)
    _no_leak(r, str(server.root))
    outside_after = _files(server.root) - {f"corpus/{p}" for p in _files(server.corpus)}
    new_outside = {p for p in outside_after - outside_before
                   if not p.startswith("index/")}
    assert not new_outside, f"{name!r} wrote outside the corpus: {new_outside}"
    assert not Path("/tmp/abs-evil.txt").exists()
    for path in server.corpus.iterdir():  # only plain files directly in the corpus
        assert path.parent == server.corpus and not path.name.startswith(".")
        assert not path.is_symlink()
    if r.status_code in (200, 201):
        source = r.json()["document"]["source"]
        assert "/" not in source and "\\" not in source and not source.startswith(".")
        assert (server.corpus / source).is_file()


def test_upload_over_a_symlink_does_not_write_through_it(server: Server) -> None:
    secret = server.outside / "secret.txt"
    secret.write_bytes(b"outside the corpus; must never change")
    (server.corpus / "linked.txt").symlink_to(secret)
    r = _upload(server.client, "linked.txt", MINUTES)
    assert r.status_code in (200, 201, 409), r.text
    assert secret.read_bytes() == b"outside the corpus; must never change"


def test_delete_never_removes_files_outside_the_corpus(server: Server, hash_embedder) -> None:
    """A symlink that points outside the corpus is refused by the build (issue 14, case 2),
    so it is never served nor deletable, and the outside file survives."""
    from indexer.build import build_index

    secret = server.outside / "council-minutes.txt"
    secret.write_bytes(MINUTES)
    (server.corpus / "council-minutes.txt").symlink_to(secret)
    report = build_index([server.corpus], Settings(index_dir=server.index),
                         embedder=hash_embedder)
    assert any(s.path == "council-minutes.txt" and "outside the corpus" in s.reason
               for s in report.skipped)
    docs = server.client.get("/documents").json()["documents"]
    assert not [d for d in docs if d["source"] == "council-minutes.txt"]
    r = server.client.delete("/documents/council-minutes", headers=AUTH)
    assert r.status_code == 404, r.text
    assert secret.read_bytes() == MINUTES
    _no_leak(r, str(server.root))


# -- limits ------------------------------------------------------------------------------------

def test_size_and_type_limits(server: Server) -> None:
    before = _files(server.corpus)
    assert _upload(server.client, "big.txt", b"minutes " * 200_000).status_code == 413
    for name in ("tool.exe", "page.php", "x.svg", "minutes.txt.sh", "noext"):
        assert _upload(server.client, name).status_code == 415, name
    r = _upload(server.client, "fake.pdf", b"not a pdf at all")
    assert r.status_code == 422 and "PDF" in r.json()["detail"]
    r = _upload(server.client, "bomb.docx", _bomb())
    assert r.status_code in (413, 422), r.text
    assert _files(server.corpus) == before


def _bomb() -> bytes:
    from rel_helpers import docx_bomb

    data = docx_bomb(300)
    assert len(data) < 1024 * 1024  # under the upload limit: the reader must refuse it
    return data


# -- nothing internal leaks --------------------------------------------------------------------

def test_errors_do_not_leak_paths_or_tracebacks(server: Server, monkeypatch) -> None:
    c = server.client
    secrets = (str(server.root), str(server.index), str(server.corpus))
    responses = [
        c.get("/documents/does-not-exist"), c.get("/documents/..%2F..%2Fetc%2Fpasswd"),
        c.get("/documents/" + "x" * 400), c.get("/search", params={"q": ""}),
        c.get("/search", params={"q": "x", "date_from": "2020-02-30"}),
        c.get("/search", params={"q": "x", "k": "-1"}), c.post("/ask", json={}),
        c.post("/ask", content=b"{not json", headers={"Content-Type": "application/json"}),
        _upload(c, "broken.docx", b"PK\x03\x04garbage"), _upload(c, "empty.txt", b""),
        c.get("/health"), c.get("/documents"), c.get("/nope"),
    ]
    assistant = server.app.state.scrutiny.assistant  # type: ignore[attr-defined]

    def explode(*_a: object, **_k: object) -> None:
        raise RuntimeError(f"boom at {server.index}/gen-000001/records.sqlite")

    monkeypatch.setattr(assistant, "search", explode)
    boom = c.get("/search", params={"q": "foster carers unique"})
    assert boom.status_code == 500
    responses.append(boom)
    for r in responses:
        assert r.status_code < 500 or r is boom, (r.request.url, r.status_code, r.text)
        _no_leak(r, *secrets)


def test_missing_and_corrupt_index_do_not_leak(tmp_path: Path, fake_index: Path,
                                               hash_embedder) -> None:
    secrets = (str(tmp_path),)
    missing = Settings(index_dir=tmp_path / "no-index", corpus_dir=tmp_path / "corpus")
    with TestClient(create_app(missing, embedder=hash_embedder, warm_up=False),
                    raise_server_exceptions=False) as client:
        for r in (client.get("/search", params={"q": "x"}), client.get("/documents"),
                  client.get("/health")):
            assert r.status_code in (200, 503), r.text
            _no_leak(r, *secrets)
    from indexer import layout

    records = layout.generation_path(fake_index) / layout.RECORDS
    with records.open("r+b") as fh:
        fh.truncate(40_000)
    corrupt = Settings(index_dir=fake_index, corpus_dir=tmp_path / "corpus")
    client = TestClient(create_app(corrupt, embedder=hash_embedder, warm_up=False),
                        raise_server_exceptions=False)
    client.__enter__()  # a corrupt index must not stop the server starting
    try:
        for r in (client.get("/search", params={"q": "x"}), client.get("/documents"),
                  client.get("/health")):
            _no_leak(r, *secrets)
            assert r.status_code in (500, 503), r.text
    finally:
        client.__exit__(None, None, None)


def test_serve_binds_to_loopback_by_default() -> None:
    import inspect

    from api.server import serve
    from scrutiny.cli import build_parser

    assert build_parser().parse_args(["serve"]).host == "127.0.0.1"
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
