"""Read endpoints against the real index of the bundled corpus: contracts, CSV, paging,
filters, and every read-side error (422, 404, 503, 500) as JSON without internals."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from indexer.config import Settings

pytestmark = pytest.mark.integration

CITATION_KEYS = {"doc_id", "title", "council", "committee", "doc_type", "date", "published",
                 "item_ref", "item_title", "source", "url", "char_start", "char_end", "page"}


def _assert_error(response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert "Traceback" not in response.text and "/tmp/" not in response.text
    return body["detail"]


# -- health, facets, openapi ---------------------------------------------------------------
def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert set(body) == {"status", "documents", "chunks", "model", "index_built_at"}
    assert body["status"] == "ok" and body["documents"] == 5 and body["chunks"] > 0


def test_facets(client: TestClient) -> None:
    body = client.get("/facets").json()
    assert any("Barnsley" in c for c in body["councils"])
    assert "minutes" in body["doc_types"]


def test_openapi_has_examples_and_docs(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/health", "/search", "/ask", "/resolutions", "/documents",
                 "/documents/{doc_id}", "/v1/chat/completions", "/v1/models"):
        assert path in schema["paths"], path
    components = schema["components"]["schemas"]
    for name in ("SearchResponse", "AskRequest", "AskResponse", "ResolutionsResponse",
                 "DocumentsResponse", "DocumentDetail", "UploadResponse", "Health",
                 "ErrorResponse", "ChatCompletionRequest", "ChatCompletion"):
        assert name in components, name
    assert [n for n, c in components.items() if not c.get("examples")] == []
    assert "HTTPValidationError" not in components  # every 422 is documented as ours
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/openapi.json" in docs.text
    from api.docs import local_swagger_ui

    if local_swagger_ui() is not None:  # offline page: no CDN, assets served here
        assert "cdn" not in docs.text
        assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


# -- search ---------------------------------------------------------------------------------
def test_search_contract(client: TestClient) -> None:
    body = client.get("/search", params={"q": "foster carers", "k": 5}).json()
    assert set(body) == {"query", "understood", "hits", "took_ms"}
    assert body["query"] == "foster carers"
    assert 1 <= len(body["hits"]) <= 5
    for rank, hit in enumerate(body["hits"], start=1):
        assert set(hit) == {"rank", "score", "text", "chunk_id", "citation"}
        assert hit["rank"] == rank
        assert set(hit["citation"]) == CITATION_KEYS


def test_search_quote_is_exact_source_text(client: TestClient) -> None:
    hit = client.get("/search", params={"q": "improvement notice lifted"}).json()["hits"][0]
    cite = hit["citation"]
    doc = client.get(f"/documents/{cite['doc_id']}").json()
    assert doc["text"][cite["char_start"]:cite["char_end"]].strip()
    assert "improvement notice" in json.dumps(hit).lower()


def test_search_filters_sort_and_paging(client: TestClient) -> None:
    params = {"q": "children social care", "council": "Barnsley", "k": 4}
    hits = client.get("/search", params=params).json()["hits"]
    assert hits and all("Barnsley" in (h["citation"]["council"] or "") for h in hits)
    page2 = client.get("/search", params={**params, "offset": 4}).json()["hits"]
    assert not {h["chunk_id"] for h in hits} & {h["chunk_id"] for h in page2}
    dated = client.get("/search", params={"q": "children", "since": "2013",
                                          "until": "2015"}).json()["hits"]
    assert dated and all("2013" <= (h["citation"]["date"] or "") <= "2015-12-31"
                         for h in dated)
    by_date = client.get("/search", params={"q": "children", "sort": "date", "k": 10}).json()
    dates = [h["citation"]["date"] for h in by_date["hits"] if h["citation"]["date"]]
    assert dates == sorted(dates, reverse=True) or dates == sorted(dates)
    typed = client.get("/search", params={"q": "children", "doc_type": "minutes"}).json()
    assert all(h["citation"]["doc_type"] == "minutes" for h in typed["hits"])


def test_search_csv(client: TestClient) -> None:
    r = client.get("/search", params={"q": "adoption", "k": 3, "format": "csv"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads "–" as UTF-8
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert 1 <= len(rows) <= 3
    assert {"rank", "score", "doc_id", "council", "date", "item_ref", "text"} <= set(rows[0])
    assert rows[0]["rank"] == "1"


@pytest.mark.parametrize("params, fragment", [
    ({"q": ""}, "q"),
    ({"q": "   "}, "empty"),
    ({"q": "x" * 1001}, "1000"),
    ({}, "q"),
    ({"q": "a", "k": 0}, "k"),
    ({"q": "a", "k": 101}, "k"),
    ({"q": "a", "k": "ten"}, "k"),
    ({"q": "a", "offset": -1}, "offset"),
    ({"q": "a", "sort": "random"}, "sort"),
    ({"q": "a", "date_from": "14/13/2014"}, "date_from"),
    ({"q": "a", "since": "soon"}, "since"),
    ({"q": "a", "since": "2015", "until": "2013"}, "after"),
    ({"q": "a", "sinse": "2015"}, "sinse"),
    ({"q": "a", "date_from": "2014-02-30"}, "date_from"),
    ({"q": "a", "date_from": "2015-01-01", "date_to": "2014-01-01"}, "after"),
    ({"q": "a", "doc_type": "memo"}, "doc_type"),
    ({"q": "a", "format": "xml"}, "format"),
])
def test_search_422(client: TestClient, params: dict, fragment: str) -> None:
    detail = _assert_error(client.get("/search", params=params), 422)
    assert fragment.lower() in detail.lower()


# -- ask ------------------------------------------------------------------------------------
def test_ask_contract_and_citations(client: TestClient) -> None:
    r = client.post("/ask", json={"question": "When was the improvement notice lifted?"})
    body = r.json()
    assert r.status_code == 200, r.text
    assert set(body) == {"question", "answer", "abstained", "shape", "understood", "citations",
                         "took_ms"}
    assert not body["abstained"] and body["citations"]
    for cited in body["citations"]:
        assert f"[{cited['n']}]" in body["answer"]
        cite = cited["citation"]
        doc = client.get(f"/documents/{cite['doc_id']}").json()
        assert cited["quote"] == doc["text"][cite["char_start"]:cite["char_end"]]


def test_ask_with_history_and_filters(client: TestClient) -> None:
    r = client.post("/ask", json={
        "question": "What did they say about adoption?",
        "history": [{"role": "user", "content": "Tell me about Walsall's panel in 2012"},
                    {"role": "assistant", "content": "The panel met on 13 September 2012."}],
        "filters": {"council": "Walsall"}, "k": 5})
    assert r.status_code == 200, r.text
    for cited in r.json()["citations"]:
        assert "Walsall" in (cited["citation"]["council"] or "")


def test_ask_abstains_when_records_are_silent(client: TestClient) -> None:
    body = client.post("/ask", json={
        "question": "What is the recipe for the mayor's lemon drizzle cake?"}).json()
    assert body["abstained"] is True and body["citations"] == []


@pytest.mark.parametrize("body", [
    {}, {"question": ""}, {"question": "   "}, {"question": "x" * 1001},
    {"question": "a", "k": 0}, {"question": "a", "k": 51},
    {"question": "a", "filters": {"date_to": "2014-13-01"}},
    {"question": "a", "filters": {"date_from": "2014-02-30"}},
    {"question": "a", "filters": {"colour": "red"}},
    {"question": "a", "history": [{"role": "wizard", "content": "x"}]},
])
def test_ask_422(client: TestClient, body: dict) -> None:
    _assert_error(client.post("/ask", json=body), 422)


def test_ask_malformed_json_422(client: TestClient) -> None:
    r = client.post("/ask", content=b"{not json", headers={"Content-Type": "application/json"})
    _assert_error(r, 422)


# -- resolutions ----------------------------------------------------------------------------
def test_resolutions(client: TestClient) -> None:
    body = client.get("/resolutions", params={"q": "adoption"}).json()
    assert body["count"] >= 1 and body["resolutions"]
    first = body["resolutions"][0]
    assert {"text", "item_ref", "item_title", "citation"} <= set(first)
    assert set(first["citation"]) == CITATION_KEYS
    every = client.get("/resolutions").json()
    assert every["count"] >= body["count"]
    walsall = client.get("/resolutions", params={"council": "Walsall"}).json()["resolutions"]
    assert walsall and all("Walsall" in (r["citation"]["council"] or "") for r in walsall)
    page = client.get("/resolutions", params={"limit": 2, "offset": 1}).json()["resolutions"]
    assert page == every["resolutions"][1:3]


def test_resolutions_csv(client: TestClient) -> None:
    r = client.get("/resolutions", params={"format": "csv", "council": "Walsall"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows and {"kind", "item_ref", "date", "committee", "text"} <= set(rows[0])


@pytest.mark.parametrize("params", [
    {"q": "x" * 1001}, {"limit": 0}, {"limit": 1001}, {"offset": -1},
    {"date_to": "yesterday"}, {"sort": "size"},
])
def test_resolutions_422(client: TestClient, params: dict) -> None:
    _assert_error(client.get("/resolutions", params=params), 422)


# -- documents ------------------------------------------------------------------------------
def test_documents_list_and_paging(client: TestClient) -> None:
    body = client.get("/documents").json()
    assert body["count"] == 5 and len(body["documents"]) == 5
    keys = {"doc_id", "title", "council", "committee", "doc_type", "date", "items", "chunks"}
    assert all(keys <= set(d) for d in body["documents"])
    page = client.get("/documents", params={"limit": 2, "offset": 1}).json()
    assert page["count"] == 5 and page["documents"] == body["documents"][1:3]
    bury = client.get("/documents", params={"council": "Bury"}).json()
    assert bury["count"] == 1
    _assert_error(client.get("/documents", params={"limit": 0}), 422)


def test_document_detail(client: TestClient, sample_doc: dict) -> None:
    body = client.get(f"/documents/{sample_doc['doc_id']}").json()
    assert body["doc_id"] == sample_doc["doc_id"] and body["text"]
    assert isinstance(body["items"], list) and body["items"]
    item = body["items"][0]
    assert {"ref", "title", "char_start", "char_end"} <= set(item)


def test_document_item(client: TestClient, sample_doc: dict) -> None:
    detail = client.get(f"/documents/{sample_doc['doc_id']}").json()
    item = next(i for i in detail["items"] if i["ref"])
    r = client.get(f"/documents/{sample_doc['doc_id']}", params={"item": item["ref"]})
    body = r.json()
    assert r.status_code == 200, r.text
    assert body["item"]["ref"] == item["ref"]
    assert body["text"] == detail["text"][item["char_start"]:item["char_end"]]
    assert all(res["item_ref"] == item["ref"] for res in body["resolutions"])


def test_document_404s(client: TestClient, sample_doc: dict) -> None:
    _assert_error(client.get("/documents/no-such-document"), 404)
    _assert_error(client.get(f"/documents/{sample_doc['doc_id']}",
                             params={"item": "999/99"}), 404)
    _assert_error(client.get("/no/such/route"), 404)


# -- OpenAI-compatible chat -----------------------------------------------------------------
def test_models(client: TestClient) -> None:
    body = client.get("/v1/models").json()
    assert body["object"] == "list" and body["data"][0]["id"] == "scrutiny-assistant"


def test_chat_completion(client: TestClient) -> None:
    r = client.post("/v1/chat/completions", json={
        "model": "whatever-the-client-sends", "temperature": 0.2,
        "messages": [{"role": "system", "content": "Be brief."},
                     {"role": "user", "content": [
                         {"type": "text", "text": "When was the improvement notice lifted?"}]}]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["object"] == "chat.completion" and body["model"] == "scrutiny-assistant"
    content = body["choices"][0]["message"]["content"]
    assert body["choices"][0]["message"]["role"] == "assistant"
    assert "Sources:" in content and "[1]" in content
    assert body["usage"]["total_tokens"] > 0


def test_chat_completion_stream(client: TestClient) -> None:
    with client.stream("POST", "/v1/chat/completions", json={
            "stream": True,
            "messages": [{"role": "user", "content": "When was the improvement notice lifted?"}]}
            ) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in r.iter_lines() if line.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line[6:]) for line in lines[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert "Sources:" in text


@pytest.mark.parametrize("body", [
    {"messages": []},
    {"messages": [{"role": "system", "content": "only a system prompt"}]},
    {"messages": [{"role": "user", "content": "x" * 1001}]},
    {"messages": [{"role": "user", "content": "hi"}], "k": 0},
])
def test_chat_422_in_openai_shape(client: TestClient, body: dict) -> None:
    r = client.post("/v1/chat/completions", json=body)
    detail = _assert_error(r, 422)
    assert r.json()["error"]["message"] == detail


# -- no index, internal errors, CORS --------------------------------------------------------
def test_no_index_503_then_index_appears(tmp_path: Path, corpus_index: Path) -> None:
    """Started without an index: 503 with the build command, then serves the index as soon
    as one is published (as `scrutiny index` in another process would), without a restart."""
    import shutil

    settings = Settings(index_dir=tmp_path / "missing", corpus_dir=tmp_path)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        for method, url, kw in [("GET", "/health", {}), ("GET", "/search?q=adoption", {}),
                                ("POST", "/ask", {"json": {"question": "adoption?"}}),
                                ("GET", "/resolutions", {}), ("GET", "/documents", {}),
                                ("GET", "/documents/x", {}), ("GET", "/facets", {}),
                                ("POST", "/v1/chat/completions",
                                 {"json": {"messages": [{"role": "user", "content": "hi"}]}})]:
            detail = _assert_error(c.request(method, url, **kw), 503)
            assert "scrutiny index" in detail and str(tmp_path) not in detail
        assert c.get("/v1/models").status_code == 200
        assert c.get("/openapi.json").status_code == 200
        shutil.copytree(corpus_index, tmp_path / "missing", symlinks=True)
        health = c.get("/health")
        assert health.status_code == 200 and health.json()["documents"] == 5
        assert c.get("/documents").json()["count"] == 5


def test_unexpected_error_is_500_without_internals(read_settings: Settings) -> None:
    class Broken:
        def refresh(self) -> bool:
            return False

        def search(self, *args, **kwargs):
            raise RuntimeError("secret at /srv/private/index/records.sqlite")

        def close(self) -> None:
            pass

    app = create_app(read_settings, assistant=Broken())  # type: ignore[arg-type]
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/search", params={"q": "adoption"})
    detail = _assert_error(r, 500)
    assert "secret" not in r.text and "/srv" not in r.text and "RuntimeError" not in r.text
    assert re.search(r"internal error", detail, re.I)


def test_cors_only_when_configured(read_settings: Settings, assistant) -> None:
    from dataclasses import replace

    origin = {"Origin": "http://intranet.example", "Access-Control-Request-Method": "GET"}
    with TestClient(create_app(read_settings, assistant=assistant)) as c:
        r = c.options("/health", headers=origin)
        assert "access-control-allow-origin" not in r.headers
    allowed = replace(read_settings, cors_origins=("http://intranet.example",))
    with TestClient(create_app(allowed, assistant=assistant)) as c:
        r = c.options("/health", headers=origin)
        assert r.headers["access-control-allow-origin"] == "http://intranet.example"
        r = c.get("/health", headers={"Origin": "http://elsewhere.example"})
        assert "access-control-allow-origin" not in r.headers
