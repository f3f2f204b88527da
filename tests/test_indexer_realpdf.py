"""Real-PDF reading: a multi-page inspection report built with reportlab the way inspectorates
print them (running header with page numbers, footer, judgement table, numbered paragraphs,
judgement headings, hyphenated line ends, an address block and a back cover)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.chunking import chunk_document
from indexer.document import load_document
from indexer.metadata import recognise

HEADER = "Inspection of Eastshire local authority children's services"
BODY = [
    "4. Leaders have built a multi-",
    "agency safeguarding hub that works well with partners and families in the",
    "area, so that children receive help quickly and their needs are understood.",
    "5. Managers oversee referrals closely and decisions are recorded on children's",
    "records with a clear rationale for the next steps that are needed.",
]


def _word_count(text: str) -> int:
    return len(text.split())


def _report(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    pages = [
        ["Eastshire County Council", "Inspection of Eastshire local authority children's services",
         "Inspection dates: 6 to 10 May 2024", "Judgement Grade",
         "The impact of leaders on social work practice", "Good",
         "The experiences and progress of children in care", "Requires improvement to be good",
         "Overall effectiveness Good", "",
         "Children in Eastshire receive help that is timely and well planned by staff who",
         "know them well, and leaders have a clear understanding of practice."],
        ["", "The experiences and progress of children who need help and protection: good", "",
         "1. Social workers visit children regularly and see them alone, and they write up",
         "visits promptly so that managers can review the progress of each plan.",
         "2. Strategy meetings are held quickly when there are concerns about harm and the",
         "police and health partners attend and contribute to the decisions made.",
         "3. Assessments are thorough and consider the history of each family so that",
         "plans are focused on what needs to change for the child."],
        ["", "The experiences and progress of children in care: requires improvement", "",
         *BODY],
        ["The Office for Standards in Education, Children's Services and Skills regulates",
         "and inspects services. You may reuse this information under the terms of the",
         "Open Government Licence. Piccadilly Gate, Store Street, Manchester M1 2WD",
         "T: 0300 123 1231  E: enquiries@ofsted.gov.uk  W: www.gov.uk/ofsted",
         "(c) Crown copyright 2024"],
    ]
    for number, lines in enumerate(pages, start=1):
        c.setFont("Helvetica", 9)
        c.drawString(50, 810, HEADER)
        c.drawString(50, 798, f"6 to 10 May 2024 {number}")
        c.setFont("Helvetica", 10)
        y = 770
        for line in lines:
            c.drawString(50, y, line)
            y -= 14
        c.setFont("Helvetica", 8)
        c.drawString(50, 30, "Reference 80123 Eastshire children's services inspection")
        c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def report_doc(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("realpdf")
    path = _report(folder / "eastshire-childrens-services-inspection-2024-06-21.pdf")
    doc, _ = load_document(path, path.name, "eastshire", 64 * 2**20)
    return doc


def test_running_header_and_footer_are_kept_out_of_chunks(report_doc) -> None:
    doc = report_doc
    chunks = chunk_document(doc, _word_count)
    assert chunks
    for c in chunks:
        assert doc.text[c.char_start:c.char_end] == c.text  # quotes stay exact slices
        assert "6 to 10 May 2024 " not in c.text.replace("Inspection dates: 6 to 10 May 2024", "")
        assert "Reference 80123" not in c.text
        assert c.page == doc.page_at(c.char_start)
    assert HEADER not in doc.text[doc.page_starts[1]:]  # only the title page names it


def test_page_numbers_and_structure(report_doc) -> None:
    doc = report_doc
    items = {it.ref: it for it in doc.items}
    assert items["1."].page == 2 and items["4."].page == 3
    assert items["1."].title.startswith("The experiences and progress of children who need help")
    chunks = chunk_document(doc, _word_count)
    # A judgement heading starts the passage it heads, never the end of the previous one.
    for c in chunks:
        assert not c.text.rstrip().endswith("protection: good")
        assert not c.text.rstrip().endswith("requires improvement")
    heading = next(c for c in chunks if "children in care: requires improvement" in c.text)
    assert heading.text.startswith("The experiences and progress of children in care")
    assert "4. Leaders have built" in heading.text  # merged with what it heads
    assert "multi-agency" in doc.text  # the line-end hyphen joined
    assert "No M1" not in " ".join(it.ref for it in doc.items)
    assert not any(it.ref.startswith("M1") for it in doc.items)  # a postcode is not an item


def test_judgement_table_and_back_cover(report_doc) -> None:
    doc = report_doc
    assert "The impact of leaders on social work practice: Good" in doc.text
    assert "children in care: Requires improvement to be good" in doc.text
    assert "Overall effectiveness: Good" in doc.text
    chunks = chunk_document(doc, _word_count)
    assert not any("Open Government Licence" in c.text or "M1 2WD" in c.text for c in chunks)
    assert "Open Government Licence" in doc.text  # kept in the record, not chunked


def test_metadata_from_the_report(report_doc) -> None:
    doc = report_doc
    assert doc.council == "Eastshire County Council"  # made up: recognised by its form
    assert doc.doc_type == "inspection"
    assert (doc.date_start, doc.date) == ("2024-05-06", "2024-05-10")
    assert doc.published == "2024-06-21"


def test_council_by_form_prefers_the_heading_over_passing_mentions() -> None:
    text = ("Westshire Metropolitan Borough Council\nImprovement Board\n\n"
            "1. The review was led by Gloucestershire County Council's Director of Children's "
            "Services and by Gloucestershire County Council officers. Gloucestershire County "
            "Council staff attended.\n")
    assert recognise(text, "board.txt").council == "Westshire Metropolitan Borough Council"
    assert recognise("London Borough of Eastbrook\nCabinet\n\nText.", "c.txt").council == \
        "London Borough of Eastbrook"


def test_no_date_from_a_sentence_about_something_else() -> None:
    text = ("Eastshire County Council\nStandards Committee\n\n1. Code of Conduct\n"
            "The Code of Conduct adopted 1 September 2008 was reviewed by members.\n")
    assert recognise(text, "standards.txt").date is None


def test_focused_visit_letter_is_an_inspection_with_both_dates() -> None:
    text = ("9 June 2023\nMs A Director\nDirector of Children's Services\nCivic Office\n"
            "Eastshire\nEA1 2BC\n\nDear Ms Director\n\nFocused visit to Eastshire County "
            "Council children's services\n\nThis letter summarises the findings of the focused "
            "visit to Eastshire County Council children's services on 3 and 4 May 2023.\n")
    meta = recognise(text, "letter.txt")
    assert meta.doc_type == "inspection"
    assert (meta.date_start, meta.date, meta.published) == ("2023-05-03", "2023-05-04",
                                                            "2023-06-09")


def _minutes(path: Path) -> None:
    path.write_text("Children's Scrutiny Panel\n\n14 March 2019\n\n1. Apologies\n"
                    "Apologies were received from Councillor Brown.\n", encoding="utf-8")


def test_folder_file_flags_and_sidecar_precedence(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "panel").mkdir(parents=True)
    _minutes(corpus / "panel" / "a.txt")
    _minutes(corpus / "panel" / "b.txt")
    _minutes(corpus / "c.txt")
    (corpus / "panel" / "scrutiny.meta.json").write_text(json.dumps(
        {"council": "Eastshire County Council"}))
    (corpus / "panel" / "b.txt.meta.json").write_text(json.dumps(
        {"council": "Westshire Council"}))
    defaults = {"council": "Northshire Council", "committee": "Flag Committee"}
    got = {}
    for rel in ("panel/a.txt", "panel/b.txt", "c.txt"):
        doc, warnings = load_document(corpus / rel, rel, rel, 2**20, root=corpus,
                                      defaults=defaults)
        assert not warnings
        got[rel] = (doc.council, doc.committee)
    assert got["panel/a.txt"][0] == "Eastshire County Council"  # folder file
    assert got["panel/b.txt"][0] == "Westshire Council"  # the sidecar wins
    assert got["c.txt"][0] == "Northshire Council"  # the flag fills the gap
    assert got["c.txt"][1] == "Children's Scrutiny Panel"  # recognised text beats a flag


def test_build_lists_documents_without_council(tmp_path: Path) -> None:
    from indexer.build import build_index
    from indexer.config import Settings
    from tests.fakes import HashEmbedder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _minutes(corpus / "a.txt")
    (corpus / "_metadata.json").write_text("{}")
    settings = Settings(index_dir=tmp_path / "idx", corpus_dir=corpus)
    report = build_index([corpus], settings, embedder=HashEmbedder())
    assert [u.path for u in report.unrecognised] == ["a.txt"]
    assert "council" in report.unrecognised[0].reason
    assert not any(s.path.endswith("_metadata.json") for s in report.skipped)
    report = build_index([corpus], settings, embedder=HashEmbedder(),
                         defaults={"council": "Eastshire County Council"})
    assert report.indexed == [] and report.unchanged == ["a.txt"]  # flags do not re-index
    (corpus / "_metadata.json").write_text(json.dumps({"council": "Eastshire County Council"}))
    report = build_index([corpus], settings, embedder=HashEmbedder())
    assert report.indexed == ["a.txt"] and not report.unrecognised  # a folder file does


def test_clean_pages_on_extracted_text() -> None:
    """The same rules on page texts as pypdf gives them (trailing spaces, wrapped lines)."""
    from indexer.pdftext import clean_pages, excluded_spans

    body = ("Leaders have a clear understanding of the quality of practice across the whole \n"
            "service and they act on what they find, so that children are helped sooner. \n")
    pages = [
        "Inspection of Westmorland and \nFurness local authority children's services \n"
        "Inspection dates: 22 April to 3 May 2024 \n" + body
        + "Sender Office \nPiccadilly Gate \nManchester \nM1 2WD \nT 0300 123 1231 \n",
        " \nInspection of Westmorland and Furness local authority children's services \n"
        "22 April to 3 May 2024 2 \nThe partnership works well across multi- \n"
        "agency boundaries and the local authority has a good understanding of what it \n"
        "needs to do next to improve the\n",
        " \nInspection of Westmorland and Furness local authority children's services \n"
        "22 April to 3 May 2024 3 \nexperiences of children in care. \n" + body,
    ]
    out = clean_pages(pages)
    assert out.text.startswith("Sender Office")  # the letterhead leads its page
    assert "Inspection of Westmorland and Furness local authority" in out.text
    assert out.text.count("22 April to 3 May 2024") == 1  # the header went; the title stayed
    assert "multi-agency" in out.text
    assert "to improve the experiences of children in care." in out.text  # across the page
    assert len(out.page_starts) == 3
    assert out.text[out.page_starts[1]:].startswith("The partnership works well")
    assert any(f.startswith("22 April to 3 May 2024") for f in out.furniture)
    blocks = [out.text[a:b] for a, b in excluded_spans(out.text, out.page_starts)]
    assert any("M1 2WD" in b for b in blocks)


def test_a_stray_date_is_not_a_letter_date() -> None:
    text = ("11 July 2022\n\nInspection of Northshire local authority children's services\n"
            "Inspection dates: 11 to 22 July 2022\n\nServices are good.\n")
    meta = recognise(text, "northshire-childrens-services-inspection-2022-09-05.pdf")
    assert (meta.date_start, meta.date, meta.published) == ("2022-07-11", "2022-07-22",
                                                            "2022-09-05")


def test_a_letterhead_town_is_not_the_council() -> None:
    text = ("Inspectorate\nPiccadilly Gate\nStore Street\nManchester\nM1 2WD\nT 0300 123 1231\n\n"
            "9 June 2023\nMs A Director\nDirector of Children's Services\nEastshire County "
            "Council\nCounty Hall\nEA1 2BC\n\nDear Ms Director\n\nFocused visit to Eastshire "
            "children's services\n\nThis letter summarises the findings of the focused visit to "
            "Eastshire children's services on 3 and 4 May 2023.\n")
    assert recognise(text, "letter.txt").council == "Eastshire County Council"


def test_minutes_headings_in_capitals_are_not_run_on() -> None:
    from indexer.pdftext import clean_pages

    page = ("Apologies for absence were received from Councillors Rod Scott and Diane Neil \n"
            " \n1 DECLARATIONS OF INTEREST \nThe Chair declared a personal interest as a partner "
            "in a firm which audits \nvoluntary sector bodies in the borough. \n"
            "2 MINUTES OF THE MEETING HELD ON 23 JUNE 2009 (Agenda item 3) \n"
            "RESOLVED: That the minutes of the meeting held on 23 June are agreed. \n")
    text = clean_pages([page]).text
    assert "\n\n1 DECLARATIONS OF INTEREST\n" in text
    assert "which audits voluntary sector bodies" in text
    assert "(Agenda item 3)\n\nRESOLVED: That" in text


def test_a_salutation_run_on_to_the_subject_is_not_the_title() -> None:
    text = ("Inspectorate\nPiccadilly Gate\nManchester\nM1 2WD\n\n9 June 2023\n\n"
            "Dear Tim, Focused visit to Eastshire children's services\n\nThis letter summarises "
            "the findings of the focused visit to Eastshire children's services on 3 and 4 May "
            "2023.\n")
    meta = recognise(text, "letter.txt")
    assert not (meta.title or "").startswith("Dear")
    assert not (meta.committee or "").startswith("Dear")


def test_a_back_cover_that_opens_by_ending_the_last_sentence_is_still_back_matter() -> None:
    """The last page can open with the tail of the previous page's sentence ("... for more
    information | and updates: http://..."). The back cover after it (the inspectorate's
    self-description, the licence, the address) is still not a passage of the report, and
    the report's own text before it still is."""
    from indexer.pdftext import excluded_spans

    report = "Leaders know their services well and act on what they find.\n\n"
    tail = ("Interested in our work? You can subscribe to our monthly newsletter for more "
            "information\n")
    back = ("and updates: http://eepurl.com/iTrDn.\n\nPiccadilly Gate\nStore Street\n"
            "Manchester\nM1 2WD\nT: 0300 123 1231\nE: enquiries@ofsted.gov.uk\n"
            "W: www.gov.uk/ofsted\n© Crown copyright 2023\n\nThe Office for Standards in "
            "Education, Children’s Services and Skills (Ofsted) regulates and inspects to "
            "achieve excellence in the care of children and young people.\n")
    text = report + tail + back
    spans = excluded_spans(text, [0, len(report + tail)])
    excluded = "".join(text[a:b] for a, b in spans)
    assert "regulates and inspects" in excluded and "M1 2WD" in excluded
    assert "Leaders know their services well" not in excluded


def test_a_numbered_paragraph_printed_among_the_back_cover_stays_in_the_report() -> None:
    """A PDF's text order can put one of the report's numbered paragraphs between the
    inspectorate's address and its self-description. That paragraph is content; the back
    cover around it is not, so "Ofsted regulates and inspects ..." never answers a question.
    A last page made mostly of numbered paragraphs is not a back cover at all."""
    from indexer.pdftext import excluded_spans

    report = "50. Leaders know their services well and act on what they find.\n\n"
    back = ("Piccadilly Gate\nStore Street\nManchester\nM1 2WD\nT: 0300 123 1231\n"
            "E: enquiries@ofsted.gov.uk\nW: www.gov.uk/ofsted\n© Crown copyright 2025\n\n"
            "51. Social workers enjoy working for Eastshire and speak positively about their "
            "experiences.\n\nThe Office for Standards in Education, Children’s Services and "
            "Skills (Ofsted) regulates and inspects to achieve excellence.\n\n"
            "This report is available at https://reports.ofsted.gov.uk/.\n")
    text = report + back
    excluded = "".join(text[a:b] for a, b in excluded_spans(text, [0, len(report)]))
    assert "regulates and inspects" in excluded and "M1 2WD" in excluded
    assert "Social workers enjoy" not in excluded and "50. Leaders" not in excluded
    minutes = ("12. Any other business was raised by members and noted by the chair of the "
               "meeting in full.\n\n13. The committee noted the contact details below and "
               "agreed to circulate them to all members before the next meeting.\n\n"
               "Contact: a@b.gov.uk, c@d.gov.uk, 0300 123 1231, www.e.gov.uk, M1 2WD\n")
    assert excluded_spans(report + minutes, [0, len(report)]) == []


def test_a_grade_wrapped_in_its_cell_is_one_grade_and_prose_is_not_a_table() -> None:
    """pypdf gives a narrow judgement cell as "Requires improvement to" / "be good": the row
    reads as one label and one grade. A sentence that wraps before its grade ("... are" /
    "outstanding", "... require improvement to be" / "good") is prose, quoted as printed."""
    from indexer.pdftext import clean_pages

    page = ("Judgement Grade \n"
            "The impact of leaders on social work practice with \nchildren and families \n"
            "Requires improvement to \nbe good \n"
            "The experiences and progress of children in care and \ncare leavers \nGood \n"
            "Overall effectiveness Requires improvement to \nbe good \n \n"
            "Children's services in Eastshire require improvement to be \ngood \n \n"
            "The experiences and progress of children who need help and protection are \n"
            "outstanding \n \n1. Children and families receive help quickly. \n"
            "Children and families in Eastshire benefit greatly from \noutstanding services. \n")
    text = clean_pages([page]).text
    assert ("The impact of leaders on social work practice with children and families: "
            "Requires improvement to be good\n") in text
    assert "care leavers: Good\n" in text
    assert "Overall effectiveness: Requires improvement to be good\n" in text
    assert "Children's services in Eastshire require improvement to be good" in text
    assert "help and protection are outstanding" in text
    assert "benefit greatly from outstanding services." in text


def test_a_sentence_that_opens_with_a_grade_word_at_a_line_end_is_not_a_table_row() -> None:
    """Beside a judgement table, a line of the summary can end with the next sentence's first
    word ("... for them and their families. Outstanding" / "practice is evident ..."): the
    grade word opens a sentence, so no colon is put before it."""
    from indexer.pdftext import clean_pages

    page = ("Judgement Grade \n"
            "The experiences and progress of \nchildren who need help and protection \nGood \n"
            "The experiences and progress of \nchildren in care and care leavers \nOutstanding \n"
            "Overall effectiveness Outstanding \n"
            "Children benefit from services which are of a consistently good standard, for them "
            "and their families. Outstanding \n"
            "practice is evident for children in care as they make good progress. \n")
    text = clean_pages([page]).text
    assert "children in care and care leavers: Outstanding\n" in text
    assert "their families. Outstanding practice is evident" in text


def test_a_sentence_broken_before_its_abbreviation_goes_on() -> None:
    """ "... regional adoption agency" / (blank line) / "(RAA) since October 2019." is one
    sentence: the abbreviation opens no paragraph."""
    from indexer.pdftext import clean_pages

    page = ("34. Haringey has been part of the Adopt London North regional adoption agency\n\n"
            "(RAA) since October 2019. These partnership arrangements are serving Haringey\n"
            "children well. The RAA has a good understanding of children's needs, and the local\n"
            "authority has good oversight of the RAA's work. However, leaders and managers\n"
            "rightly recognise that there is a lack of understanding among frontline teams.\n")
    text = clean_pages([page]).text
    assert "regional adoption agency (RAA) since October 2019." in text
    # and as the reader gives it, with no blank line: not an item "(a)" of a list
    assert "agency (RAA) since" in clean_pages([page.replace("agency\n\n", "agency\n")]).text
    listed = clean_pages(["The panel agreed to:\n(a) review the plan\n(b) report back\n"]).text
    assert "(a) review the plan" in listed and "to: (a)" not in listed
