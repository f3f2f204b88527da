"""The answer seam (retrieve -> compose -> verify) and what a question implies, on a small
made-up corpus with the fake embedder: soft council and date scope, the answer shapes, the
one verifier, follow-ups that name a person from the previous answer, and "not found" with
the reason in one line."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from indexer import Settings, build_index
from retriever import Assistant, Filters
from retriever.compose import Draft, DraftQuote
from retriever.followup import resolve
from retriever.verify import verified
from tests.fakes import HashEmbedder

# Minutes that never name their council in the text (the name is only in a logo).
NO_COUNCIL = """CHILDREN'S SERVICES SCRUTINY PANEL

Minutes of the meeting held on Tuesday 14 March 2017

4. SCHOOL TRANSPORT FOR CHILDREN IN CARE

The panel considered a report on school transport for children in care.
Members heard that **travel passes** would be issued to every child in care from September 2017.

RESOLVED That travel passes for children in care be approved.
"""

WAKEFORD_2015 = """WAKEFORD METROPOLITAN BOROUGH COUNCIL

CORPORATE PARENTING BOARD

Thursday 12 February 2015

3. CARE LEAVERS ACCOMMODATION

Members noted that 40 care leavers lived in supported lodgings. The board asked for a plan.

RESOLVED That a care leavers accommodation plan be brought to the next meeting.
"""

WAKEFORD_2019 = """WAKEFORD METROPOLITAN BOROUGH COUNCIL

CORPORATE PARENTING BOARD

Thursday 7 March 2019

6. CARE LEAVERS ACCOMMODATION

The care leavers accommodation plan had been delivered and 65 care leavers now lived in
supported lodgings.

RESOLVED That the care leavers accommodation update be noted.
"""


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("answers-corpus")
    (corpus / "panel-2017-03-14.txt").write_text(NO_COUNCIL)
    (corpus / "wakeford-2015-02-12.txt").write_text(WAKEFORD_2015)
    (corpus / "wakeford-2019-03-07.txt").write_text(WAKEFORD_2019)
    for name in ("wakeford-2015-02-12", "wakeford-2019-03-07"):  # a council no gazetteer knows
        (corpus / f"{name}.meta.json").write_text(
            '{"council": "Wakeford Metropolitan Borough Council"}')
    out = tmp_path_factory.mktemp("answers-index") / "index"
    build_index([corpus], Settings.from_env(index_dir=out), embedder=HashEmbedder())
    return out


@pytest.fixture(scope="module")
def assistant(index: Path) -> Assistant:
    # The fake embedder's similarities are not the real model's: no abstention on them here.
    settings = replace(Settings.from_env(index_dir=index), abstain_threshold=0.0)
    return Assistant.open(index, settings=settings, embedder=HashEmbedder())


def test_fixture_councils_are_as_written(assistant: Assistant) -> None:
    councils = {d.doc_id: d.council for d in assistant.documents()}
    assert sorted(c or "" for c in councils.values()) == [
        "", "Wakeford Metropolitan Borough Council", "Wakeford Metropolitan Borough Council"]


def test_a_council_named_in_a_question_does_not_hide_records_of_unknown_council(
        assistant: Assistant) -> None:
    result = assistant.ask("What did North Lincolnshire Council resolve about school "
                           "transport for children in care?")
    assert not result.abstained
    assert "travel passes" in result.citations[0].quote
    # ... and the answer says in one line that the council could not be checked.
    first_line = result.answer.splitlines()[0]
    assert "North Lincolnshire" in first_line and "not recorded" in first_line
    assert result.understood["relaxed"] == [first_line]


def test_an_explicit_council_filter_stays_hard(assistant: Assistant) -> None:
    result = assistant.ask("What was resolved about school transport?",
                           filters=Filters(council="North Lincolnshire"))
    assert result.abstained and not result.citations


def test_a_council_the_index_holds_excludes_other_councils_records(
        assistant: Assistant) -> None:
    hits = assistant.search("What did Wakeford resolve about school transport?", k=10).hits
    councils = {h.citation.council for h in hits}
    assert councils <= {"Wakeford Metropolitan Borough Council", None}
    understood = assistant.search("care leavers in Wakeford", k=3).understood
    assert understood["from_question"]["council"] == "Wakeford Metropolitan Borough Council"


def test_decisions_come_as_a_dated_list(assistant: Assistant) -> None:
    result = assistant.ask("What did Wakeford resolve about care leavers accommodation?")
    assert result.shape == "list"
    lines = result.answer.splitlines()
    assert len(lines) == len(result.citations) >= 2
    assert lines[0].startswith("2019-03-07 — ") and lines[1].startswith("2015-02-12 — ")
    assert all(c.quote.startswith("RESOLVED") for c in result.citations)


def test_change_over_time_comes_as_a_timeline_oldest_first(assistant: Assistant) -> None:
    result = assistant.ask("How has care leavers accommodation in supported lodgings changed "
                           "in Wakeford?")
    assert result.shape == "timeline"
    dates = [c.citation.date for c in result.citations]
    assert dates == sorted(dates) and len(set(dates)) == 2


def test_a_year_no_record_holds_is_not_found_with_the_reason(assistant: Assistant) -> None:
    result = assistant.ask("What did Wakeford resolve about care leavers in 2011?")
    assert result.abstained and result.shape == "not_found"
    assert "2011" in result.answer.splitlines()[0]


def test_answer_text_drops_markdown_but_quotes_stay_exact(assistant: Assistant) -> None:
    result = assistant.ask("When would travel passes be issued to children in care?")
    quote = next(c for c in result.citations if "travel passes" in c.quote)
    assert "**travel passes**" in quote.quote
    assert "**" not in result.answer and "travel passes would be issued" in result.answer
    doc = assistant.document(quote.citation.doc_id)
    assert doc.text[quote.citation.char_start:quote.citation.char_end] == quote.quote


def test_the_verifier_drops_a_quote_that_is_not_the_record(assistant: Assistant) -> None:
    snap = assistant.snapshot
    doc_id = next(d.doc_id for d in assistant.documents() if d.council is None)
    text = snap.text_of(doc_id)
    start = text.index("RESOLVED")
    end = text.index("\n", start)
    good = DraftQuote(doc_id, start, end, text[start:end], "4", "SCHOOL TRANSPORT", None)
    forged = DraftQuote(doc_id, start, end, "RESOLVED That every child gets a car.", "4", "", None)
    out_of_range = DraftQuote(doc_id, len(text) - 5, len(text) + 50, "x", "4", "", None)
    result = verified(snap, "q", Draft("direct", [forged, good, out_of_range]), Filters())
    assert [c.quote for c in result.citations] == [text[start:end]]
    assert result.answer.endswith("[1]")
    nothing = verified(snap, "q", Draft("direct", [forged]), Filters())
    assert nothing.abstained and not nothing.citations


def test_a_follow_up_pronoun_searches_the_names_of_the_previous_answer() -> None:
    history = [{"role": "user", "content": "Who led the 2022 inspection of Lambeth?"},
               {"role": "assistant", "content": "Lead inspector: Russel Breyer [1]"}]
    turn = resolve("Was he also an inspector on Camden's 2023 focused visit?", history)
    assert "Russel Breyer" in turn.names
    turn = resolve("What did the report say about adoption in Camden?", history)
    assert turn.names == []


def test_every_face_says_what_was_taken_from_the_question(assistant: Assistant) -> None:
    from retriever.display import understood_line

    result = assistant.ask("What did Wakeford resolve about care leavers accommodation?")
    line = understood_line(result.understood)
    assert line.startswith("Understood from the question:")
    assert "council Wakeford Metropolitan Borough Council" in line
    assert understood_line({"filters": {}, "from_question": {}, "relaxed": []}) == ""


def test_what_did_a_council_resolve_lists_its_recorded_decisions(assistant: Assistant) -> None:
    """A question that asks for decisions without a topic gets the council's decisions from
    the records, not whichever sentences of the best passages happen to mention it."""
    result = assistant.ask("What did Wakeford resolve?")
    assert result.shape == "list" and len(result.citations) == 2
    assert all(c.quote.startswith("RESOLVED") for c in result.citations)
    assert all(c.citation.council == "Wakeford Metropolitan Borough Council"
               for c in result.citations)


def test_a_kind_of_record_the_council_lacks_is_named_not_answered_from_another_kind() -> None:
    """Kinds of record are learned from the index's own committees ("area send inspection"
    recurs in other councils' records); topics ("care leavers") are not kinds."""
    from indexer.stores import DocMeta
    from retriever.kinds import missing_kind

    def meta(doc: str, council: str, committee: str) -> DocMeta:
        return DocMeta(doc, f"{doc}.pdf", committee, council, committee, "inspection", None,
                       0, 0, 0)

    class Catalogue:  # the part of a snapshot the check reads
        docs = {m.doc_id: m for m in (
            meta("a", "Eastshire County Council", "Area SEND inspection of Eastshire"),
            meta("b", "Westshire County Council", "Area SEND inspection of Westshire"),
            meta("c", "Northshire County Council", "Inspection of children's services, "
                 "children looked after and care leavers"),
            meta("d", "Southshire County Council", "Inspection of children's services, "
                 "children looked after and care leavers"))}

    snap = Catalogue()
    question = "What was the outcome of Northshire's area SEND inspection?"
    assert missing_kind(snap, question, "Northshire County Council") == "area send inspection"
    assert missing_kind(snap, "What did the area SEND inspection of Eastshire find?",
                        "Eastshire County Council") == ""
    assert missing_kind(snap, "How are care leavers supported in Eastshire?",
                        "Eastshire County Council") == ""


POINTING_BACK = """WAKEFORD METROPOLITAN BOROUGH COUNCIL

CHILDREN'S SCRUTINY PANEL

Thursday 9 May 2019

5. FRONT DOOR

Police referrals to the front door rose by a third and arrive without any triage.
This puts unnecessary pressure on the duty social workers.

This report asks the panel to note the figures for the quarter.
"""


def _one_record(tmp_path: Path, name: str, text: str) -> Assistant:
    """An assistant over one record, indexed with the fake embedder and never abstaining
    on weak wording (its similarities are not the real model's)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / name).write_text(text)
    out = tmp_path / "index"
    build_index([corpus], Settings.from_env(index_dir=out), embedder=HashEmbedder())
    settings = replace(Settings.from_env(index_dir=out), abstain_threshold=0.0)
    return Assistant.open(out, settings=settings, embedder=HashEmbedder())


def test_a_quote_that_points_back_brings_what_it_points_to(tmp_path: Path) -> None:
    """ "This puts unnecessary pressure..." alone does not say what does: the sentence it
    points back to is quoted with it, exactly as the record has both."""
    assistant = _one_record(tmp_path, "wakeford-2019-05-09.txt", POINTING_BACK)
    result = assistant.ask("What puts unnecessary pressure on the duty social workers?")
    quote = next(c for c in result.citations if "unnecessary pressure" in c.quote)
    assert quote.quote.startswith("Police referrals to the front door rose by a third")
    doc = assistant.document(quote.citation.doc_id)
    assert doc.text[quote.citation.char_start:quote.citation.char_end] == quote.quote
    other = assistant.ask("What does this report ask members to note for the quarter?")
    note = next(c for c in other.citations if "asks the panel" in c.quote)
    assert note.quote.startswith("This report asks")


CHAINED = """WAKEFORD METROPOLITAN BOROUGH COUNCIL

CHILDREN'S SCRUTINY PANEL

Thursday 11 July 2019

7. PLACEMENTS

Members heard that the council had too few emergency placements for older children.
This too often leaves children waiting overnight in an office with their social worker.

8. FRONT DOOR

Too many children are referred to the front door by the police without triage. These
referrals are the largest share of all contacts. This puts unnecessary pressure on the duty
team.
"""


@pytest.fixture(scope="module")
def chained(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    corpus = tmp_path_factory.mktemp("chained-corpus")
    (corpus / "wakeford-2019-07-11.txt").write_text(CHAINED)
    out = tmp_path_factory.mktemp("chained-index") / "index"
    build_index([corpus], Settings.from_env(index_dir=out), embedder=HashEmbedder())
    settings = replace(Settings.from_env(index_dir=out), abstain_threshold=0.0)
    return Assistant.open(out, settings=settings, embedder=HashEmbedder())


def test_a_point_is_quoted_with_what_it_led_to(chained: Assistant) -> None:
    """The sentence right after a quote that opens by pointing back ("This too often
    leaves ...") is what the point led to: it is quoted with it, as the record has both."""
    result = chained.ask("Did the council have enough emergency placements for older "
                         "children?")
    quote = next(c for c in result.citations if "emergency placements" in c.quote)
    assert quote.quote.endswith("waiting overnight in an office with their social worker.")
    doc = chained.document(quote.citation.doc_id)
    assert doc.text[quote.citation.char_start:quote.citation.char_end] == quote.quote


def test_a_chain_of_pointing_back_is_followed_to_its_start(chained: Assistant) -> None:
    result = chained.ask("What puts unnecessary pressure on the duty team?")
    quote = next(c for c in result.citations if "unnecessary pressure" in c.quote)
    assert quote.quote.startswith("Too many children are referred to the front door")


def test_decisions_are_about_their_item_and_the_body_named_is_scope(tmp_path: Path) -> None:
    """ "What did the Corporate Parenting Board resolve about the zebra crossing?" lists the
    board's decision under its "Zebra crossing" item (the decision's own words do not name
    it), not another body's decision that happens to say "parents"."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "board-2019-06-05.txt").write_text(
        "NORTHSHIRE COUNTY COUNCIL\n\nCORPORATE PARENTING BOARD\n\nMinutes of the meeting held "
        "on Wednesday 5 June 2019\n\n"
        "1. ZEBRA CROSSING AT ALMONDBURY\n\nMembers discussed the zebra crossing outside the "
        "children's home. RESOLVED that officers report back by September.\n")
    (corpus / "panel-2012-09-13.txt").write_text(
        "NORTHSHIRE COUNTY COUNCIL\n\nCHILDREN'S SCRUTINY PANEL\n\nMinutes of the meeting held "
        "on Thursday 13 September 2012\n\n4. FEEDBACK\n\nRESOLVED That anonymised responses "
        "from parents be shared with the Panel.\n")
    out = tmp_path / "index"
    build_index([corpus], Settings.from_env(index_dir=out), embedder=HashEmbedder())
    settings = replace(Settings.from_env(index_dir=out), abstain_threshold=0.0)
    assistant = Assistant.open(out, settings=settings, embedder=HashEmbedder())
    result = assistant.ask("What did the Corporate Parenting Board resolve about the zebra "
                           "crossing?")
    assert [c.quote for c in result.citations] == [
        "RESOLVED that officers report back by September."]


def test_asked_for_decisions_on_a_topic_none_holds_no_decision_is_listed(
        assistant: Assistant) -> None:
    """Wakeford's board decided about care leavers' accommodation, not school meals: its
    decisions are not the answer to what it resolved about school meals."""
    result = assistant.ask("What did Wakeford's Corporate Parenting Board resolve about "
                           "school meals?")
    assert result.shape != "list"
    # A decision on the topic is still listed.
    listed = assistant.ask("What did Wakeford's Corporate Parenting Board resolve about the "
                           "care leavers accommodation plan?")
    assert listed.shape == "list"
    assert listed.citations[0].quote.startswith("RESOLVED")


def test_a_passage_cut_mid_sentence_is_quoted_from_the_sentence_start() -> None:
    """A PDF's paragraph break can fall inside a sentence, and a passage can begin there:
    "(EHC) plans in a timely way, these plans ..." alone reverses what the record says. The
    quote starts where the sentence does; after a heading line, it starts where it is."""
    from retriever.compose import _sentence_start

    text = ("Families wait too long for support.\n\nWhile it is positive that all children "
            "and young people receive education, health and care\n\n(EHC) plans in a timely "
            "way, these plans do not always outline the support they need.")
    cut = text.index("(EHC)")
    assert _sentence_start(text, cut, len(text)) == text.index("While it is positive")
    headed = "What needs to improve\n\n(a) The timeliness of assessments."
    assert _sentence_start(headed, headed.index("(a)"), len(headed)) == headed.index("(a)")


CONNECTED = """WAKEFORD METROPOLITAN BOROUGH COUNCIL

CHILDREN'S SCRUTINY PANEL

Thursday 12 September 2019

9. ADOPTION

Adopters are recruited and matched with children early in their care planning.
As a result, timescales for children achieving permanence are good.

10. FOCUSED VISIT

In February 2019, a focused visit found areas for priority action in the front door.
Since that visit, progress in the front door has been slow and uneven.

11. CARE LEAVERS

Personal advisers keep in touch with care leavers up to the age of 25.
They help young people to find homes, training and work.
"""


def test_a_sentence_that_opens_with_a_connective_is_quoted_with_its_neighbour(
        tmp_path: Path) -> None:
    """ "As a result, ...", "Since that visit, ..." and "They ..." point back like "This
    ...": quoted alone they do not say what led to them, so the sentence before is quoted
    with them; and a quote is followed by one that opens so."""
    from tests.fakes import fake_answers

    result, visit, pronoun = fake_answers(
        tmp_path, {"wakeford-2019-09-12.txt": CONNECTED},
        "Are timescales for children achieving permanence good?",
        "What did the February 2019 focused visit find in the front door?",
        "Who helps young people to find homes, training and work?")
    quote = next(c.quote for c in result.citations if "timescales" in c.quote)
    assert quote.startswith("Adopters are recruited and matched")
    found = next(c.quote for c in visit.citations if "focused visit found" in c.quote)
    assert found.endswith("progress in the front door has been slow and uneven.")
    helps = next(c.quote for c in pronoun.citations if "find homes" in c.quote)
    assert helps.startswith("Personal advisers keep in touch")


def test_quotes_of_neighbouring_sentences_are_one_passage() -> None:
    """Two quotes with only space between them in the record come as one passage, in the
    better one's place: apart, the record looks cut where it is not. A heading between two
    quotes keeps them apart."""
    from retriever.compose import _join_neighbours

    text = ("Leaders know the service well. Caseloads are too high in two teams. Staff say "
            "they are well supported.\n\nHub\n\nA new hub opened in May.")

    class Snap:
        def text_of(self, doc_id: str) -> str:
            return text

    def quote(sentence: str, doc_id: str = "d") -> DraftQuote:
        start = text.index(sentence)
        return DraftQuote(doc_id=doc_id, start=start, end=start + len(sentence), quote=sentence,
                          item_ref="", item_title="", page=1)

    second, first = "Caseloads are too high in two teams.", "Staff say they are well supported."
    joined = _join_neighbours(Snap(), [quote(first), quote("A new hub opened in May."),  # type: ignore[arg-type]
                                       quote(second), quote(second, doc_id="other")])
    assert [q.quote for q in joined] == [second + " " + first, "A new hub opened in May.",
                                         second]
    assert text[joined[0].start:joined[0].end] == joined[0].quote


def test_a_grade_is_quoted_with_the_sentence_that_restates_it() -> None:
    """ "Overall effectiveness: Good" is quoted with the summary under it when that gives the
    same grade in words; not with a next field, nor with a sentence giving another grade
    ("requires improvement to be good" is not "good")."""
    from retriever.restate import with_restatement

    text = ("Children in care: Good\nOverall effectiveness: Good\n\nChildren in Wakeford now "
            "receive a consistently good service. Leaders know it well.\n\n"
            "Care leavers: Requires improvement to be good\n\nHelp for care leavers requires "
            "improvement to be good.\n\nChildren who need help: Good\n\nServices for children "
            "who need help require improvement to be good.")

    def quoted(line: str) -> str:
        start = text.index(line)
        end, quote = with_restatement(text, start, start + len(line), line)
        assert text[start:end] == quote
        return quote

    assert quoted("Overall effectiveness: Good") == ("Overall effectiveness: Good\n\nChildren in "
                                                     "Wakeford now receive a consistently good "
                                                     "service.")
    assert quoted("Children in care: Good") == "Children in care: Good"
    assert quoted("Care leavers: Requires improvement to be good").endswith("to be good.")
    assert quoted("Children who need help: Good") == "Children who need help: Good"


def test_a_table_grade_is_quoted_where_its_section_restates_it() -> None:
    """A judgement table's line alone says less than the same line heading its section, with
    the (numbered) paragraph that gives the grade in words: that one is quoted, with its own
    item."""
    from types import SimpleNamespace

    from retriever.compose import _draft_quote

    text = ("Judgement Grade\nChildren in care: Outstanding\nCare leavers: Good\n\n"
            "Summary text here for the report.\n\nChildren in care: outstanding\n\n"
            "18. Children in the care of Wakeford receive an outstanding service.\n")
    start = text.index("Children in care: Outstanding")
    end = start + len("Children in care: Outstanding")

    class Snap:
        docs = {"d": SimpleNamespace(date="2024-09-01")}

        def text_of(self, doc_id: str) -> str:
            return text

        def page_at(self, doc_id: str, offset: int) -> int:
            return 1 if offset < 60 else 3

        def item_at(self, doc_id: str, offset: int) -> tuple[str, str]:
            return ("", "Front page") if offset < 60 else ("", "Children in care: outstanding")

    row = SimpleNamespace(item_ref="", item_title="Front page", page=1)
    sentence = SimpleNamespace(cand=SimpleNamespace(chunk=row), doc_id="d", start=start,
                               end=end, text=text[start:end])
    quote = _draft_quote(Snap(), sentence)  # type: ignore[arg-type]
    assert quote.quote == ("Children in care: outstanding\n\n18. Children in the care of "
                           "Wakeford receive an outstanding service.")
    assert text[quote.start:quote.end] == quote.quote
    assert (quote.item_title, quote.page) == ("Children in care: outstanding", 3)


def test_a_table_grade_is_quoted_where_its_section_heading_states_it() -> None:
    """Reports of 2018-19 head each section with the grade as a sentence ("The impact of
    leaders on ... is good"): that heading is quoted for the table's "...: Good" line."""
    from retriever.restate import restated_elsewhere

    text = ("Judgement Grade\nThe impact of leaders on practice: Good\nCare leavers: Good\n"
            "Children in care: Requires improvement to be good\n\nSummary.\n\nThe impact of "
            "leaders on practice is good\n\nLeaders give a good service. Children in care are:\n\n"
            "requires improvement to be good\n\n3. Plans are weak.\n")

    line = "The impact of leaders on practice: Good"
    start = text.index(line)
    found = restated_elsewhere(text, start, line)
    assert found is not None and found[2] == ("The impact of leaders on practice is good\n\n"
                                              "Leaders give a good service.")
    assert text[found[0]:found[1]] == found[2]
    assert restated_elsewhere(text, text.index("Care leavers"),
                              "Care leavers: Good") is None
    line = "Children in care: Requires improvement to be good"
    found = restated_elsewhere(text, text.index(line), line)
    assert found is not None and found[2] == ("Children in care are:\n\nrequires improvement "
                                              "to be good")
    # ... or a heading of its own naming what the label is about, with the grade in words
    text = ("The experiences and progress of children who need help and protection: Requires "
            "improvement to be good\n\nServices for children who need help and protection "
            "require improvement to be good.\n\n1. Most referrals are timely.\n")
    line = text.split("\n")[0]
    found = restated_elsewhere(text, 0, line)
    assert found is not None and found[2].startswith("Services for children who need help")


def test_a_table_grade_is_quoted_where_the_summary_under_the_table_restates_it() -> None:
    """The summary under a judgement table restates grades area by area: the sentence naming a
    field's area with its grade is quoted for that field, from the table's row or from a
    section heading repeating it; an area the sentence names no more closely than one graded
    otherwise, or whose grade it does not give, keeps its field."""
    from retriever.restate import restated_elsewhere

    text = ("Judgement Grade\n"
            "The impact of leaders on social work practice with children and families: Good\n"
            "The experiences and progress of children who need help and protection: Good\n"
            "The experiences and progress of children in care: Requires improvement to be good\n"
            "The experiences and progress of care leavers: Outstanding\n\n"
            "Since 2022 some services have deteriorated. Many children benefit from strong "
            "practice, and care leavers benefit from outstanding services. Leaders are "
            "ambitious.\nThresholds are applied well.\n\nLater text.\n\n"
            "The experiences and progress of care leavers: outstanding\n\n1. Care leavers are "
            "helped.\n")

    def found(line: str, at: int | None = None) -> str | None:
        start = text.index(line) if at is None else at
        where = restated_elsewhere(text, start, line)
        if where is None:
            return None
        assert text[where[0]:where[1]] == where[2]
        return where[2]

    said = ("Many children benefit from strong practice, and care leavers benefit from "
            "outstanding services.")
    assert found("The experiences and progress of care leavers: Outstanding") == said
    heading = "The experiences and progress of care leavers: outstanding"
    assert found(heading, text.rindex(heading)) == said
    assert found("The experiences and progress of children in care: Requires improvement to "
                 "be good") is None
    assert found("The impact of leaders on social work practice with children and families: "
                 "Good") is None
    # A word of the label in passing ("help and" of "good-quality help and support") does not
    # name the area.
    text = text.replace("Leaders are ambitious.",
                        "Children benefit from good-quality help and support.")
    assert found("The experiences and progress of children who need help and protection: "
                 "Good") is None


def test_of_the_rated_areas_the_one_the_question_names_matches_best() -> None:
    from retriever.grades import area_match

    fields = ["The experiences and progress of children in care: Good",
              "The experiences and progress of care leavers: Inadequate",
              "Overall effectiveness: Good"]
    leavers = area_match("What grade did Ofsted give for how it looks after care leavers?",
                         fields, set())
    in_care = area_match("How were services for children in care rated?", fields, set())
    assert leavers[1] > leavers[0] and in_care[0] > in_care[1]
    assert leavers[2] == in_care[2] == 0.0


AGENDA_PACK = """WESTSHIRE COUNTY COUNCIL

AUDIT COMMITTEE

Minutes and agenda for the meeting on 22 October 2009

1. Apologies for absence

2. Minutes of the meeting held on 24 September 2009

3. Internal audit progress report

AUDIT COMMITTEE

24 SEPTEMBER 2009

PRESENT: Councillor Ann Smith (Chair), Councillors Bob Jones and Carol White

1. MINUTES OF THE PREVIOUS MEETING

RESOLVED: That the minutes of the meeting held on 23 June 2009 are agreed as a correct record.

2. RISK REGISTER

The committee considered the corporate risk register and the actions taken since June.

RESOLVED: That the Audit Committee notes the corporate risk register.
"""


def test_minutes_carried_in_an_agenda_pack_are_dated_by_their_own_meeting(
        tmp_path: Path) -> None:
    """A pack for the 22 October meeting carries the minutes of 24 September: their
    decisions were made on 24 September, and asked what was decided on 22 October, the
    honest answer is that the index does not hold it."""
    from indexer.meetings import meeting_dates, meeting_on

    starts = meeting_dates(AGENDA_PACK)
    assert [iso for _, iso in starts] == ["2009-09-24"]
    assert meeting_on(starts, 0) is None
    assert meeting_on(starts, AGENDA_PACK.index("RISK REGISTER")) == "2009-09-24"
    assistant = _one_record(tmp_path, "westshire-audit-committee-2009-10-22.txt", AGENDA_PACK)
    assert assistant.snapshot.docs["westshire-audit-committee-2009-10-22"].date == "2009-10-22"
    decided = assistant.ask("What did Westshire's Audit Committee resolve about the risk "
                            "register at its meeting on 24 September 2009?")
    quote = next(c for c in decided.citations if "risk register" in c.quote)
    assert quote.citation.date == "2009-09-24"
    # ... and under its own minute item, not the agenda's last one.
    assert quote.citation.item_title.lower() == "risk register"
    later = assistant.ask("What did Westshire's Audit Committee resolve about the risk "
                          "register at its meeting on 22 October 2009?")
    assert later.abstained and "No decision made at a meeting on 22 October 2009" in later.answer
