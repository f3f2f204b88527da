"""Recognising the record on small synthetic texts: dates, metadata, items, resolutions,
undertakings, attendance and sidecars. No model, no index: pure functions of the text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.dates import find_dates, parse_date
from indexer.document import load_document
from indexer.gazetteer import detect_council
from indexer.metadata import apply_sidecar, recognise
from indexer.models import Document, Item
from indexer.records import find_attendance, find_resolutions
from indexer.structure import build_items, find_headings


def _items(text: str, doc_type: str = "minutes") -> list[Item]:
    return build_items(text, find_headings(text, doc_type))


def _by_ref(items: list[Item]) -> dict[str, Item]:
    return {it.ref: it for it in items if it.ref}


def _load(tmp_path: Path, name: str, text: str) -> Document:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc, _warnings = load_document(path, name, "doc", 10 * 1024 * 1024)
    return doc


# -- dates -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "iso", "start"), [
    ("14TH JANUARY 2014", "2014-01-14", None),
    ("Tuesday 16 October 2018", "2018-10-16", None),
    ("THURSDAY, 13 SEPTEMBER, 2012", "2012-09-13", None),
    ("19th September 2017", "2017-09-19", None),
    ("28th February – 3rd March 2022", "2022-03-03", "2022-02-28"),
    ("16/10/2018", "2018-10-16", None),
])
def test_date_styles(written: str, iso: str, start: str | None) -> None:
    text = f"Meeting held on {written} at the Town Hall."
    found = find_dates(text)
    assert len(found) == 1, found
    assert (found[0].iso, found[0].start_iso) == (iso, start)
    assert text[found[0].char_start:found[0].char_end] == written
    assert parse_date(written) == iso


def test_impossible_date_is_not_a_date() -> None:
    assert find_dates("30 February 2020") == []
    assert parse_date("not a date at all") is None


def test_visit_is_dated_by_its_last_day() -> None:
    text = ("Walsall Council Children's Services Peer Challenge\n\n"
            "Date: 28th February – 3rd March 2022\n\nFeedback Report\n\n"
            "1. Executive Summary\n\nThe peer team found strong leadership in Walsall Council.\n")
    meta = recognise(text, "peer.txt")
    assert meta.doc_type == "peer_review"
    assert meta.date == "2022-03-03"
    assert meta.date_start == "2022-02-28"


# -- metadata and councils --------------------------------------------------------------------

MINUTES_NO_COUNCIL_IN_HEADER = """CHILDREN'S SCRUTINY PANEL

TUESDAY, 5 MARCH, 2019 AT 6.00 P.M. AT THE COUNCIL HOUSE

Present: Councillor Adams (Chair), Councillor Baker

1. Fostering

The Director said that Walsall's fostering service had improved. Members asked how Walsall
Council compared with its statistical neighbours.
"""


def test_council_from_body_when_header_omits_it() -> None:
    meta = recognise(MINUTES_NO_COUNCIL_IN_HEADER, "panel.txt")
    assert meta.council is not None and "walsall" in meta.council.lower()
    assert meta.doc_type == "minutes"
    assert meta.date == "2019-03-05"
    assert meta.committee is not None and "children's scrutiny panel" in meta.committee.lower()


def test_ambiguous_place_name_needs_capital_and_context() -> None:
    text = MINUTES_NO_COUNCIL_IN_HEADER.replace("Walsall's", "Bury's").replace(
        "Walsall\nCouncil", "Bury\nCouncil")
    council = detect_council(text)
    assert council is not None and council.name == "Bury"
    # "bury" the verb and "Greater Manchester" name no council.
    assert detect_council("Officers did not bury the report. Greater Manchester was cited.") \
        is None


def test_no_council_named_gives_none() -> None:
    text = "Minutes of the Audit Committee\n\nPresent: Councillor A\n\n1. Budget\n\nNoted.\n"
    assert recognise(text, "a.txt").council is None


def test_report_metadata() -> None:
    text = ("Report to the Overview and Scrutiny Committee\n\n19th September 2017\n\n"
            "Barnsley Metropolitan Borough Council\n\n1. Purpose of the Report\n\n"
            "1.1 The purpose of this report is to update the committee on improvement.\n")
    meta = recognise(text, "r.txt")
    assert meta.doc_type == "report"
    assert meta.date == "2017-09-19"
    assert "barnsley" in (meta.council or "").lower()
    assert "overview and scrutiny committee" in (meta.committee or "").lower()


# -- sidecars ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sidecar_name", ["minutes.txt.meta.json", "minutes.meta.json"])
def test_sidecar_overrides_every_field(tmp_path: Path, sidecar_name: str) -> None:
    (tmp_path / sidecar_name).write_text(json.dumps({
        "title": "A better title", "council": "Bury Metropolitan Borough Council",
        "committee": "Health Scrutiny Committee", "doc_type": "report",
        "date": "3rd March 2022", "date_start": "2022-02-28"}), encoding="utf-8")
    doc = _load(tmp_path, "minutes.txt", MINUTES_NO_COUNCIL_IN_HEADER)
    assert (doc.title, doc.council, doc.committee, doc.doc_type, doc.date, doc.date_start) == (
        "A better title", "Bury Metropolitan Borough Council", "Health Scrutiny Committee",
        "report", "2022-03-03", "2022-02-28")


def test_partial_sidecar_keeps_recognised_fields(tmp_path: Path) -> None:
    (tmp_path / "minutes.meta.json").write_text('{"committee": "Corporate Parenting Board"}',
                                                encoding="utf-8")
    doc = _load(tmp_path, "minutes.txt", MINUTES_NO_COUNCIL_IN_HEADER)
    assert doc.committee == "Corporate Parenting Board"
    assert "walsall" in (doc.council or "").lower()
    assert doc.date == "2019-03-05"


@pytest.mark.parametrize(("content", "expect"), [
    ("{not json", "ignored"),
    ("[1, 2]", "ignored"),
    ('{"doc_type": "agenda"}', "doc_type"),
    ('{"date": "sometime soon"}', "not a date"),
    ('{"colour": "blue"}', "unknown field"),
])
def test_bad_sidecar_is_reported_not_fatal(tmp_path: Path, content: str, expect: str) -> None:
    path = tmp_path / "minutes.txt"
    path.write_text(MINUTES_NO_COUNCIL_IN_HEADER, encoding="utf-8")
    (tmp_path / "minutes.meta.json").write_text(content, encoding="utf-8")
    doc, warnings = load_document(path, "minutes.txt", "m", 10 * 1024 * 1024)
    assert warnings and expect in " ".join(warnings)
    assert "minutes.meta.json" in warnings[0]
    # The recognised metadata survives whatever the sidecar got wrong.
    assert doc.doc_type == "minutes" and doc.date == "2019-03-05"
    assert "walsall" in (doc.council or "").lower()


def test_no_sidecar_no_warnings(tmp_path: Path) -> None:
    meta = recognise(MINUTES_NO_COUNCIL_IN_HEADER, "m.txt")
    before = (meta.title, meta.council, meta.date)
    assert apply_sidecar(meta, tmp_path / "m.txt") == []
    assert (meta.title, meta.council, meta.date) == before


# -- items ------------------------------------------------------------------------------------

def _assert_spans_tile(text: str, items: list[Item]) -> None:
    """Top-level items run to the next one: only whitespace lies between them."""
    top = [it for it in items if it.level <= 1]
    for a, b in zip(top, top[1:], strict=False):
        assert a.char_end <= b.char_start
        assert text[a.char_end:b.char_start].strip() == "", (a, b)
    assert text[top[-1].char_end:].strip() == ""


MINUTES = """BARNSLEY METROPOLITAN BOROUGH COUNCIL

CHILDREN'S SERVICES SCRUTINY COMMITTEE

14TH JANUARY 2014

Present: Councillors Worton (Chair), Lofts and Rusby.

Apologies for absence: Councillor Green.

Officers present: Jane Doe, Director of Children's Services

15. Minutes of the previous meeting

RESOLVED that the minutes of the meeting held on 12th November 2013 be approved.

16. Fostering Update

The Director presented the report on foster carers.

Resolved That:

1. The report be noted.

2. A further report be brought to the March meeting.

3. Officers circulate the recruitment figures.

17. Date of next meeting

IT WAS AGREED that the next meeting be held on 11th March 2014.
"""


def test_numbered_minute_items_with_titles_and_spans() -> None:
    items = _items(MINUTES)
    refs = [it.ref for it in items if it.ref]
    assert refs == ["15.", "16.", "17."]
    by = _by_ref(items)
    assert by["15."].title == "Minutes of the previous meeting"
    assert by["16."].title == "Fostering Update"
    assert by["17."].title == "Date of next meeting"
    for it in by.values():
        assert MINUTES[it.char_start:].startswith(it.ref.rstrip(".") + ".")
    # Item 16 covers its resolution list up to item 17.
    body16 = MINUTES[by["16."].char_start:by["16."].char_end]
    assert "3. Officers circulate the recruitment figures." in body16
    assert "17." not in body16
    _assert_spans_tile(MINUTES, items)


def test_prefixed_and_slashed_minute_refs() -> None:
    bury = ("CS.01 DECLARATIONS OF INTEREST\n\nNone.\n\nCS.02 OFSTED VISIT UPDATE\n\n"
            "The update was given.\n\nIt was agreed:\n\nThat the update be noted.\n\n"
            "CS.03 PERFORMANCE REPORT\n\nReport considered.\n")
    items = _items(bury)
    assert [it.ref for it in items] == ["CS.01", "CS.02", "CS.03"]
    assert _by_ref(items)["CS.02"].title.lower() == "ofsted visit update"
    _assert_spans_tile(bury, items)

    walsall = ("225/12 EDUCATION DEVELOPMENTS\n\nUpdate noted.\n\n"
               "226/12 SAFEGUARDING & VULNERABLE CHILDREN SERVICES – IMPROVEMENT PLAN\n\n"
               "The Director reported.\n\nResolved\n\nThat the report be noted.\n\n"
               "227/12 WORK PROGRAMME\n\nNoted.\n")
    items = _items(walsall)
    assert [it.ref for it in items] == ["225/12", "226/12", "227/12"]
    item = _by_ref(items)["226/12"]
    assert "improvement plan" in item.title.lower()
    assert walsall[item.char_start:item.char_end].endswith("That the report be noted.")
    _assert_spans_tile(walsall, items)


REPORT = """Report to the Corporate Parenting Board

2.0 Background

2.5 Ofsted inspected the service in 2012 and found it inadequate overall.

2.6 In June 2014 a full inspection found that the service required improvement.

3.0 Next Steps

The council will publish an action plan.

5. Main Findings

Leadership is strong and visible across the service.

6. Recommendations

The board should note the findings.

Appendix 3 – Ofsted Recommendations

The recommendations follow in full.
"""


def test_report_paragraphs_sections_and_appendices() -> None:
    items = _items(REPORT, "report")
    by = _by_ref(items)
    for ref in ("2.0", "2.5", "2.6", "3.0", "5.", "6.", "Appendix 3"):
        assert ref in by, (ref, [it.ref for it in items])
        assert REPORT[by[ref].char_start:].startswith(ref)
    # A numbered paragraph is cited under its section's title, and lies inside the section.
    assert by["2.6"].title == "Background"
    assert by["2.0"].char_start < by["2.6"].char_start < by["2.6"].char_end <= by["2.0"].char_end
    assert REPORT[by["2.6"].char_start:by["2.6"].char_end].endswith("required improvement.")
    assert by["5."].title == "Main Findings"
    assert by["Appendix 3"].title == "Ofsted Recommendations"
    assert REPORT[by["Appendix 3"].char_start:by["Appendix 3"].char_end].endswith("in full.")


def test_list_restarting_inside_a_later_item_is_not_an_item() -> None:
    refs = [it.ref for it in _items(MINUTES) if it.ref]
    assert "1." not in refs and "2." not in refs and "3." not in refs


LIST_IN_EARLY_ITEM = """Minutes of the Health Scrutiny Panel

Present: Councillor A. Smith (Chair), Councillor B. Jones

1. Apologies

There were no apologies.

2. Budget Monitoring

The Panel considered the budget report.

RESOLVED that:

1. The report be noted.

2. The Director report back in March.

3. The Panel receive a briefing on overspends.

3. Fostering Services

The Head of Service presented the fostering report.

4. Date of Next Meeting

The next meeting will be on 5 June 2019.
"""


def test_resolution_list_that_runs_past_the_item_number_is_not_an_item() -> None:
    items = _items(LIST_IN_EARLY_ITEM)
    by = _by_ref(items)
    assert [it.ref for it in items if it.ref] == ["1.", "2.", "3.", "4."]
    assert by["3."].title == "Fostering Services"
    assert "3. The Panel receive a briefing" in LIST_IN_EARLY_ITEM[by["2."].char_start:
                                                                   by["2."].char_end]


# -- resolutions, agreements, undertakings ---------------------------------------------------

DECISIONS = """Minutes of the Corporate Parenting Panel held on 5 June 2019

Members Present: Councillors Patel (Chair), O'Brien and Hughes

Apologies: Councillor Khan and Councillor Lee

Officers in attendance: Sarah Mills (Head of Fostering); Tom Reed (Democratic Services)

1. Minutes

RESOLVED that the minutes of the meeting held on 3 April 2019 be approved as a correct record.

2. Fostering Sufficiency

The Head of Fostering presented the report. In response to a question, the Head of Fostering \
undertook to provide the number of approved foster carers by ward. The Director agreed to \
provide a breakdown of placement costs.

Resolved That: 1. the report be noted; 2. a further update be presented in six months.

3. Care Leavers

Members discussed accommodation for care leavers.

It was agreed:

That officers write to the housing provider about the waiting list.

4. Any Other Business

Members raised concerns about agency staff. IT WAS AGREED that the Chair would raise the \
matter with the Cabinet Member.
"""


def _resolutions(text: str):
    items = _items(text)
    return items, find_resolutions(text, items)


def test_resolutions_are_tied_to_items_with_exact_spans() -> None:
    _items_, found = _resolutions(DECISIONS)
    for r in found:
        assert DECISIONS[r.char_start:r.char_end] == r.text
    decisions = [(r.kind, r.item_ref, r.text) for r in found if r.kind != "undertaking"]
    assert decisions == [
        ("resolved", "1.", "RESOLVED that the minutes of the meeting held on 3 April 2019 be "
                           "approved as a correct record."),
        ("resolved", "2.", "Resolved That: 1. the report be noted; 2. a further update be "
                           "presented in six months."),
        ("agreed", "3.", "It was agreed:\n\nThat officers write to the housing provider about "
                         "the waiting list."),
        ("agreed", "4.", "IT WAS AGREED that the Chair would raise the matter with the Cabinet "
                         "Member."),
    ]
    titles = {r.item_ref: r.item_title for r in found}
    assert titles["3."] == "Care Leavers"


def test_undertakings_are_found_as_sentences() -> None:
    _items_, found = _resolutions(DECISIONS)
    undertakings = [(r.item_ref, r.text) for r in found if r.kind == "undertaking"]
    assert ("2.", "In response to a question, the Head of Fostering undertook to provide the "
                  "number of approved foster carers by ward.") in undertakings
    assert ("2.", "The Director agreed to provide a breakdown of placement costs.") in undertakings


def test_resolved_that_numbered_block_keeps_every_point() -> None:
    items, found = _resolutions(MINUTES)
    r16 = [r for r in found if r.item_ref == "16."]
    assert len(r16) == 1 and r16[0].kind == "resolved"
    assert r16[0].text.startswith("Resolved That:")
    assert r16[0].text.endswith("3. Officers circulate the recruitment figures.")
    assert MINUTES[r16[0].char_start:r16[0].char_end] == r16[0].text
    assert [(r.kind, r.item_ref) for r in found] == [("resolved", "15."), ("resolved", "16."),
                                                      ("agreed", "17.")]


BLOCK_THEN_PROSE = """Minutes of the Children's Scrutiny Committee held on 5 June 2019

Present: Councillor Adams (Chair), Councillor Baker

1. Adoption Performance

The Head of Service introduced the adoption scorecard.

RESOLVED that the report be noted.

Members then asked about timeliness. The Head of Service undertook to provide the latest \
adoption timeliness figures before the next meeting.

2. Work Programme

RESOLVED that the work programme be agreed.

COUNCILLOR A ADAMS
Chair
"""


def test_resolution_block_ends_before_following_prose() -> None:
    _items_, found = _resolutions(BLOCK_THEN_PROSE)
    texts = {(r.kind, r.item_ref): r.text for r in found}
    assert texts[("resolved", "1.")] == "RESOLVED that the report be noted."
    assert texts[("resolved", "2.")] == "RESOLVED that the work programme be agreed."
    assert ("undertaking", "1.") in texts
    assert texts[("undertaking", "1.")].startswith("The Head of Service undertook to provide")


def test_resolutions_never_overlap() -> None:
    text = """Minutes of the Scrutiny Panel held on 13 September 2012

Present: Councillor Cassidy (Chair)

226/12 IMPROVEMENT PLAN

The interim Director provided the update:

- It was also agreed that the interim Director would provide a summary of progress at each \
meeting;
- It was also agreed that the Assistant Director would identify a council to visit.

Resolved

That:

1. officers will provide guidance to Members;
2. the report be noted.

227/12 WORK PROGRAMME

Resolved

That the work programme be noted.
"""
    _items_, found = _resolutions(text)
    spans = sorted((r.char_start, r.char_end) for r in found)
    for (_a1, b1), (a2, _b2) in zip(spans, spans[1:], strict=False):
        assert b1 <= a2, found
    assert sum(1 for r in found if r.text.startswith("Resolved")) == 2


# -- attendance --------------------------------------------------------------------------------

def test_attendance_present_apologies_officers() -> None:
    items = _items(DECISIONS)
    people = find_attendance(DECISIONS, items)
    for p in people:
        assert DECISIONS[p.char_start:p.char_end] == p.name
    by_role: dict[str, list[str]] = {}
    for p in people:
        by_role.setdefault(p.role, []).append(p.name)
    assert any("Patel" in n for n in by_role["present"])
    assert any("O'Brien" in n for n in by_role["present"])
    assert any("Hughes" in n for n in by_role["present"])
    assert sorted(by_role["apologies"]) == ["Councillor Khan", "Councillor Lee"]
    assert [n.split(" (")[0] for n in by_role["officer"]] == ["Sarah Mills", "Tom Reed"]
    # Nobody present is also listed as sending apologies.
    assert not any("Khan" in n for n in by_role["present"])


def test_officers_one_per_line_keep_names_not_job_titles() -> None:
    text = ("Minutes of the Project Group\n\nDate of Meeting: Tuesday 16 October 2018\n\n"
            "Present: Councillor Southworth (in the Chair); Councillor Caserta\n\n"
            "Also in attendance: Karen Dolton, Interim Executive Director Children's Services\n"
            "Bart Popelier, Strategic Lead Safeguarding\n"
            "Leigh Webb – Democratic Services\n\n"
            "CS.01 DECLARATIONS OF INTEREST\n\nNone.\n")
    people = find_attendance(text, _items(text))
    officers = [p.name for p in people if p.role == "officer"]
    assert officers == ["Karen Dolton", "Bart Popelier", "Leigh Webb"]
    present = [p.name for p in people if p.role == "present"]
    assert present == ["Councillor Southworth (in the Chair)", "Councillor Caserta"]


def test_apologies_sentence_in_prose_gives_names_only() -> None:
    text = ("Minutes of the Audit Committee held on 5 June 2019\n\n"
            "Present: Councillor Smith (Chair), Councillor Jones\n\n1. Apologies\n\n"
            "Apologies were received from Councillor Brown. The budget was noted as read.\n")
    people = find_attendance(text, _items(text))
    assert [p.name for p in people if p.role == "apologies"] == ["Councillor Brown"]


def test_attendance_keeps_bracketed_roles_whole_and_lists_only_people() -> None:
    text = ("Minutes of the Corporate Parenting Panel held on 5 June 2019\n\n"
            "Present: Councillor Ann Wood (Chair), Councillor Raj Patel and Luke Farrant (Head of "
            "Fostering /\nAdoption)\n\n"
            "Officers in attendance:\nLuke Farrant (Head of Fostering /\nAdoption)\n"
            "Mary Cole (Service Manager, Fostering and Adoption)\n"
            "The Head of SEND Finance reported that the high needs block was overspent.\n\n"
            "1. Fostering Sufficiency\n\nMembers noted the report.\n")
    people = find_attendance(text, _items(text))
    for p in people:
        assert text[p.char_start:p.char_end] == p.name
    names = {role: [" ".join(p.name.split()) for p in people if p.role == role]
             for role in ("present", "officer")}
    assert names["present"] == ["Councillor Ann Wood (Chair)", "Councillor Raj Patel",
                                "Luke Farrant (Head of Fostering / Adoption)"]
    assert names["officer"] == ["Luke Farrant (Head of Fostering / Adoption)",
                                "Mary Cole (Service Manager, Fostering and Adoption)"]
    assert not [p for p in people if "reported" in p.name or p.name.startswith("The ")]


def test_a_sentence_after_a_one_line_list_is_not_a_person() -> None:
    text = ("Minutes of the Schools Forum held on 5 June 2019\n\n"
            "Also present: Jo Bell, Kit Hart. The Head of SEND Finance reported on the budget\n\n"
            "1. Budget\n\nNoted.\n")
    people = find_attendance(text, _items(text))
    assert [p.name for p in people if p.role == "officer"] == ["Jo Bell", "Kit Hart"]


INLINE_RESOLVED = """CORPORATE PARENTING BOARD

Minutes of the meeting held on 5 June 2019

1. Zebra crossing at Almondbury

Members discussed the zebra crossing outside the children's home. RESOLVED that officers \
report back on the crossing by September.

2. Fostering

The board heard that recruitment had resolved the shortage. Resolved: that the update be noted.
"""


def test_a_decision_recorded_mid_line_is_found() -> None:
    """Minutes typed as paragraphs (or reflowed from a PDF) put RESOLVED after a sentence;
    a word like "resolved" inside prose is not a decision."""
    _items_, found = _resolutions(INLINE_RESOLVED)
    decisions = [(r.kind, r.item_ref, r.text) for r in found if r.kind == "resolved"]
    assert decisions == [
        ("resolved", "1.", "RESOLVED that officers report back on the crossing by September."),
        ("resolved", "2.", "Resolved: that the update be noted."),
    ]
    for r in found:
        assert INLINE_RESOLVED[r.char_start:r.char_end] == r.text
