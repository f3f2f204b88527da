"""Forms of question and record that decide which sentence answers: a list a passage opens
inside, an earlier record asked about, a comparison with one, and the vague words of a
question about a list ("the one thing")."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import Settings
from retriever import Assistant
from retriever.asks import answer_kind
from retriever.dates import reference_dates
from retriever.fit import kind_fit
from retriever.kinds import LOOKS_BACK, earlier_asked
from retriever.lists import listed_under
from retriever.vocabulary import Words, word_set
from tests.fakes import HashEmbedder, fake_answers, fake_index
from tests.fakes import why_not as _why_not

IMPROVE = "What needs to improve?\n\n◼ Safeguarding for children in private fostering.\n"


def test_a_passage_that_opens_inside_a_list_continues_the_list_before_it() -> None:
    """A passage cut between two items of "What needs to improve?" still holds items of that
    list, though its own text shows no heading."""
    item = "◼ The timeliness of life-story work for children."
    passage = f"◼ Foster carer recruitment.\n{item}\n\nThe experiences of children: good"
    at = passage.index(item)
    assert listed_under(passage, "Front page", item, at, IMPROVE) == "•What needs to improve?"
    # Prose between that heading and the passage: another list, under the passage's own.
    prose = IMPROVE + "\nLeaders know their services well and act on what they find.\n"
    assert listed_under(passage, "Front page", item, at, prose) == "•Front page"
    assert listed_under(passage, "Front page", item, at) == "•Front page"


def _when(question: str, sentence: str) -> float:
    return kind_fit(answer_kind(question), sentence, asked=Words(word_set(question)),
                    known=reference_dates(question), earlier=earlier_asked(question))


def test_when_a_record_was_inspected_before_is_where_a_record_dates_the_one_before() -> None:
    question = "When had Eastshire last been inspected before the November 2018 inspection?"
    looks_back = "Services have improved since the previous inspection in 2014."
    assert _when(question, looks_back) == 1.0
    assert _when(question, "Inspection dates: 19 November 2018 to 23 November 2018") < 0.5
    # Another kind of record, or another kind of inspection, is not the one asked about.
    visits = "When did Ofsted make focused visits to Eastshire before its 2021 inspection?"
    assert _when(visits, "Since the last inspection in 2017, services have declined.") < 1.0
    send = "When was Eastshire's previous area SEND inspection?"
    assert _when(send, "Services have improved since the previous inspection in 2019.") < 1.0
    assert _when(send, "Since the previous area SEND inspection in 2017, leaders have ...") == 1.0


@pytest.mark.parametrize("question", [
    "Is Eastshire children's services better than it was at its 2017 inspection?",
    "Did Eastshire keep its outstanding rating when Ofsted came back in June 2024?",
    "How does Eastshire's 2025 Ofsted result compare with its previous inspection?",
])
def test_a_comparison_with_an_earlier_record_is_answered_where_the_record_looks_back(
        question: str) -> None:
    kind = answer_kind(question)
    assert kind is LOOKS_BACK
    back = ("Services have improved since the inspection in 2017, when they were judged to "
            "require improvement overall.")
    assert kind_fit(kind, back) > kind_fit(kind, "Children benefit from good services.")
    # An earlier time in a child's life is not an earlier record.
    assert kind_fit(kind, "These children previously attended local language schools.") < 1.0


def test_the_one_thing_a_council_was_asked_to_improve_is_its_list_of_one(
        tmp_path: Path) -> None:
    """ "What was the one thing X was asked to improve?" shares no word with the item it
    asks for; "one" and "thing" point at the item, they are not what the record must say."""
    report = ("EASTSHIRE COUNTY COUNCIL\nInspection of children's social care services\n\n"
              "Children asked inspectors about their plans.\n\n"
              "What needs to improve?\n\n◼ The formal matching and panel approval of "
              "adolescents in long-term foster homes.\n\nThe experiences and progress of "
              "children in care: outstanding\n\nChildren in care live in stable homes and "
              "are well supported by their social workers.\n")
    # A threshold far above the fake's similarities: only the record-form rule answers.
    result, other, must, listed = fake_answers(
        tmp_path, {"eastshire-ilacs-2019-09-13.txt": report},
        "What was the one thing Eastshire was asked to improve?",
        "What was the one thing Eastshire was asked to improve about exam results?",
        "What did inspectors say Eastshire must improve following its inspection?",
        "Eastshire's report listed only one area for improvement. What was it?",
        abstain_threshold=0.95)
    assert not result.abstained
    assert result.citations[0].quote.startswith("◼ The formal matching")
    assert other.abstained  # a word the record lacks is still looked for
    # "must" and "following" are how the question asks, not what the record must say
    assert not must.abstained and must.citations[0].quote.startswith("◼ The formal matching")
    # nor are "report" and "listed", which point at the record itself
    assert not listed.abstained
    assert listed.citations[0].quote.startswith("◼ The formal matching")


def test_a_grade_before_a_dated_inspection_asks_for_the_earlier_grade() -> None:
    """ "... before the December 2022 one" asks for the grade the report recalls, not the
    grades of its own table."""
    question = "What grade did Eastshire get at its Ofsted inspection before the December 2022 one?"
    kind = answer_kind(question)
    recalled = ("Since the last Ofsted inspection in November 2018, when Eastshire was judged "
                "to be inadequate overall, services have improved.")
    assert kind_fit(kind, recalled) > kind_fit(kind, "Overall effectiveness: Good")


def test_an_acronym_may_take_a_capital_from_a_joining_word() -> None:
    """ "Children in Care Council (CICC)": the "I" is the "in"; a definition learned from
    the record lets "CICC" in a question find "Children in Care Council", and back."""
    from indexer.acronyms import learn_acronyms

    learned = learn_acronyms("The impressive Children in Care Council (CICC) is consulted. "
                             "Staff complete the Assessed and Supported Year in Employment "
                             "(ASYE). The Department for Education (DfE) wrote.")
    assert learned["CICC"] == "Children in Care Council"
    assert learned["DfE"] == "Department for Education"
    assert not learned.get("ASYE", "").startswith("and ")  # a definition starts with a word


def test_a_body_named_in_full_that_no_passage_mentions_is_not_found() -> None:
    from retriever.lacking import unmentioned_name

    question = ("What was the outcome of the Care Quality Commission's assessment of "
                "Eastshire Council's adult social care?")
    ofsted = ["Children in Eastshire benefit from good services. Leaders know them well."]
    assert unmentioned_name(question, ofsted) == ("The passages found do not mention the Care "
                                                  "Quality Commission.")
    assert unmentioned_name(question, ofsted + ["The CQC rated adult care good."]) == ""
    said = ["The impressive Youth Voice and\nInfluence Service holds leaders to account."]
    assert unmentioned_name("What did inspectors say about Eastshire's Youth Voice and "
                            "Influence Service in 2023?", said) == ""
    # Two capitalised words, a month or the question's first words name no such body.
    for other in ("How did Ofsted rate leadership in North Eastshire in June 2022?",
                  "What did Eastshire's Audit Committee resolve?",
                  "Youth Offending Team Leaders said what?",
                  # a council's name: many records never state their council in the text
                  "What did North Eastshire County Council resolve about school transport?",
                  "How well does Bath and North East Somerset support care leavers?"):
        assert unmentioned_name(other, ofsted) == ""


def test_a_councils_abbreviation_names_the_record_not_the_answer(tmp_path: Path) -> None:
    """ "Bath and North East Somerset (BANES)": the abbreviation, like the name, says whose
    record it is, so it does not tell one of its sentences from another; an abbreviation of
    the record's topic ("children's social care (CSC)") still does."""
    from retriever.evidence import metadata_words
    from retriever.rank import ranked
    from retriever.results import Filters
    from retriever.search import understand_turn

    report = ("BATH AND NORTH EAST SOMERSET COUNCIL\nInspection of children's social care "
              "services\n\nChildren in Bath and North East Somerset (BANES) continue to benefit "
              "from good services.\n\nReferrals to Children's Social Care (CSC) are timely.\n")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "banes-ilacs-2025-03-01.txt").write_text(report, encoding="utf-8")
    index = fake_index(tmp_path, corpus)
    with Assistant.open(index, settings=Settings.from_env(index_dir=index),
                        embedder=HashEmbedder()) as assistant:
        snap = assistant.snapshot
        assert {"BANES", "CSC"} <= set(snap.acronyms)
        question = "How well does Bath and North East Somerset support children?"
        cands, _ = ranked(snap, assistant, question, understand_turn(snap, question, [],
                                                                      Filters()))
        ignored = metadata_words(snap, cands)
    assert "banes" in ignored and "csc" not in ignored


def test_when_it_next_fully_inspected_asks_for_a_later_record(tmp_path: Path) -> None:
    from tests.test_answer_precision import _report

    later, earlier, full = fake_answers(
        tmp_path, {"eastshire-inspection-2025-01-29.txt": _report(
                       "2 to 6 December 2024", "Good", "has maintained good services"),
                   "eastshire-inspection-2021-04-20.txt": _report(
                       "8 to 12 March 2021", "Good", "has improved services")},
        "What did Ofsted find when it next fully inspected Eastshire after the 2024 inspection?",
        "What did Ofsted find when it next fully inspected Eastshire after the 2021 inspection?",
        "What grade did Eastshire get at its next full Ofsted inspection after the 2024 one?")
    assert later.abstained and "No visit after the records found" in later.answer
    assert "No visit after" not in earlier.answer
    assert full.abstained and "No visit after the records found" in full.answer


def _improvements(*items: str) -> str:
    """A made-up inspection report whose "What needs to improve?" lists ``items``."""
    return ("EASTSHIRE COUNTY COUNCIL\nInspection of children's social care services\n\n"
            "What needs to improve?\n\n" + "".join(f"◼ {item}\n" for item in items))


def test_a_topic_set_aside_is_not_the_answer(tmp_path: Path) -> None:
    """ "Apart from pathway plans, what else ...": the item on pathway plans is not it."""
    from retriever.grades import besides

    assert besides("Apart from pathway plans, what else did Ofsted ask Eastshire to "
                   "improve for care leavers?") == ["pathway", "plans"]
    assert besides("Apart from that, what else?") == []
    report = _improvements("The quality of pathway plans for care leavers.",
                           "The quality of health history information provided to care leavers.")
    (answer,) = fake_answers(tmp_path, {"eastshire-ilacs-2025-03-01.txt": report},
                             "Apart from pathway plans, what else did Ofsted ask Eastshire to "
                             "improve for care leavers?")
    assert answer.citations and all("pathway" not in c.quote for c in answer.citations)
    assert "health history" in answer.citations[0].quote


def test_a_figure_may_be_a_multiple() -> None:
    """ "How much did X increase staffing?" is answered by "doubled the numbers of staff"."""
    question = "How much did Eastshire increase staffing in its care leaver teams?"
    kind = answer_kind(question)
    assert kind_fit(kind, "Senior leaders doubled the numbers of staff in care leaver teams.") \
        > kind_fit(kind, "Senior leaders strengthened care leaver teams.")


def test_what_someone_said_needs_a_passage_reporting_what_they_said() -> None:
    """A report that names the council's leader among those who know its services well does
    not say what the leader said publicly about the judgement."""
    from retriever.lacking import lacks_asked

    question = ("What did the leader of Eastshire Council say publicly about the outstanding "
                "judgement from Ofsted in 2025?")
    named = ["The chief executive, the lead member and the leader of the council all have a "
             "well-informed, detailed and impressive shared knowledge of Eastshire."]
    assert lacks_asked(question, named, [0.5]) == ("The passages found do not report what the "
                                                   "leader said.")
    told = ["The leader of the council told inspectors that the judgement reflects the work "
            "of staff."]
    assert lacks_asked(question, told, [0.5]) == ""


def test_a_kind_of_inspection_no_record_found_is_or_mentions_is_not_found() -> None:
    from retriever.kinds import unmentioned_kind

    question = ("What did the joint targeted area inspection of Eastshire's response to child "
                "exploitation find?")
    ilacs = ["Inspection of Eastshire's children's social care services",
             "Children at risk of exploitation receive a swift response."]
    assert unmentioned_kind(question, ilacs) == "joint targeted area inspection"
    assert unmentioned_kind(question, ilacs + ["The joint targeted area inspection in 2019 "
                                               "found weaknesses."]) == ""
    # Words that place a record, a council's name or a verb before "visit" name no kind.
    for other in ("What grade did Eastshire get at its last full Ofsted inspection?",
                  "What did Ofsted's 2023 focused visit to Eastshire find?",
                  "When did Ofsted make focused visits to North Eastshire before 2021?",
                  "Before 2021, when had Ofsted carried out focused visits to Eastshire?",
                  "What did Ofsted criticise about when Eastshire social workers visit "
                  "children?"):
        assert unmentioned_kind(other, ilacs) == ""


def test_asked_what_inspectors_said_about_something_a_grade_is_no_finding() -> None:
    kind = answer_kind("What did inspectors say about Eastshire's local offer for care leavers?")
    grade = "The experiences and progress of care leavers: Requires improvement to be good"
    assert kind_fit(kind, grade) < kind_fit(kind, "The local offer is not easy to read.")


@pytest.mark.parametrize("question", [
    "Which organisation actually delivers children's services on behalf of Eastshire council?",
    "Who actually runs children's services in Eastshire, and since when?",
    "Which council did Eastshire separate its shared children's services leadership from?",
])
def test_which_organisation_is_answered_by_a_sentence_naming_another_body(
        question: str) -> None:
    kind = answer_kind(question)
    named = ("Services for children in Eastshire are provided by Achieving for Children (AfC), "
             "a not-for-profit community interest company.")
    assert kind_fit(kind, named) > kind_fit(
        kind, "Senior managers in Eastshire are committed to providing the best services.")
    # the question's own council, named in full, is not another body
    assert kind_fit(kind, "Eastshire County Council leads the partnership well.") < 1.0
    assert kind_fit(kind, "In October 2019, ECF took over the delivery of services.") == 1.0


def test_a_salary_is_not_answered_by_a_budget() -> None:
    from retriever.lacking import lacks_money

    question = "What is the starting salary for a newly qualified social worker in Eastshire?"
    budget = ["This has led to an increase in the base budget to £24m over four years."]
    assert lacks_money(question, budget)
    assert not lacks_money(question, budget + ["Newly qualified social workers are paid a "
                                               "starting salary of £32,000."])
    assert not lacks_money("How much was the base budget increased by?", budget)


def test_a_body_named_with_capitals_is_a_name_too() -> None:
    from retriever.lacking import unmentioned_name

    question = ("What rating did HM Inspectorate of Probation give Eastshire's youth justice "
                "service?")
    assert unmentioned_name(question, ["Children in Eastshire are safe."]) == (
        "The passages found do not mention the HM Inspectorate of Probation.")


def test_what_was_done_in_response_is_quoted_with_what_it_responds_to(tmp_path: Path) -> None:
    report = ("EASTSHIRE COUNTY COUNCIL\nInspection of children's social care services\n\n"
              "A key issue raised by care leavers was digital poverty. In response, the offer "
              "was changed and it now includes free Wi-Fi in their new homes.\n")
    (answer,) = fake_answers(tmp_path, {"eastshire-ilacs-2025-03-01.txt": report},
                             "What did Eastshire add after care leavers raised digital poverty?")
    assert "In response, the offer was changed" in answer.citations[0].quote


def test_asked_how_a_record_compares_its_dates_field_is_not_the_answer() -> None:
    question = ("How do Eastshire's children's services in March 2023 compare with the 2019 "
                "inspection?")
    kind = answer_kind(question)
    assert kind is LOOKS_BACK
    assert kind_fit(kind, "Inspection dates: 13 to 24 March 2023") < kind_fit(
        kind, "Children in Eastshire benefit from good services.")


def test_a_report_published_in_a_year_may_have_been_done_in_the_year_before() -> None:
    """ "When did the inspection published in early 2022 take place?": its dates in late 2021
    answer; dates of another year than 2021 or 2022 do not."""
    from retriever.vocabulary import Words, word_set

    question = "When did the inspection of Eastshire published in early 2022 take place?"
    kind, asked = answer_kind(question), Words(word_set(question))
    known = reference_dates(question)
    dates = "Inspection dates: 29 November to 10 December 2021"
    assert kind_fit(kind, dates, "", asked, known) == 1.0
    assert kind_fit(kind, "Inspection dates: 4 to 8 March 2019", "", asked, known) < 0.5
    done = "When did the inspection of Eastshire done in early 2022 take place?"
    assert kind_fit(answer_kind(done), dates, "", Words(word_set(done)),
                    reference_dates(done)) < 0.5


def test_a_grade_stated_in_the_records_own_sentence_answers_as_its_rated_field_does() -> None:
    """ "Services for children in Eastshire are good." is the record's verdict; a sentence that
    only recalls an earlier judgement, or gives a grade the question sets aside, is not."""
    from retriever.grades import GradesAsked

    question = "What overall grade did Eastshire get in its 2024 inspection?"
    grades = GradesAsked.of(question)

    def fit(text: str, asked: str = question) -> float:
        return kind_fit(answer_kind(asked), text, grades=GradesAsked.of(asked))

    assert grades.wanted is None
    assert fit("Services for children in Eastshire are good.") == fit(
        "Overall effectiveness: Good") == 1.0
    assert fit("Children's services continue to require improvement to be good.") == 1.0
    assert fit("At the last inspection, services were judged to be good.") < 1.0
    assert fit("The building work is good value.") == 0.0  # no copula before the grade
    # "Which area was rated below good?" names an area: the summary's prose does not.
    assert fit("Services for children in Eastshire are good.",
               "Which area of Eastshire's services was rated below good?") < 1.0


def test_an_item_of_what_should_change_does_not_answer_whether_something_is_so(
        tmp_path: Path) -> None:
    """ "Was Ofsted happy with ...?" is answered by the finding, not by the item that names
    the same area under "What needs to improve?"."""
    report = ("EASTSHIRE COUNTY COUNCIL\nInspection of children's social care services\n\n"
              "What needs to improve?\n\n◼ Arrangements for children who go missing from home.\n"
              "\nMain findings\n\nArrangements for children who go missing from home are not "
              "strong enough, and return interviews are late.\n")
    polar, listing = fake_answers(
        tmp_path, {"eastshire-ilacs-2025-03-01.txt": report},
        "Was Ofsted happy with arrangements for children who go missing from home?",
        "What did Ofsted say Eastshire needs to improve for children who go missing from home?")
    assert polar.citations[0].quote.startswith("Arrangements for children who go missing")
    assert "not strong enough" in polar.citations[0].quote
    assert listing.citations[0].quote.startswith("◼")


def test_a_post_holder_asked_by_role_needs_someone_named_in_that_role() -> None:
    """ "Who was Eastshire's lead member?" is not answered by "Lead inspector: A Name": the
    label names another role."""
    question = "Who was Eastshire's lead member for children's services in 2022?"
    texts = ["Lead inspector: Nick Bennison, His Majesty's Inspector",
             "The leader and lead member understand and challenge children's services."]
    assert kind_fit(answer_kind(question), texts[0], asked=Words(word_set(question))) < 1.0
    assert _why_not(question, *texts).startswith("The passages found name no one")
    assert _why_not(question, *texts, "Lead member: Councillor Jane Hill") == ""


def test_a_figure_asked_for_needs_a_figure() -> None:
    question = "What was Eastshire's rate of children on child protection plans per 10,000?"
    count = "How old were the youngest children Eastshire placed in unregistered homes?"
    assert _why_not(count, "Children in care are well supported.") == (
        "The passages found state no figure of what is asked.")
    texts = ["Child protection enquiries are thorough and timely.",
             "Inspection dates: 3 to 7 March 2025"]
    assert _why_not(question, *texts) == "The passages found state no percentage or share."
    assert _why_not(question, *texts, "The rate of children on plans is 48 per 10,000, below "
                                      "similar areas.") == ""


def test_two_places_sharing_one_name_are_both_named() -> None:
    from retriever.query import council_in_question

    councils = ["West Northamptonshire Council", "Eastshire County Council"]
    assert council_in_question("When did Northamptonshire split into West and North "
                               "Northamptonshire?", councils) == "West Northamptonshire Council"


def test_whether_something_improved_is_not_what_should_improve() -> None:
    from retriever.asks import Listing

    assert not isinstance(answer_kind("What was Eastshire judged in 2019, and how quickly did "
                                      "it improve afterwards?"), Listing)
    assert not isinstance(answer_kind("Has Eastshire's front door improved?"), Listing)
    for question in ("What did Ofsted want improved for care leavers in Eastshire?",
                     "What did Ofsted ask Eastshire to improve about life-story work?",
                     "What does Eastshire still need to improve?"):
        assert isinstance(answer_kind(question), Listing), question


def test_should_as_a_condition_states_no_need() -> None:
    kind = answer_kind("What did Ofsted say Eastshire needs to improve?")
    assert kind_fit(kind, "There are no children missing education, although systems are in "
                          "place should this situation change.") < kind_fit(
        kind, "Leaders should ensure that plans are reviewed.")


def test_children_at_risk_is_a_topic_not_a_shortfall() -> None:
    kind = answer_kind("Did inspectors find any problem with return home interviews in Eastshire?")
    praise = ("When return home interviews take place, particularly for children at the highest "
              "risk, high-quality information is gained.")
    shortfall = "Return home interviews are offered, but take-up has stalled."
    assert kind_fit(kind, shortfall) > kind_fit(kind, praise)


def test_a_comparison_with_something_else_is_not_with_an_earlier_record() -> None:
    assert answer_kind("How does the share of Eastshire's children living with family compare "
                       "with the national picture, per the 2019 inspection?") is not LOOKS_BACK
    assert answer_kind("How does Eastshire's 2025 result compare with its previous "
                       "inspection?") is LOOKS_BACK
    # "no longer inadequate" says how things stand against before
    assert kind_fit(LOOKS_BACK, "Services are no longer inadequate.") == 1.0


def test_where_a_record_looks_back_is_found_though_its_words_are_not_the_questions(
        tmp_path: Path) -> None:
    """ "Did X hold on to its judgement?" shares no words with "Since the previous
    inspection in 2019, when services were judged to be outstanding, ... maintained", so the
    record's passages that look back join those its words found."""
    filler = "".join(f"Paragraph {i}. The judgement on provider {i} is held monthly.\n\n"
                     for i in range(200))
    report = ("EASTSHIRE COUNTY COUNCIL\nInspection of children's social care services\n\n"
              + filler + "Since the previous inspection in 2019, when services were judged to "
              "be outstanding, the quality of services has been maintained.\n\n" + filler)
    (answer,) = fake_answers(tmp_path, {"eastshire-ilacs-2024-07-01.txt": report},
                             "Did Eastshire hold on to its judgement in 2024?")
    assert answer.citations[0].quote.startswith("Since the previous inspection in 2019")


def test_two_counts_in_one_phrase_are_both_counts() -> None:
    """ "four DCSs and five assistant directors": the second number counts directors."""
    question = "How many directors of children's services has Eastshire had in a year?"
    assert _why_not(question, "A lack of stable leadership, with four DCSs and five assistant "
                              "directors in the last 12 months, has resulted in drift.") == ""


def test_an_age_is_not_a_count() -> None:
    kind = answer_kind("How many social workers left Eastshire in 2024?")
    assert kind_fit(kind, "Support for children aged 16 and 17 years who present as "
                          "homeless needs to improve.") < 1.0
    assert kind_fit(kind, "Services for 16- and 17-year-olds are weak.") < 1.0
    assert kind_fit(kind, "Twelve social workers left the service.") == 1.0


def test_why_is_answered_by_a_cause() -> None:
    kind = answer_kind("Why were some child protection conferences in Eastshire delayed?")
    cause = ("This is due to the fact that some conferences have been rearranged because "
             "partners did not attend.")
    effect = "Some initial child protection conferences are delayed."
    assert kind_fit(kind, cause) > kind_fit(kind, effect)
    # an item of what should change names an area, it gives no reason
    assert kind_fit(kind, "◼ Timeliness of initial child protection conferences.",
                    "•What needs to improve?") < kind_fit(kind, effect)


def test_forms_of_question_from_set_r() -> None:
    """What a blind set showed: "not get outstanding" sets that grade aside, "what is X
    called" asks for a name, "X's vacancy rate" for a figure, "compounded by" gives a cause."""
    from retriever.grades import GradesAsked
    from retriever.people import Body

    grades = GradesAsked.of("Which area did Eastshire not get outstanding for in 2019, and what "
                            "was the grade?")
    assert grades.wanted is not None and 3 not in grades.wanted
    assert isinstance(answer_kind("What are Eastshire's children in care councils called?"), Body)
    number = answer_kind("What was Eastshire council's social worker vacancy rate in 2019?")
    assert kind_fit(number, "The vacancy rate is 12%.") > kind_fit(
        number, "Vacancy rates have reduced.")
    cause = answer_kind("Why has recruiting social workers been hard for Eastshire?")
    assert kind_fit(cause, "National pressures have been compounded by a legacy of "
                           "reputation.") == 1.0


def test_a_rate_is_stated_as_a_percentage_or_per_so_many() -> None:
    question = "What was Eastshire council's social worker vacancy rate in 2019?"
    texts = ["Social work vacancy rates have reduced and workloads are manageable.",
             "A small number of social workers are supporting over 20 children."]
    assert _why_not(question, *texts) == "The passages found state no percentage or share."
    assert _why_not(question, *texts, "The vacancy rate has fallen to 9%.") == ""
    assert _why_not("What was Eastshire's rate of children on child protection plans?",
                    "There are 48 children on plans per 10,000 children.") == ""


def test_forms_of_question_from_set_s() -> None:
    """What a blind set showed: an earlier grade recalled without a rating verb ("when the
    overall effectiveness was inadequate"); "who was line-managing X's director" asks for
    whoever it was, not for the director by name; "For these reasons, ..." is quoted with the
    reasons."""
    earlier = answer_kind("What overall grade had Eastshire received at the inspection before "
                          "the June 2025 one?")
    assert kind_fit(earlier, "Services have improved since the last inspection in 2021, when the "
                             "overall effectiveness was inadequate.") == 1.0
    assert kind_fit(earlier, "Inspection dates: 9 to 20 June 2025") == 0.0
    assert _why_not("Who was line-managing Eastshire's director of children's services in 2019?",
                    "The DCS was line-managed until recently by a chief operations officer.") == ""


def test_for_these_reasons_is_quoted_with_the_reasons(tmp_path: Path) -> None:
    report = ("EASTSHIRE COUNTY COUNCIL\nInspection of children's social care services\n\n"
              "Overall, children are not experiencing good practice consistently enough across "
              "all services. For these reasons, overall effectiveness requires improvement to be "
              "good.\n")
    (answer,) = fake_answers(tmp_path, {"eastshire-ilacs-2019-11-04.txt": report},
                             "Why did Eastshire's overall effectiveness require improvement?")
    assert answer.citations[0].quote.startswith("Overall, children are not experiencing")


def test_one_of_those_asked_about_is_an_example_not_a_count() -> None:
    question = "How many children were in the care of Eastshire at the time of the inspection?"
    assert _why_not(question, "This has resulted in one child being placed in an unregistered "
                              "children's home.").startswith("The passages found state no count")
    for stated in ("There is only one child in the care of the council.",
                   "At the time of the inspection, 27 children were in care."):
        assert _why_not(question, stated) == "", stated


def test_forms_of_question_from_set_t() -> None:
    """What a blind set showed: "up to the age of 18" counts no one; "when is X's next
    inspection due" needs a date still to come; "needs to respond better" asks what should
    change."""
    from retriever.asks import Listing

    question = "How many children were in care in Eastshire at the time of the 2025 inspection?"
    assert _why_not(question, "The virtual school supports care leavers up to the age of 18 with "
                              "a local offer.").startswith("The passages found state no count")
    due = "When is Eastshire's next full Ofsted inspection of children's services due?"
    assert _why_not(due, "Improvement began following the appointment of the director at the end "
                         "of 2020.") == "The passages found give no date still to come."
    assert _why_not(due, "The next inspection will be carried out within approximately 18 "
                         "months.") == ""
    # "due to" gives a cause, not a date to come
    assert _why_not(due, "Oct 2014 - The review was delayed due to Ofsted's inspection in June "
                         "2014.") == "The passages found give no date still to come."
    assert isinstance(answer_kind("Which children did Ofsted say Eastshire needs to respond "
                                  "better to?"), Listing)


def test_items_sharing_the_questions_words_alike_come_best_first(tmp_path: Path) -> None:
    """Both items name care leavers; the one closer to the question in meaning (here the fake
    embedder's overlap) is quoted first, not the one the record happens to list first."""
    report = _improvements("The quality of pathway plans for care leavers.",
                           "Support for care leavers who are in custody.")
    (answer,) = fake_answers(tmp_path, {"eastshire-ilacs-2025-03-01.txt": report},
                             "What did Ofsted ask Eastshire to improve for care leavers who "
                             "are in prison?")
    assert answer.citations and "custody" in answer.citations[0].quote
    assert any("pathway plans" in c.quote for c in answer.citations[1:])


def test_what_a_thing_is_called_may_be_one_capitalised_word_beside_it() -> None:
    """ "What is it called?" of a framework is answered by "its shared framework Flourish";
    a grade after a label ("children in care: Good") or a month is not a name."""
    kind = answer_kind("Eastshire's partners work to a shared framework for children. What is "
                       "it called?")
    named = "Leaders have embedded the shared partnership framework Flourish across services."
    assert kind_fit(kind, named) == 1.0
    for unnamed in ("The experiences and progress of children in care: Good",
                    "Partners agreed a shared framework in March.",
                    "Partners share a framework that is well understood."):
        assert kind_fit(kind, unnamed) < 1.0, unnamed


def test_a_grade_stated_before_the_question_does_not_make_it_ask_for_one() -> None:
    """ "X got a good grade, but what did Ofsted want done about Y?" asks what should improve:
    a rated field answers the grade it states, not the question. "Which services did Ofsted
    describe as outstanding?" asks which area had that grade."""
    field = "The experiences and progress of care leavers: Good"
    item = "◼ The strategic needs analysis of children at risk of extra-familial harm."
    stated = ("Eastshire got a good grade, but what did Ofsted want done about children harmed "
              "outside the home?")
    kind = answer_kind(stated)
    heading = "What needs to improve?"
    assert kind_fit(kind, item, heading=heading) > kind_fit(kind, field)
    rated = answer_kind("Eastshire got a good grade, but which area got the top grade?")
    assert kind_fit(rated, field) > kind_fit(rated, item)
    described = answer_kind("Which Eastshire services did Ofsted describe as outstanding in "
                            "2022?")
    assert kind_fit(described, "Overall effectiveness: Outstanding") == 1.0
    assert kind_fit(described, "Leaders have a clear plan for children.") < 1.0
    # "as good practice" names a thing the question asks about, not a grade.
    assert answer_kind("What did Ofsted describe as good practice?") is not rated


def test_whether_every_area_had_a_grade_is_answered_by_an_area_that_did_not() -> None:
    """ "X got outstanding - was every area outstanding?" is answered by the area graded
    otherwise; "Were its care leavers services inadequate too?" by the area's grade, whatever
    it is."""
    from retriever.grades import GradesAsked

    every = GradesAsked.of("Eastshire got outstanding in 2025 - was every area outstanding?")
    assert every.fit("The experiences and progress of care leavers: Good") == 1.0
    assert every.fit("The experiences and progress of children in care: Outstanding") < 1.0
    too = GradesAsked.of("Eastshire was inadequate overall. Were its care leavers services "
                         "inadequate too?")
    assert too.fit("The experiences and progress of care leavers: Good") == 1.0


def test_needing_more_of_something_asks_what_should_improve() -> None:
    kind = answer_kind("Where did Ofsted say Eastshire needs more capacity in 2019?")
    item = "◼ Capacity within the early help and contact and assessment services."
    assert kind_fit(kind, item, heading="What needs to improve?") > kind_fit(
        kind, "Leaders have increased capacity in the front door team.")


def test_a_clause_stating_the_past_or_a_grade_first_leaves_the_question_its_own() -> None:
    """What a question states before it asks ("X had been judged inadequate before.") does not
    send it to an earlier record; "Did its care leavers reach the same grade?" asks for a
    grade."""
    from retriever.asks import asks_back

    now = answer_kind("Eastshire had been judged as needing improvement before. In the 2024 "
                      "inspection, how was its help and protection graded?")
    assert kind_fit(now, "Overall effectiveness: Good") == 1.0 and not asks_back(now)
    assert asks_back(answer_kind("How was Eastshire graded at its previous inspection?"))
    same = answer_kind("Eastshire was judged good overall in 2020. Did its services for care "
                       "leavers reach the same grade?")
    assert kind_fit(same, "The experiences and progress of care leavers: Good") == 1.0
    anything = answer_kind("Eastshire got top grades in 2023. Was there anything at all Ofsted "
                           "said it still needed to improve?")
    assert kind_fit(anything, "Overall effectiveness: Outstanding") < 1.0


def test_a_sum_asked_for_by_its_name_is_not_answered_without_one() -> None:
    from retriever.lacking import lacks_money

    texts = ["Care leavers are exempt from council tax until they are 25."]
    assert lacks_money("What Band D council tax did Eastshire charge for 2024-25?", texts)
    assert lacks_money("What was Eastshire County Council's total children's services budget "
                       "in pounds for 2023-24?", texts)
    assert not lacks_money("What council tax issue did inspectors raise for care leavers?",
                           texts)
    assert not lacks_money("What Band D council tax did Eastshire charge for 2024-25?",
                           ["Band D council tax is £1,850.12 for 2024-25."])


def test_how_well_something_is_done_is_answered_by_a_verdict_on_it() -> None:
    """ "How good was X at ...?" is answered where the record judges the thing in its predicate
    ("... is particularly weak", "receive robust support"), before a sentence that only holds
    a word of praise or blame in passing."""
    question = "How good was Eastshire at spotting children living in private fostering?"
    kind = answer_kind(question)
    verdict = "Services to identify children who are privately fostered are under developed."
    passing = "Leaders know that children who are privately fostered need a thorough " \
              "assessment of need."
    plain = "Leaders have appointed a dedicated worker for private fostering."
    assert kind_fit(kind, verdict) > kind_fit(kind, passing) > kind_fit(kind, plain)
    assert kind_fit(kind, "Children at risk of exploitation receive robust, intensive support "
                          "from the team.") == kind_fit(kind, verdict)


def test_a_passage_that_opens_on_a_sub_item_marked_with_a_minus_sign_continues_the_list() -> None:
    """Sub-items printed with a minus sign ("− access for young people to ...") are items
    too: a passage opening on one still continues "What needs to improve"."""
    before = IMPROVE + "\n◼ Services to care leavers, including:\n\n"
    item = "◼ The consideration of child protection medicals."
    passage = ("− access for young people to their health histories.\n\n"
               f"◼ The quality of social work practice.\n\n{item}\n")
    assert listed_under(passage, "Front page", item, passage.index(item), before) == \
        "•What needs to improve?"


def test_why_is_answered_by_what_a_plural_cause_means() -> None:
    """ "Staff vacancies and turnover mean that ..." states a cause as "X means that ..." does."""
    kind = answer_kind("Why were so many placements with family carers in Eastshire not "
                       "assessed?")
    cause = ("Staff vacancies and turnover mean that a high number of connected carer "
             "placements are unassessed.")
    assert kind_fit(kind, cause) > kind_fit(kind, "A high number of connected carer "
                                                  "placements are unassessed.")


def test_how_a_number_changed_is_answered_by_how_it_moved() -> None:
    kind = answer_kind("What did Ofsted say in 2020 about how the number of children educated "
                       "at home in Eastshire had changed?")
    moved = ("The number of children who are electively home educated has increased rapidly "
             "over the past 18 months.")
    judged = "Effective systems are now in place to engage with parents who educate at home."
    assert kind_fit(kind, moved) > kind_fit(kind, judged)


def test_whether_there_were_any_is_answered_where_the_record_says_there_were_or_not() -> None:
    kind = answer_kind("Were there any unfilled social worker posts in Eastshire at the time of "
                       "the 2026 inspection?")
    said = ("Their focus on stabilising the workforce has resulted in there being no social "
            "worker vacancies.")
    near = "Social workers and carers support an increasing stability for children."
    assert kind_fit(kind, said) > kind_fit(kind, near)
    # a question that asks for shortfalls keeps asking for them
    worries = answer_kind("Were there any worries about how Eastshire responds when children "
                          "go missing?")
    assert kind_fit(worries, "Return home interviews are not timely.") == 1.0
