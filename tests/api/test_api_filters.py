"""One filter vocabulary (council, committee, doc_type, since, until, sort) on /search, /ask and
/resolutions: years accepted, old names kept, unknown names and councils refused with a reason."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from indexer.errors import QueryError
from retriever.results import Filters, check_council, parse_day


def _dates(hits: list[dict]) -> list[str]:
    return [h["citation"]["date"] for h in hits]


def test_years_months_and_days_parse_the_same_everywhere() -> None:
    assert Filters.parse(since="2014", until="2014") == Filters(since="2014-01-01",
                                                                until="2014-12-31")
    assert parse_day("2016-02", end=True) == "2016-02-29"
    assert parse_day("14 January 2014") == "2014-01-14"
    for bad in ("soon", "2014-13", "2014-02-30", "2014-01-14 and more"):
        with pytest.raises(QueryError, match="is not a date"):
            parse_day(bad)
    with pytest.raises(QueryError, match="after"):
        Filters.parse(since="2015", until="2013")


def test_old_names_are_aliases_and_unknown_keys_are_named() -> None:
    assert Filters.from_dict({"date_from": "2014", "date_to": "2015"}) == \
        Filters(since="2014-01-01", until="2015-12-31")
    with pytest.raises(QueryError, match="colour"):
        Filters.from_dict({"colour": "red"})


def test_search_since_until_take_years_and_reversed_range_is_422(client: TestClient) -> None:
    r = client.get("/search", params={"q": "adoption", "since": "2015", "until": "2013"})
    assert r.status_code == 422 and "after" in r.json()["detail"]
    hits = client.get("/search", params={"q": "children", "since": "2014",
                                         "until": "2014", "k": 20}).json()["hits"]
    assert hits and all(d and d.startswith("2014") for d in _dates(hits))
    old = client.get("/search", params={"q": "children", "date_from": "2014",
                                        "date_to": "2014", "k": 20}).json()["hits"]
    assert [h["chunk_id"] for h in old] == [h["chunk_id"] for h in hits]


@pytest.mark.parametrize("path", ["/search", "/resolutions", "/documents"])
def test_unknown_query_parameter_is_a_422_naming_it(client: TestClient, path: str) -> None:
    r = client.get(path, params={"q": "adoption", "sinse": "2015"})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "sinse" in detail and "since" in detail and len(detail) < 600


def test_ask_filters_object_takes_the_same_names(client: TestClient) -> None:
    ok = client.post("/ask", json={"question": "adoption", "filters": {"since": "2012"}})
    assert ok.status_code == 200
    alias = client.post("/ask", json={"question": "adoption", "filters": {"date_from": "2012"}})
    assert alias.status_code == 200
    bad = client.post("/ask", json={"question": "adoption", "filters": {"since": "2015",
                                                                        "until": "2013"}})
    assert bad.status_code == 422 and "after" in bad.json()["detail"]
    unknown = client.post("/ask", json={"question": "adoption", "filters": {"sinse": "2015"}})
    assert unknown.status_code == 422 and "sinse" in unknown.json()["detail"]


@pytest.mark.parametrize("path, params", [("/search", {"q": "adoption"}),
                                          ("/resolutions", {"q": "adoption"}),
                                          ("/documents", {})])
def test_unknown_council_lists_the_councils_held(client: TestClient, path: str,
                                                 params: dict) -> None:
    held = client.get("/facets").json()["councils"]
    r = client.get(path, params={**params, "council": "Atlantis"})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "Atlantis" in detail and all(c in detail for c in held)
    r = client.post("/ask", json={"question": "adoption", "filters": {"council": "Atlantis"}})
    assert r.status_code == 422 and held[0] in r.json()["detail"]


def test_council_hint_is_bounded() -> None:
    councils = [f"Council {n}" for n in range(300)]
    with pytest.raises(QueryError) as err:
        check_council(Filters(council="Atlantis"), councils)
    assert "288 more" in str(err.value) and len(str(err.value)) < 400
    check_council(Filters(council="Council 7"), councils)  # a held council passes


def test_date_sort_puts_the_relevant_results_in_date_order(client: TestClient) -> None:
    params = {"q": "foster carers", "since": "2014", "k": 8}
    relevant = client.get("/search", params=params).json()["hits"]
    by_date = client.get("/search", params={**params, "sort": "date"}).json()["hits"]
    assert {h["chunk_id"] for h in by_date} == {h["chunk_id"] for h in relevant}
    dates = _dates(by_date)
    assert dates == sorted(dates, reverse=True) and dates != _dates(relevant)


def test_a_council_filter_narrows_resolutions_never_broadens(client: TestClient) -> None:
    def found(**params: str) -> set[tuple[str, int]]:
        body = client.get("/resolutions", params={"q": "adoption", **params}).json()
        return {(r["citation"]["doc_id"], r["citation"]["char_start"])
                for r in body["resolutions"]}

    everywhere = found()
    walsall = found(council="Walsall")
    assert everywhere and walsall <= everywhere
    assert found(council="Barnsley") <= everywhere


def test_item_refs_have_no_trailing_punctuation(client: TestClient) -> None:
    """Minutes write "19." for item 19; citations and the CSV say "19"."""
    hits = client.get("/search", params={"q": "foster carers sufficient numbers",
                                         "council": "Barnsley", "k": 20}).json()["hits"]
    refs = [h["citation"]["item_ref"] for h in hits]
    assert any(r[:1].isdigit() for r in refs)
    assert refs and not [r for r in refs if r.endswith((".", ":", ";", ","))]
    r = client.get("/resolutions", params={"format": "csv", "limit": 200})
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows and not [row["item_ref"] for row in rows if row["item_ref"].endswith(".")]
