"""Every supported format, made by the tests: text in three encodings, Markdown, a two-page
PDF, a DOCX with a table and a ModernGov-style HTML minutes page. Each must give the same
record (council, date, items, resolutions) and chunks whose offsets map back exactly."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.chunking import MODEL_TOKENS, chunk_document
from indexer.config import Settings
from indexer.document import load_document
from indexer.models import Document

MINUTES = """BURY METROPOLITAN BOROUGH COUNCIL

CHILDREN'S SCRUTINY COMMITTEE

Tuesday 16 October 2018

Present: Councillor Smith (Chair), Councillor Jones

1. Apologies

Apologies were received from Councillor Brown. The café budget was £1,200 – noted “as read”.

2. Fostering Update

The Director presented the report on foster carers and the recruitment campaign.

RESOLVED that the report be noted.

3. Date of Next Meeting

The next meeting will be held on 8 January 2019.
"""
MAX_BYTES = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def tokenizer():
    from indexer.embedding import load_tokenizer

    return load_tokenizer()


def _pdf(path: Path, pages: list[list[str]], **kwargs) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, **kwargs)
    for lines in pages:
        y = 800
        for line in lines:
            c.drawString(50, y, line)
            y -= 16
        c.showPage()
    c.save()
    return path


PDF_PAGES = [
    ["BURY METROPOLITAN BOROUGH COUNCIL", "CHILDREN'S SCRUTINY COMMITTEE",
     "Tuesday 16 October 2018", "Present: Councillor Smith (Chair), Councillor Jones", "",
     "1. Apologies", "Apologies were received from Councillor Brown."],
    ["2. Fostering Update", "The Director presented the report on foster carers.",
     "RESOLVED that the report be noted."],
    ["3. Date of Next Meeting", "The next meeting will be held on 8 January 2019."],
]


def _docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    for para in MINUTES.strip().split("\n\n"):
        document.add_paragraph(para)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Action"
    table.cell(0, 1).text = "Owner"
    table.cell(1, 0).text = "Send adoption scorecard to members"
    table.cell(1, 1).text = "Head of Service"
    document.save(str(path))
    return path


MODERNGOV = """<!DOCTYPE html>
<html lang="en"><head>
<title>Minutes for Children's Scrutiny Committee on Tuesday 16th October 2018, 6.00 pm</title>
<script type="text/javascript">var trackingId = 'SCRIPT-TEXT-SHOULD-GO';</script>
<style>.mgContent { color: red; }</style></head>
<body>
<div id="skip-link"><a href="#content">Skip to main content</a></div>
<header class="site-header"><a href="/">HEADER-TEXT-SHOULD-GO</a></header>
<nav id="main-nav"><ul><li><a href="/c">NAV-COUNCILLORS</a></li><li><a>NAV-MEETINGS</a></li>
</ul></nav>
<div id="breadcrumb"><a href="/">Home</a> &gt; BREADCRUMB-SHOULD-GO</div>
<main id="content"><div id="modgov"><div class="mgContent">
<h1 class="mgMainTitleTxt">Minutes:</h1>
<p>Bury Metropolitan Borough Council</p>
<h2 class="mgSubTitleTxt">Children's Scrutiny Committee</h2>
<p>Tuesday 16 October 2018</p>
<p>Present: Councillor Smith (Chair), Councillor Jones</p>
<table class="mgItemTable" summary="Minutes items">
<tr><td class="mgItemNumberCell"><p class="mgItemNumberTxt">1.</p></td>
<td><p class="mgSubItemTitleTxt">Apologies</p><div class="mgWordPara">
<p>Apologies were received from Councillor Brown.</p></div></td></tr>
<tr><td class="mgItemNumberCell"><p class="mgItemNumberTxt">2.</p></td>
<td><p class="mgSubItemTitleTxt">Fostering Update</p><div class="mgWordPara">
<p>The Director presented the report on foster carers.</p>
<p>RESOLVED that the report be noted.</p></div></td></tr>
<tr><td class="mgItemNumberCell"><p class="mgItemNumberTxt">3.</p></td>
<td><p class="mgSubItemTitleTxt">Date of Next Meeting</p><div class="mgWordPara">
<p>The next meeting will be held on 8 January 2019.</p></div></td></tr>
</table></div></div></main>
<footer id="site-footer"><p>FOOTER-TEXT-SHOULD-GO</p></footer>
</body></html>
"""

SIMPLE_HTML = """<html><head><title>Minutes</title><script>var x = 'SCRIPT-TEXT-SHOULD-GO';
</script></head><body><nav><ul><li>NAV-COUNCILLORS</li><li>NAV-MEETINGS</li></ul></nav>
<header>HEADER-TEXT-SHOULD-GO</header>
<div id="content"><p>Bury Metropolitan Borough Council</p><h1>Children's Scrutiny Committee</h1>
<p>Tuesday 16 October 2018</p><p>Present: Councillor Smith (Chair), Councillor Jones</p>
<h2>1. Apologies</h2><p>Apologies were received from Councillor Brown.</p>
<h2>2. Fostering Update</h2><p>The Director presented the report on foster carers.</p>
<p>RESOLVED that the report be noted.</p>
<h2>3. Date of Next Meeting</h2><p>The next meeting will be held on 8 January 2019.</p></div>
<footer>FOOTER-TEXT-SHOULD-GO</footer></body></html>
"""

FORMATS = {
    "utf8.txt": lambda p: p.write_text(MINUTES, encoding="utf-8"),
    "bom.txt": lambda p: p.write_bytes(b"\xef\xbb\xbf" + MINUTES.encode("utf-8")),
    "crlf.txt": lambda p: p.write_bytes(MINUTES.replace("\n", "\r\n").encode("utf-8")),
    "cp1252.txt": lambda p: p.write_bytes(MINUTES.encode("cp1252")),
    "utf16.txt": lambda p: p.write_bytes(MINUTES.encode("utf-16")),
    "utf8.md": lambda p: p.write_text("# " + MINUTES, encoding="utf-8"),
    "cp1252.md": lambda p: p.write_bytes(MINUTES.encode("cp1252")),
    "utf16.md": lambda p: p.write_bytes(MINUTES.encode("utf-16")),
    "minutes.pdf": lambda p: _pdf(p, PDF_PAGES),
    "minutes.docx": _docx,
    "simple.html": lambda p: p.write_text(SIMPLE_HTML, encoding="utf-8"),
}


def _make(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    FORMATS[name](path)
    return path


def _load(path: Path) -> Document:
    doc, warnings = load_document(path, path.name, path.stem, MAX_BYTES)
    assert warnings == []
    return doc


def _check_record(doc: Document, n_items: int = 3) -> None:
    assert "bury" in (doc.council or "").lower()
    assert doc.date == "2018-10-16"
    assert "children's scrutiny committee" in (doc.committee or "").lower()
    refs = [it.ref for it in doc.items if it.ref]
    assert refs == ["1.", "2.", "3."][:n_items], refs
    titles = {it.ref: it.title for it in doc.items}
    assert titles["2."] == "Fostering Update"
    for it in doc.items:
        if it.ref:
            assert doc.text[it.char_start:].startswith(it.ref)
    decisions = [(r.item_ref, r.text) for r in doc.resolutions]
    assert ("2.", "RESOLVED that the report be noted.") in decisions
    for r in doc.resolutions:
        assert doc.text[r.char_start:r.char_end] == r.text


def _check_chunks(doc: Document, count) -> list:
    chunks = chunk_document(doc, count)
    assert chunks
    item_bounds = {b for it in doc.items for b in (it.char_start, it.char_end)}
    for c in chunks:
        assert doc.text[c.char_start:c.char_end] == c.text
        assert not any(c.char_start < b < c.char_end for b in item_bounds), c
        owner = doc.item_at(c.char_start)
        assert owner is not None and owner.ref == c.item_ref
        assert c.char_end <= owner.char_end
        assert count(c.embed_text) + 2 <= MODEL_TOKENS
    return chunks


@pytest.mark.parametrize("name", [n for n in FORMATS if n.endswith((".txt", ".md"))])
def test_text_and_markdown_in_any_encoding(tmp_path: Path, name: str, tokenizer) -> None:
    doc = _load(_make(tmp_path, name))
    assert "café budget was £1,200 – noted “as read”" in doc.text
    assert "\r" not in doc.text and "\ufffd" not in doc.text and "\ufeff" not in doc.text
    assert doc.doc_type == "minutes"
    _check_record(doc)
    _check_chunks(doc, tokenizer.count)


@pytest.mark.parametrize("style", ["## {ref} {title}", "**{ref} {title}**"])
def test_markdown_headings_are_items(tmp_path: Path, style: str) -> None:
    text = MINUTES
    for ref, title in (("1.", "Apologies"), ("2.", "Fostering Update"),
                       ("3.", "Date of Next Meeting")):
        text = text.replace(f"{ref} {title}", style.format(ref=ref, title=title))
    path = tmp_path / "minutes.md"
    path.write_text(text, encoding="utf-8")
    _check_record(_load(path))


def test_undecodable_bytes_never_crash(tmp_path: Path, tokenizer) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes(MINUTES.encode("utf-8") + b"\n\nBroken bytes \x81\x8d\x8f\x90\x9d end.\n")
    doc = _load(path)
    assert "Fostering Update" in doc.text
    _check_chunks(doc, tokenizer.count)


def test_pdf_pages_are_kept_for_citations(tmp_path: Path, tokenizer) -> None:
    doc = _load(_make(tmp_path, "minutes.pdf"))
    assert len(doc.page_starts) == 3
    _check_record(doc)
    pages = {it.ref: it.page for it in doc.items}
    assert pages == {"": 1, "1.": 1, "2.": 2, "3.": 3}
    for c in _check_chunks(doc, tokenizer.count):
        assert c.page == doc.page_at(c.char_start)
        page_text = doc.text[doc.page_starts[c.page - 1]:]
        assert page_text.find(c.text) != -1
    by_item = {c.item_ref: c.page for c in chunk_document(doc, tokenizer.count)}
    assert by_item["2."] == 2 and by_item["3."] == 3


def test_docx_paragraphs_and_tables(tmp_path: Path, tokenizer) -> None:
    doc = _load(_make(tmp_path, "minutes.docx"))
    assert doc.page_starts == []
    _check_record(doc)
    assert "Send adoption scorecard to members" in doc.text
    assert "Head of Service" in doc.text
    chunks = _check_chunks(doc, tokenizer.count)
    assert any("Send adoption scorecard" in c.text for c in chunks)


def _assert_chrome_dropped(text: str) -> None:
    for junk in ("SCRIPT-TEXT", "HEADER-TEXT", "NAV-COUNCILLORS", "NAV-MEETINGS",
                 "FOOTER-TEXT", "BREADCRUMB", "Skip to main content", ".mgContent"):
        assert junk not in text, junk


def test_html_drops_chrome_keeps_items(tmp_path: Path, tokenizer) -> None:
    doc = _load(_make(tmp_path, "simple.html"))
    _assert_chrome_dropped(doc.text)
    _check_record(doc)
    _check_chunks(doc, tokenizer.count)


def test_moderngov_page_drops_chrome(tmp_path: Path) -> None:
    path = tmp_path / "moderngov.html"
    path.write_text(MODERNGOV, encoding="utf-8")
    doc = _load(path)
    _assert_chrome_dropped(doc.text)
    assert "bury" in (doc.council or "").lower()
    assert doc.date == "2018-10-16"
    assert "Apologies were received from Councillor Brown." in doc.text


def test_moderngov_item_table_keeps_item_structure(tmp_path: Path, tokenizer) -> None:
    path = tmp_path / "moderngov.html"
    path.write_text(MODERNGOV, encoding="utf-8")
    doc = _load(path)
    _check_record(doc)
    _check_chunks(doc, tokenizer.count)
    r = [r for r in doc.resolutions if r.item_ref == "2."]
    assert [x.text for x in r] == ["RESOLVED that the report be noted."]


def test_all_formats_in_one_build(tmp_path: Path, fake_embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in FORMATS:
        _make(corpus, name)
    report = build_index([corpus], Settings.from_env(index_dir=tmp_path / "index"),
                         embedder=fake_embedder)
    assert report.skipped == []
    assert sorted(report.indexed) == sorted(FORMATS)
    gen = (tmp_path / "index" / "CURRENT").read_text().strip()
    conn = sqlite3.connect(tmp_path / "index" / gen / "records.sqlite")
    try:
        docs = {src: (text, council, date) for src, text, council, date in conn.execute(
            "SELECT source, text, council, date FROM documents")}
        assert set(docs) == set(FORMATS)
        for _src, (_text, council, date) in docs.items():
            assert "bury" in council.lower() and date == "2018-10-16"
        by_id = dict(conn.execute("SELECT doc_id, text FROM documents"))
        rows = conn.execute("SELECT doc_id, char_start, char_end, text, page, item_ref "
                            "FROM chunks").fetchall()
        assert len(rows) >= 2 * len(FORMATS)
        for doc_id, a, b, text, _page, _ref in rows:
            assert by_id[doc_id][a:b] == text
        pdf_id = next(d for d, s in conn.execute("SELECT doc_id, source FROM documents")
                      if s == "minutes.pdf")
        pdf_pages = {ref: page for d, _a, _b, _t, page, ref in rows if d == pdf_id}
        assert pdf_pages.get("2.") == 2 and pdf_pages.get("3.") == 3
        assert all(page is None for d, _a, _b, _t, page, _r in rows if d != pdf_id)
    finally:
        conn.close()
