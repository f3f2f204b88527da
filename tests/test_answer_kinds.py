"""What a question's form asks for, beyond dates, people and numbers: a rating (a verdict
after a label, not a date or a name there) and what should change (the items a record lists
under its improvements or recommendations). Unit tests of the fit, then one question on a
made-up inspection letter with the fake embedder."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from indexer import Settings
from retriever import Assistant
from retriever.asks import answer_kind
from retriever.fit import kind_fit
from retriever.lists import listed_under
from retriever.results import AskResult
from tests.fakes import HashEmbedder, fake_answers, fake_index


def test_a_rated_field_holds_a_verdict_not_a_date_or_a_name() -> None:
    kind = answer_kind("How did Ofsted judge the impact of leaders in February 2022?")
    verdict = "The impact of leaders on social work practice with children and families: Inadequate"
    assert kind_fit(kind, verdict) == 1.0
    assert kind_fit(kind, "Inspection dates: 14 February to 25 February 2022") == 0.0
    assert kind_fit(kind, "Lead inspector: Matt Reed") == 0.0
    # A rating reported in prose answers, less directly than the rated field.
    prose = "At the last inspection, services were judged to be inadequate."
    assert 0.0 < kind_fit(kind, prose) < 1.0


@pytest.mark.parametrize("question", [
    "What did inspectors say Norfolk needed to improve after the visit?",
    "What did Ofsted recommend about children who go missing from home?",
    "What did the 2023 visit say needs improving?",
    "What did inspectors want improved for homeless 16- and 17-year-olds?",
    "What was the only area for improvement Ofsted gave Suffolk?",
    "What did Ofsted say Surrey needed to do about its workforce?",
    "What did Ofsted tell Kent to change about when social workers visit children?",
])
def test_asking_what_should_change_prefers_the_listed_items(question: str) -> None:
    kind = answer_kind(question)
    item = kind_fit(kind, "◼ Consistency in planning for care leavers.",
                    listed_under("What needs to improve?\n\n◼ Consistency in planning for care "
                                 "leavers.", "What needs to improve?",
                                 "◼ Consistency in planning for care leavers."))
    need = kind_fit(kind, "The recording of assessments needs to be strengthened.")
    finding = kind_fit(kind, "Social workers know their children well.")
    assert item > need > finding


@pytest.mark.parametrize("question", [
    "What overall conclusion did the Improvement Board chair reach?",  # a body's name
    "Had Essex's services improved since 2014?",  # asks whether, not what should change
    "improvement notice lifted",  # a thing named by the word, searched for
    "What did Ofsted say about the improvement plan?",
    "What improvement did Ofsted note in Eastshire's out-of-hours service?",  # one made
    "What improvements had Eastshire made since 2017?",
])
def test_improvement_words_in_a_name_or_a_past_tense_ask_no_list(question: str) -> None:
    assert kind_fit(answer_kind(question), "Social workers know their children well.") != 0.2


def test_only_what_follows_a_heading_closely_is_listed_under_it() -> None:
    """Every passage of a section carries the section's heading; the passage that opens with
    it, and list items anywhere in the section, are what the heading names."""
    heading = "What needs to improve?"
    opening = "What needs to improve?\n\nThe quality of written records."
    assert listed_under(opening, heading, "The quality of written records.") == heading
    later = "Name of ICB: NHS Eastshire. The partnership is led by the council."
    assert listed_under(later, heading, "The partnership is led by the council.") == ""
    assert listed_under(later, heading, "• Timely health assessments.") == "•" + heading


def _answers(tmp_path: Path, name: str, text: str, *questions: str) -> list[AskResult]:
    """The answers to ``questions`` from one document indexed with the fake embedder."""
    return fake_answers(tmp_path, {name: text}, *questions)


LETTER = """Eastshire County Council
Focused visit to Eastshire children's services, 3 and 4 May 2023

Main findings

Leaders in Eastshire know their services well. Social workers in Eastshire visit children
regularly and know them well. Eastshire's early help service is effective. Inspectors saw
strong partnerships with Eastshire police and schools. Eastshire has stable management.

Children in care

Children in care in Eastshire live in stable homes. Eastshire's virtual school supports
their education. Eastshire care leavers have personal advisers who know them well.

Help and protection

Eastshire's front door responds quickly to contacts. Strategy meetings in Eastshire are
timely. Eastshire social workers complete assessments that are thorough.

What needs to improve?

◼ The timeliness of return home interviews for children who go missing.

◼ Supervision records for newly qualified social workers.
"""


def test_asked_what_needs_to_improve_the_answer_quotes_the_listed_items(
        tmp_path: Path) -> None:
    result, topical = _answers(
        tmp_path, "eastshire-focused-visit-2023-05-04.txt", LETTER,
        "What did inspectors say Eastshire needed to improve?",
        "What did inspectors say Eastshire needed to improve about supervision records?")
    assert not result.abstained
    # Both items of the list, one per line, each a verbatim quote, as the record lists them
    # (neither holds more of the question's words than the other).
    assert result.shape == "list"
    quotes = [c.quote for c in result.citations]
    assert "return home interviews" in quotes[0], quotes
    assert "Supervision records" in quotes[1], quotes
    # Asked for the one item on a topic, that item comes first.
    assert "Supervision records" in topical.citations[0].quote


def test_a_line_of_an_attendance_list_is_not_a_heading() -> None:
    """ "Dan Mortiboys, Senior Finance Manager" answers "who presented the report"; "Ofsted
    Visit Update" and "Children, Young People and Families" are headings."""
    from retriever.evidence import is_heading

    assert not is_heading("Dan Mortiboys, Senior Finance Manager")
    assert is_heading("Ofsted Visit Update")
    assert is_heading("Children, Young People and Families")


def test_each_bullet_of_a_pdf_list_is_its_own_sentence() -> None:
    """PDFs set bullets as "◼" or a symbol font's glyph, one item per line: each item is a
    quote of its own, so a list is quoted item by item."""
    from indexer.sentences import split_sentences

    text = ("What needs to improve?\n\n◼ Services to children out of hours.\n"
            "◼ Sufficiency of accommodation for care leavers.\n\uf0b7 Waiting time for early help.")
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "What needs to improve?", "◼ Services to children out of hours.",
        "◼ Sufficiency of accommodation for care leavers.", "\uf0b7 Waiting time for early help."]


def test_a_name_and_the_title_on_the_line_under_it_are_one_quote() -> None:
    """ "Lead inspector: Steve Lowe" / "Her Majesty's Inspector" is one field set on two
    lines; the next field, a deputy named with an honorific, or a blank line keeps its own."""
    from indexer.sentences import split_sentences

    text = ("Lead inspector: Steve Lowe\nHer Majesty’s Inspector\n\nJudgement Grade\n"
            "Chair: Jane Smith\nVice-Chair Councillor Bob Doe\n"
            "Signed: John Smith\n\nDirector of Children’s Services\n")
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "Lead inspector: Steve Lowe\nHer Majesty’s Inspector", "Judgement Grade",
        "Chair: Jane Smith", "Vice-Chair Councillor Bob Doe", "Signed: John Smith",
        "Director of Children’s Services"]


def test_a_letters_signature_is_one_quote_that_names_a_person() -> None:
    """ "Yours sincerely" and the name and title under it would each be too short to quote:
    together they answer "who signed the letter?". A heading after a blank line is not
    part of it."""
    from indexer.sentences import split_sentences
    from retriever.asks import _PERSON
    from retriever.evidence import is_heading

    text = ("Ofsted will take these findings into account.\n\nYours sincerely\n\n"
            "Mandy Nightingale\nHer Majesty’s Inspector\n\nAnnex: the visit team\n")
    units = [text[a:b] for a, b in split_sentences(text)]
    signature = "Yours sincerely\n\nMandy Nightingale\nHer Majesty’s Inspector"
    assert units[1] == signature and units[2] == "Annex: the visit team"
    assert _PERSON.search(signature) and not is_heading(signature)


def test_a_heading_inside_a_passage_heads_the_items_after_it() -> None:
    """A section heading the reader did not take for an item ("What needs to improve?" in
    the middle of a page's passage) still heads the list under it."""
    passage = ("Leaders know their services well.\n\nWhat needs to improve?\n\n"
               "◼ Services to children out of hours.")
    at = passage.index("◼")
    assert listed_under(passage, "Front page", "◼ Services to children out of hours.",
                        at) == "•What needs to improve?"
    assert listed_under(passage, "Front page", "Leaders know their services well.", 0) == ""


def test_a_dated_field_answers_when_only_about_what_its_label_names() -> None:
    """ "Inspection dates: 13 to 24 May 2024" answers when the inspection was, not when the
    director started."""
    from retriever.vocabulary import Words, word_set

    field = "Inspection dates: 13 to 24 May 2024"
    started = "When did Halton's permanent director start in the job?"
    inspected = "When did inspectors visit Halton?"
    for question, fits in ((started, False), (inspected, True)):
        kind = answer_kind(question)
        fit = kind_fit(kind, field, asked=Words(word_set(question)))
        assert (fit == 1.0) == fits, question
    prose = "The permanent director took up post in November 2023."
    assert kind_fit(answer_kind(started), prose, asked=Words(word_set(started))) > 0.3


def test_a_body_asked_about_is_not_a_request_for_its_minutes(tmp_path: Path) -> None:
    """ "Was the corporate parenting panel effective?" asks what the inspection found about
    the panel; "when did the panel last review ..." asks for the panel's own minutes."""
    about, minutes, vote = _answers(
        tmp_path, "eastshire-inspection-2023-05-04.txt",
        "Eastshire County Council\nInspection of local authority children's services\n\n"
        "The corporate parenting panel is not sufficiently aspirational for children in "
        "care. Leaders know their services well. The council has invested in a children's "
        "trust.\n",
        "Was Eastshire's corporate parenting panel effective?",
        "When did Eastshire's corporate parenting panel last review adoption?",
        # A vote is recorded in the minutes of the meeting that took it.
        "Did Eastshire council vote to bring in a children's trust after the inspection?")
    assert not about.abstained
    assert "not sufficiently aspirational" in about.citations[0].quote
    assert minutes.abstained and "committee minutes" in minutes.answer
    assert vote.abstained and "committee minutes" in vote.answer


def test_asked_for_an_earlier_rating_the_prose_that_dates_it_answers() -> None:
    """A record's rated fields are its current verdicts: asked how a council was judged at
    its previous inspection, the sentence that says so answers, not "Overall effectiveness"."""
    question = "How had Oldham been judged at its previous full inspection?"
    kind = answer_kind(question)
    field = kind_fit(kind, "Overall effectiveness: Good")
    prose = kind_fit(kind, "Since the last inspection in March 2019, when services were "
                           "judged to be requires improvement to be good, leaders have acted.")
    assert prose > field
    found = kind_fit(answer_kind("What grade had Tower Hamlets received at the inspection "
                                 "before 2019?"),
                     "Services have substantially improved since they were found to be "
                     "inadequate in 2017.")
    assert found == 1.0
    now = answer_kind("How did Ofsted rate Oldham's services in 2023?")
    assert kind_fit(now, "Overall effectiveness: Good") == 1.0


@pytest.mark.parametrize("question", [
    "What were the dates of Ofsted's 2022 inspection of Sefton?",
    "Over what period did Ofsted carry out its 2018 inspection of Bolton?",
])
def test_asking_for_dates_in_other_words_asks_when(question: str) -> None:
    kind = answer_kind(question)
    assert kind_fit(kind, "The inspection took place on 21 February 2022.") == 1.0
    assert kind_fit(kind, "Leaders know their services well.") == 0.0


def test_a_list_question_sharing_no_words_with_the_list_is_answered_from_it(
        tmp_path: Path) -> None:
    """ "What did inspectors say Eastshire needs to improve?" shares no word with the
    item that answers it, so wording alone rates the match weak; the record holds every word
    of the question and a list of what to improve, so the list answers. A question naming
    what the record lacks ("exam results") is still declined."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "eastshire-focused-visit-2023-05-04.txt").write_text(LETTER, encoding="utf-8")
    index = fake_index(tmp_path, corpus)
    settings = replace(Settings.from_env(index_dir=index), abstain_threshold=0.95)
    with Assistant.open(index, settings=settings, embedder=HashEmbedder()) as assistant:
        listed = assistant.ask("What did inspectors say Eastshire needs to improve?")
        lacking = assistant.ask("What did inspectors say Eastshire needs to improve about "
                                "exam results?")
    assert not listed.abstained
    assert "return home interviews" in listed.citations[0].quote
    assert lacking.abstained


def test_asked_how_much_money_a_record_stating_no_sum_is_not_an_answer(
        tmp_path: Path) -> None:
    """ "How much did X spend ...?" is not answered by a percentage or a count: with no sum
    of money in the passages found, the answer is "not found", saying so."""
    from retriever.lacking import lacks_money

    spend = "How much did Eastshire spend on agency social workers in 2024/25?"
    assert lacks_money(spend, ["Half of the social workers (50%) are agency staff."])
    assert not lacks_money(spend, ["Agency staff cost the council £2.1 million in 2024/25."])
    assert lacks_money("What was Eastshire's total children's services budget for 2018/19?",
                       ["Eastshire has 412 children in care."])
    assert lacks_money("What expenses did Eastshire's lead member claim?",
                       ["The lead member chairs the corporate parenting panel."])
    assert not lacks_money("How many children are in care in Eastshire?",
                           ["Eastshire has 412 children in care."])
    (result,) = _answers(tmp_path, "eastshire-focused-visit-2023-05-04.txt", LETTER,
                         "How much did Eastshire spend on its early help service?")
    assert result.abstained and "no sum of money" in result.answer


def test_how_many_asks_for_a_count_not_a_sum_of_money() -> None:
    many = answer_kind("How many looked after children did Eastshire have in September 2012?")
    count = kind_fit(many, "It was explained that at present there were 530 LAC.")
    money = kind_fit(many, "A net revenue underspend of £22k was forecast for 2012/13.")
    assert count > money > kind_fit(many, "The panel met in September 2012.")
    much = answer_kind("How much was the underspend forecast for 2012/13?")
    assert kind_fit(much, "A net revenue underspend of £22k was forecast for 2012/13.") > \
        kind_fit(much, "It was explained that at present there were 530 LAC.")


def test_a_verdict_the_question_sets_aside_does_not_answer_it(tmp_path: Path,
                                                            real_embedder) -> None:
    """ "Which area was judged good rather than outstanding?" asks for the good one, and the
    reverse question for the outstanding one (the real model: its similarities decide)."""
    from indexer import build_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "eastshire-inspection-2023-05-04.txt").write_text(
        "Eastshire County Council\nInspection of local authority children's services\n\n"
        "Overall effectiveness: Outstanding\n\n"
        "The experiences and progress of children in care: Good\n\n"
        "Leaders know their services well and act on what they find.\n", encoding="utf-8")
    index = tmp_path / "index"
    build_index([corpus], Settings.from_env(index_dir=index), embedder=real_embedder)
    settings = replace(Settings.from_env(index_dir=index), abstain_threshold=0.0)
    with Assistant.open(index, settings=settings, embedder=real_embedder) as assistant:
        good = assistant.ask("Which area was judged good rather than outstanding in Eastshire?")
        best = assistant.ask("Which area was judged outstanding rather than good in Eastshire?")
    assert good.citations[0].quote == "The experiences and progress of children in care: Good"
    assert best.citations[0].quote == "Overall effectiveness: Outstanding"


def test_when_will_is_answered_by_what_is_to_come_not_by_past_dates() -> None:
    from retriever.vocabulary import Words, word_set

    question = "When will inspectors return to Eastshire to check progress?"
    kind, asked = answer_kind(question), Words(word_set(question))
    ahead = kind_fit(kind, "A monitoring inspection will be carried out within approximately "
                           "18 months.", asked=asked)
    for past in ("Dates of previous inspection: 2 to 6 October 2017",
                 "Inspection dates: 26 to 30 June 2023"):
        assert ahead > kind_fit(kind, past, asked=asked), past
    # Asked when something happened, the dates of the visit still answer.
    visited = "When did inspectors visit Eastshire?"
    assert kind_fit(answer_kind(visited), "Inspection dates: 26 to 30 June 2023",
                    asked=Words(word_set(visited))) == 1.0


def test_a_date_the_question_starts_from_does_not_answer_when() -> None:
    """ "When was the focused visit before the December 2019 inspection?" starts from the
    record's own dates; they are not the answer. Asked when that inspection itself was, or for
    a day within a month the question names, they are."""
    from retriever.dates import reference_dates
    from retriever.vocabulary import Words, word_set

    field = "Inspection dates: 2 December to 6 December 2019"
    earlier = "This is an improvement since the focused visit in October 2018."
    for question in ("When had Ofsted carried out a focused visit to Eastshire before the "
                     "December 2019 inspection?",
                     "When did Eastshire's director take up post, according to Ofsted's "
                     "December 2019 inspection?",
                     "In which year was Eastshire last inspected, before the 2019 one?",
                     "When did Ofsted make focused visits to Eastshire before its 2019 "
                     "inspection?"):
        kind, asked = answer_kind(question), Words(word_set(question))
        known = reference_dates(question)
        assert kind_fit(kind, earlier, asked=asked, known=known) > \
            kind_fit(kind, field, asked=asked, known=known), question
    for question in ("When did Ofsted carry out its December 2019 inspection of Eastshire?",
                     "When in December 2019 did inspectors visit Eastshire?"):
        kind, asked = answer_kind(question), Words(word_set(question))
        assert kind_fit(kind, field, asked=asked, known=reference_dates(question)) == 1.0


def test_may_the_verb_is_not_a_date() -> None:
    kind = answer_kind("When did Eastshire's new director start?")
    assert kind_fit(kind, "Children aged 17 may miss the chance to come into care.") == 0.0
    assert kind_fit(kind, "The director started on 17 May 2024.") == 1.0


def test_a_sum_named_as_what_is_asked_needs_a_sum_to_answer() -> None:
    from retriever.lacking import lacks_money

    prose = ["Despite the financial pressures the council faces, it has invested in staff."]
    assert lacks_money("What was Eastshire Council's overspend on children's social care in "
                       "2024/25?", prose)
    assert lacks_money("What salary does Eastshire pay its director of children's services?",
                       prose)
    assert not lacks_money("What were the main cost pressures on Eastshire's services?", prose)
    overspend = answer_kind("What was Eastshire Council's overspend on children's social care "
                            "in 2012?")
    assert kind_fit(overspend, "Specialist Services overspent by £4k in 2012/13.") > \
        kind_fit(overspend, prose[0])
    assert not lacks_money("What did inspectors say about the budget?", prose)


def test_meeting_as_a_verb_or_minutes_of_time_ask_for_no_committee(tmp_path: Path) -> None:
    """ "after meeting the threshold" and "within 30 minutes" name no meeting: an inspection
    report answers them."""
    waited, called = _answers(
        tmp_path, "eastshire-inspection-2023-05-04.txt",
        "Eastshire County Council\nInspection of local authority children's services\n\n"
        "Some children who have met the threshold for social care wait up to six weeks to be "
        "seen by a social worker. Out-of-hours calls are answered within 30 minutes.\n",
        "How long do Eastshire children wait to be seen after meeting the threshold?",
        "Are Eastshire's out-of-hours calls answered within 30 minutes?")
    assert not waited.abstained and "six weeks" in waited.citations[0].quote
    assert "committee minutes" not in called.answer


def test_asked_for_a_rating_the_records_table_of_grades_is_weighed(tmp_path: Path) -> None:
    """A judgement table shares few words with "How did Ofsted rate Eastshire's work with
    care leavers?", so the passages that do share them fill the head of the search; a rating
    question still weighs the passage holding the record's rated fields, and quotes it."""
    sections = "".join(
        f"Section {n}\n\nEastshire's work with care leavers was discussed with inspectors in "
        f"meeting {n}. Care leavers in Eastshire told inspectors about their work plans.\n\n"
        for n in range(1, 16))
    table = ("Judgements\n\nThe impact of leaders on social work practice: Good\n"
             "The experiences and progress of care leavers: Outstanding\n"
             "Overall effectiveness: Good\n")
    (answer,) = _answers(tmp_path, "eastshire-inspection-2023-05-04.txt",
                         "Eastshire County Council\nInspection of local authority children's "
                         "services\n\n" + sections + table,
                         "How did Ofsted rate Eastshire's work with care leavers?")
    assert answer.citations[0].quote == "The experiences and progress of care leavers: Outstanding"


@pytest.mark.parametrize(("question", "answers"), [
    ("Who led Ofsted's 2024 inspection of Eastshire?", True),
    ("Who inspected Eastshire in 2024?", True),
    ("Who was the lead inspector for Eastshire?", True),
    ("Who sits on Eastshire's corporate parenting board, according to the inspection?", False),
    ("Who is the current leader of Eastshire Council?", False),
])
def test_a_named_field_answers_who_only_for_the_role_its_label_names(question: str,
                                                                     answers: bool) -> None:
    from retriever.vocabulary import Words, word_set

    fit = kind_fit(answer_kind(question), "Lead inspector: Andy Waugh, His Majesty’s Inspector",
                   asked=Words(word_set(question)))
    assert (fit == 1.0) == answers


@pytest.mark.parametrize("question", [
    "What concern did Ofsted raise about Eastshire's use of unregistered homes?",
    "What weakness did inspectors find in Eastshire's pathway planning?",
    "So what was the problem with the plans?",
])
def test_asked_what_is_wrong_a_sentence_stating_a_shortfall_answers(question: str) -> None:
    """A concern is stated in words of shortfall; a sentence saying what works, or a list
    item naming only the area, answers less well."""
    kind = answer_kind(question)
    wrong = kind_fit(kind, "Pathway plans often reveal a lack of ambition for care leavers.")
    item = kind_fit(kind, "◼ The use of unregistered children's homes.",
                    "•What needs to improve?")
    right = kind_fit(kind, "Personal advisers routinely consider care leavers' plans.")
    assert wrong > item > right
    assert kind_fit(answer_kind("How quickly do safeguarding concerns get a response?"),
                    "Personal advisers routinely consider care leavers' plans.") == \
        kind_fit(None, "Personal advisers routinely consider care leavers' plans.")


def test_how_much_time_asks_for_time_not_money() -> None:
    from retriever.lacking import lacks_money

    texts = ["The role has freed a fifth of social workers' time for families."]
    assert not lacks_money("How much extra time did Eastshire's social workers spend with "
                           "families?", texts)
    assert lacks_money("How much did Eastshire spend on agency social workers?", texts)


def test_none_of_what_is_counted_answers_how_many() -> None:
    from retriever.vocabulary import Words, word_set

    question = "How many Eastshire children were living in unregistered children's homes?"
    kind, asked = answer_kind(question), Words(word_set(question))
    assert kind_fit(kind, "At the time of the inspection, no children were living in "
                          "unregistered homes.", asked=asked) == 1.0
    assert kind_fit(kind, "There is no evidence of drift for these children.",
                    asked=Words(word_set("How many foster carers does Eastshire have?"))) == 0.0


def test_a_field_of_who_or_when_does_not_answer_what_was_found() -> None:
    question = "What did inspectors think of Eastshire's children in care council?"
    kind = answer_kind(question)
    for field in ("Lead inspector: Nigel Parkes, His Majesty's Inspector",
                  "Inspection dates: 13 May to 24 May 2019"):
        assert kind_fit(kind, field) < kind_fit(kind, "The children in care council is "
                                                      "exceptional.")


def test_a_peer_review_named_inside_an_inspection_question_is_not_asked_for(
        tmp_path: Path) -> None:
    """ "... the peer review that led to a new team, according to the 2023 inspection" names
    the inspection as its record; "What did the peer review find?" asks for a peer review."""
    inside, asked_for = _answers(
        tmp_path, "eastshire-inspection-2023-12-04.txt",
        "Eastshire County Council\nInspection of local authority children's services\n"
        "Inspection dates: 4 to 8 December 2023\n"
        "Lead inspector: Jane Smith, His Majesty's Inspector\n\n"
        "A new leadership team has been appointed following the commissioning of a peer "
        "review in August 2023. Leaders know their services well.\n",
        "When did Eastshire commission the peer review that led to a new leadership team, "
        "according to the December 2023 inspection?",
        "What did Eastshire's peer review find?")
    assert not inside.abstained and "August 2023" in inside.citations[0].quote
    assert asked_for.abstained and "peer review" in asked_for.answer


def test_a_grade_the_question_sets_aside_does_not_answer_it() -> None:
    from retriever.grades import GradesAsked

    question = "Which of Eastshire's services was not rated inadequate, and what grade did it get?"
    kind, grades = answer_kind(question), GradesAsked.of(question)
    assert kind_fit(kind, "The experiences and progress of care leavers: Requires improvement",
                    grades=grades) > kind_fit(kind, "Overall effectiveness: Inadequate",
                                              grades=grades)
