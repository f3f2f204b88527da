"""Links: a document's ``url`` and ``published`` date, from its sidecar through the index to
every citation (JSON, CSV, CLI, TUI), and indexes written before links existed still open."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.config import Settings
from retriever import Assistant
from tests.fakes import HashEmbedder

URL = "https://democracy.example.gov.uk/ieListDocuments.aspx?CId=12&MId=345"
CITATION_KEYS = ["doc_id", "title", "council", "committee", "doc_type", "date", "published",
                 "item_ref", "item_title", "source", "url", "char_start", "char_end", "page"]
MINUTES = ("Walsall Council Children's Services Scrutiny Panel\n\nTuesday 16 October 2018\n\n"
           "1. Fostering\n\nMembers asked about the recruitment of foster carers. The Head of "
           "Service undertook to provide figures.\n\nRESOLVED that the fostering report be "
           "noted.\n\n2. Date of Next Meeting\n\nThe next meeting will be in January.\n")


@pytest.fixture()
def linked(tmp_path: Path) -> tuple[Settings, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "linked.txt").write_text(MINUTES, encoding="utf-8")
    (corpus / "linked.txt.meta.json").write_text(json.dumps(
        {"url": URL, "published": "23/10/2018"}), encoding="utf-8")
    (corpus / "plain.txt").write_text(MINUTES.replace("Fostering", "Adoption")
                                      .replace("foster carers", "adopters"), encoding="utf-8")
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus)
    report = build_index([corpus], settings, embedder=HashEmbedder())
    assert not [s for s in report.skipped if not s.reason.startswith("warning")]
    return settings, corpus


def _open(settings: Settings) -> Assistant:
    return Assistant.open(settings.index_dir, settings=settings, embedder=HashEmbedder())


def test_sidecar_url_and_published_reach_every_citation(linked: tuple[Settings, Path]) -> None:
    settings, _ = linked
    assistant = _open(settings)
    hits = assistant.search("foster carers recruitment", k=10).hits
    by_source = {h.citation.source: h.citation for h in hits}
    assert by_source["linked.txt"].url == URL
    assert by_source["linked.txt"].published == "2018-10-23"
    assert by_source["linked.txt"].date == "2018-10-16"  # when it happened, unchanged
    assert by_source["plain.txt"].url is None and by_source["plain.txt"].published is None
    assert list(hits[0].citation.to_dict()) == CITATION_KEYS
    res = {r.citation.source: r.citation for r in assistant.resolutions("").resolutions}
    assert res["linked.txt"].url == URL and res["plain.txt"].url is None
    docs = {d.source: d for d in assistant.documents()}
    assert docs["linked.txt"].url == URL


def test_bad_sidecar_url_is_a_warning_not_a_link(tmp_path: Path) -> None:
    from indexer.metadata import apply_sidecar, recognise

    (tmp_path / "m.txt").write_text(MINUTES, encoding="utf-8")
    (tmp_path / "m.txt.meta.json").write_text(json.dumps(
        {"url": "javascript:alert(1)", "published": "not a date"}), encoding="utf-8")
    meta = recognise(MINUTES, "m.txt")
    warnings = apply_sidecar(meta, tmp_path / "m.txt")
    assert meta.url is None and meta.published is None
    assert any("url" in w for w in warnings) and any("published" in w for w in warnings)


def test_index_without_link_columns_still_opens_and_updates(linked: tuple[Settings, Path]
                                                            ) -> None:
    settings, corpus = linked
    gen = (settings.index_dir / "CURRENT").read_text().strip()
    conn = sqlite3.connect(settings.index_dir / gen / "records.sqlite")
    conn.execute("ALTER TABLE documents DROP COLUMN url")
    conn.execute("ALTER TABLE documents DROP COLUMN published")
    conn.commit()
    conn.close()
    # Indexes written before links existed recorded no checksums either.
    manifest_path = settings.index_dir / gen / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest.pop("checksums", None)
    manifest_path.write_text(json.dumps(manifest))
    old = _open(settings)  # an index written before links existed
    assert all(h.citation.url is None for h in old.search("foster carers").hits)
    (corpus / "new.txt").write_text(MINUTES.replace("Fostering", "Adoption"), encoding="utf-8")
    (corpus / "new.txt.meta.json").write_text(json.dumps({"url": URL + "&x=1"}),
                                              encoding="utf-8")
    report = build_index([corpus], settings, embedder=HashEmbedder())
    assert report.indexed == ["new.txt"]
    docs = {d.source: d for d in _open(settings).documents()}
    assert docs["new.txt"].url == URL + "&x=1"


def test_csv_has_url_column(linked: tuple[Settings, Path]) -> None:
    from api.csvout import search_csv

    settings, _ = linked
    result = _open(settings).search("foster carers recruitment", k=5)
    body = search_csv(result.to_dict()).body.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert "url" in rows[0] and "published" in rows[0]
    assert {r["url"] for r in rows if r["source"] == "linked.txt"} == {URL}
    assert {r["url"] for r in rows if r["source"] == "plain.txt"} == {""}


def test_cli_prints_url_under_source(linked: tuple[Settings, Path], monkeypatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    from scrutiny import commands

    settings, _ = linked
    monkeypatch.setattr(commands, "_open", lambda s: _open(s))
    args = argparse.Namespace(query="foster carers recruitment", k=5, sort="relevance",
                              json=False)
    from retriever.results import Filters

    commands.cmd_search(args, settings, lambda a: Filters())
    out = capsys.readouterr().out.splitlines()
    linked_rows = [i for i, line in enumerate(out) if line.startswith(f"    {URL}")]
    assert linked_rows  # the link sits on the line under its source's label
    assert all("Walsall" in out[i - 1] for i in linked_rows)
    assert len(linked_rows) < sum(1 for line in out if "Walsall" in line)  # plain.txt: none
