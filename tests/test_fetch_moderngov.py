"""``scrutiny fetch moderngov`` against a ModernGov look-alike on 127.0.0.1: the real client
code, the web service and its 403 fallback, resumability, politeness, and links that reach
citations."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.config import Settings
from indexer.errors import FetchError
from indexer.sources.http import Client, HttpError
from indexer.sources.moderngov import FetchOptions, FetchReport, fetch_moderngov
from retriever import Assistant
from tests.fakes import HashEmbedder
from tests.moderngov_server import FakeModernGov

CHILDREN = "Children's Services Scrutiny Committee"
HEALTH = "Health Overview and Scrutiny Panel"


@pytest.fixture()
def fake():
    with FakeModernGov() as server:
        yield server


def _client(**kw: float) -> Client:
    return Client(rate=kw.get("rate", 50), timeout=5, retries=int(kw.get("retries", 2)),
                  backoff=0.01)


def _fetch(fake: FakeModernGov, corpus: Path, site: str = "ws", **kw) -> FetchReport:
    client = kw.pop("client", None) or _client()
    return fetch_moderngov(f"{fake.base}/{site}", corpus, FetchOptions(**kw), client=client)


def _meeting_url(fake: FakeModernGov, cid: str, mid: str, site: str = "ws") -> str:
    return f"{fake.base}/{site}/ieListDocuments.aspx?CId={cid}&MId={mid}"


def _get_meeting_requests(fake: FakeModernGov) -> list[str]:
    return [p for p in fake.paths("/GetMeeting?")]


def _index(tmp_path: Path, corpus: Path) -> Assistant:
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus)
    report = build_index([corpus], settings, embedder=HashEmbedder())
    assert not [s for s in report.skipped if not s.reason.startswith("warning")], report.skipped
    return Assistant.open(settings.index_dir, settings=settings, embedder=HashEmbedder())


def test_two_scrutiny_committees_fetched_indexed_and_cited_with_links(
        fake: FakeModernGov, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    report = _fetch(fake, corpus)
    assert report.mode == "web service"
    assert report.committees == [CHILDREN, HEALTH]  # not the planning committee
    assert not fake.paths("lMeetingId=3001") and not fake.paths("lCommitteeId=103")
    assert len(report.fetched) == 4 and not report.failures
    assert report.council == "Walsall Metropolitan Borough Council"
    texts = "\n".join(p.read_text(encoding="utf-8") for p in corpus.rglob("*.txt"))
    assert "SECRET-CONTRACT-PHRASE" not in texts and "Residential Care Contract" not in texts
    assert "34. Children's Centres & Early Help" in texts  # double-encoded entities decoded
    assert "family hub's speech & language" in texts
    assert "&amp;" not in texts and "&#39;" not in texts

    assistant = _index(tmp_path, corpus)
    hit = assistant.search("how many foster carers were recruited", k=3).hits[0]
    c = hit.citation
    assert c.url == _meeting_url(fake, "101", "1002")
    assert (c.committee, c.date, c.doc_type) == (CHILDREN, "2023-03-14", "minutes")
    assert c.item_ref.rstrip(".") == "52" and c.item_title == "Fostering Recruitment"
    detail = assistant.document(c.doc_id)
    present = {(a["name"], a["role"]) for a in detail.attendance}
    assert ("Councillor Bob Baker", "present") in present
    assert any(a["role"] == "apologies" and "Carol Clark" in a["name"]
               for a in detail.attendance)
    resolutions = assistant.resolutions("fostering").resolutions
    assert resolutions and resolutions[0].citation.url == _meeting_url(fake, "101", "1002")
    camhs = assistant.search("CAMHS waiting times", k=1).hits[0].citation
    assert camhs.committee == HEALTH and camhs.url == _meeting_url(fake, "102", "2001")


def test_second_run_fetches_nothing_new_and_late_minutes_once(fake: FakeModernGov,
                                                               tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    first = _fetch(fake, corpus, reports=True)
    assert len(first.fetched) == 4 and len(first.pending) == 1 and len(first.reports) == 1
    stamps = {p: p.stat().st_mtime_ns for p in corpus.rglob("*") if p.is_file()
              and not p.name.startswith(".")}
    before = len(fake.requests)

    second = _fetch(fake, corpus, reports=True)
    asked = [p for _, p in fake.requests[before:]]
    assert second.fetched == [] and second.reports == [] and second.unchanged == 4
    # Only the meeting still waiting for minutes is asked for again; no report re-downloaded.
    assert [p for p in asked if "/GetMeeting?" in p] == [
        "/ws/mgWebService.asmx/GetMeeting?lMeetingId=1003"]
    assert not [p for p in asked if "/documents/" in p]
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps

    refreshed = _fetch(fake, corpus, refresh=True)  # asks again; nothing changed, nothing written
    assert len(fake.paths("lMeetingId=1001")) == 2 and refreshed.fetched == []
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps

    fake.published.add("1003")  # the minutes appear
    third = _fetch(fake, corpus)
    assert [Path(f).name for f in third.fetched] == ["2023-05-16-1003.txt"]
    assert third.pending == []
    before = len(fake.requests)
    fourth = _fetch(fake, corpus)
    assert fourth.fetched == [] and not [p for _, p in fake.requests[before:]
                                         if "/GetMeeting?" in p]


def test_web_service_403_falls_back_to_meeting_pages(fake: FakeModernGov, tmp_path: Path
                                                     ) -> None:
    corpus = tmp_path / "corpus"
    report = _fetch(fake, corpus, site="pages")
    assert fake.paths("/pages/mgWebService.asmx/GetCommittees")  # tried first, refused
    assert report.mode == "pages" and report.committees == ["Adult Social Care Scrutiny Committee"]
    assert report.council == "Rotherham Metropolitan Borough Council"
    assert [Path(f).name for f in report.fetched] == ["2023-03-14-7001.pdf"]
    assert len(report.pending) == 1 and "7002" in report.pending[0]
    assert not fake.paths("Agenda")  # agenda packs are not minutes (and --reports is off)
    sidecar = json.loads(next(corpus.rglob("*.pdf.meta.json")).read_text())
    assert sidecar["url"] == _meeting_url(fake, "301", "7001", site="pages")

    hit = _index(tmp_path, corpus).search("Riverside day centre closure", k=1).hits[0]
    assert hit.citation.url == _meeting_url(fake, "301", "7001", site="pages")
    assert hit.citation.page == 1 and hit.citation.date == "2023-03-14"


def test_reports_downloaded_with_their_own_links(fake: FakeModernGov, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    report = _fetch(fake, corpus, reports=True, committees=["children"])
    assert report.committees == [CHILDREN]
    assert len(report.reports) == 1 and not fake.paths("/s5002/")  # restricted: not asked
    pdf = corpus / report.reports[0]
    assert pdf.read_bytes().startswith(b"%PDF")
    meta = json.loads(pdf.with_name(pdf.name + ".meta.json").read_text())
    assert meta["url"] == f"{fake.base}/ws/documents/s5001/Early%20Help%20report.pdf"
    assert (meta["doc_type"], meta["published"], meta["date"]) == ("report", "2023-01-03",
                                                                  "2023-01-10")
    hit = _index(tmp_path, corpus).search("family hub performance recommendation", k=5)
    urls = {h.citation.url for h in hit.hits if h.citation.doc_type == "report"}
    assert meta["url"] in urls


def test_requests_respect_the_rate_limit(fake: FakeModernGov, tmp_path: Path) -> None:
    report = _fetch(fake, tmp_path / "corpus", client=_client(rate=5))
    times = [t for t, _ in fake.requests]
    assert report.requests == len(times) >= 8
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.2 - 0.03, gaps


def test_failing_meeting_is_reported_and_the_rest_fetched(fake: FakeModernGov,
                                                          tmp_path: Path) -> None:
    fake.failing.add("2001")
    report = _fetch(fake, tmp_path / "corpus", client=_client(retries=2))
    assert len(fake.paths("lMeetingId=2001")) == 3  # first try and two retries
    assert len(report.failures) == 1
    assert "meeting 2001" in report.failures[0] and "HTTP 500" in report.failures[0]
    assert len(report.fetched) == 3 and not report.all_failed
    fake.failing.clear()
    again = _fetch(fake, tmp_path / "corpus")
    assert [Path(f).name for f in again.fetched] == ["2023-02-07-2001.txt"]


def test_client_does_not_retry_a_refusal(fake: FakeModernGov) -> None:
    client = _client(retries=3)
    with pytest.raises(HttpError) as err:
        client.get(f"{fake.base}/pages/mgWebService.asmx/GetCommittees")
    assert err.value.status == 403 and len(fake.requests) == 1
    assert "scrutiny-assistant" in client.user_agent


def test_bad_address_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="not a web address"):
        fetch_moderngov("ftp://example", tmp_path, FetchOptions(), client=_client())


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from scrutiny.cli import main

    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_exit_codes_and_messages(fake: FakeModernGov, tmp_path: Path, monkeypatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SCRUTINY_FETCH_RATE", "50")
    monkeypatch.setenv("SCRUTINY_FETCH_RETRIES", "0")
    corpus = str(tmp_path / "corpus")
    fake.failing.add("2001")
    code, out, err = _cli(["fetch", "moderngov", f"{fake.base}/ws", "--corpus", corpus,
                           "--no-index", "--quiet"], capsys)
    assert code == 0 and err.count("failed:") == 1 and "meeting 2001" in err
    fake.failing.update({"1001", "1002", "1003", "2002"})
    code, out, err = _cli(["fetch", "moderngov", f"{fake.base}/ws", "--corpus",
                           str(tmp_path / "other"), "--no-index", "--quiet"], capsys)
    assert code == 1 and err.count("failed:") == 5  # everything failed
    code, out, err = _cli(["fetch", "moderngov", "not a url at all", "--corpus", corpus,
                           "--no-index"], capsys)
    assert code == 2 and "scrutiny:" in err
    code, out, err = _cli(["fetch", "moderngov", f"{fake.base}/ws", "--since", "soon",
                           "--corpus", corpus, "--no-index"], capsys)
    assert code == 2 and "--since" in err


@pytest.mark.integration
def test_fetch_index_and_ask_with_the_real_model(fake: FakeModernGov, tmp_path: Path,
                                                 monkeypatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SCRUTINY_FETCH_RATE", "50")
    index = str(tmp_path / "index")
    code, out, err = _cli(["fetch", "moderngov", f"{fake.base}/ws", "--corpus",
                           str(tmp_path / "corpus"), "--index", index, "--since", "2022",
                           "--until", "2023", "--quiet", "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert len(data["fetch"]["fetched"]) == 4 and len(data["index"]["indexed"]) == 4
    code, out, err = _cli(["ask", "How many new foster carers were approved?", "--index",
                           index, "--json"], capsys)
    assert code == 0, err
    answer = json.loads(out)
    assert not answer["abstained"] and answer["citations"]
    first = answer["citations"][0]
    assert "twelve new foster carers" in first["quote"]
    assert first["citation"]["url"] == _meeting_url(fake, "101", "1002")
    code, out, err = _cli(["search", "CAMHS waiting times", "--index", index, "-k", "1"],
                          capsys)
    assert code == 0 and _meeting_url(fake, "102", "2001") in out
    print(out, file=sys.stderr)


def test_minutes_body_as_raw_markup_and_answers_that_are_not_xml() -> None:
    from indexer.sources import moderngov_parse as mp

    meeting = mp.parse_meeting(
        b"<meeting><meetingid>9</meetingid><meetingdate>02/03/2021</meetingdate><agendaitems>"
        b"<agendaitem><agendaitemtitle>Budget</agendaitemtitle><minutesitemnumber>7"
        b"</minutesitemnumber><minutesnonemptyhtmlbody><div><p>Members asked about "
        b"<b>reserves</b>.</p><p>RESOLVED that the budget be noted.</p></div>"
        b"</minutesnonemptyhtmlbody></agendaitem></agendaitems></meeting>", "9")
    assert meeting.date == "2021-03-02"
    assert [(i.number, i.title) for i in meeting.items] == [("7", "Budget")]
    assert meeting.items[0].text == ("Members asked about reserves.\n\n"
                                     "RESOLVED that the budget be noted.")
    for answer in (b"", b"Service Unavailable"):
        with pytest.raises(ValueError):
            mp.parse_committees(answer)
