"""What exactly a question asks for, beyond its kind: a grade placed on the scale ("below
good", "lower than that"), one judgement area rather than the overall one, a date in the year
the question gives, a degree of change rather than an amount; and when the best sentences
cannot answer because none states the count or the named person asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from retriever.asks import answer_kind
from retriever.fit import kind_fit
from retriever.grades import GradesAsked, scale_words
from retriever.lacking import lacks_asked
from retriever.vocabulary import Words, word_set
from tests.fakes import fake_answers

AREAS = ("The impact of leaders on social work practice with children and families: Good",
         "The experiences and progress of children who need help and protection: Outstanding",
         "The experiences and progress of children in care: Requires improvement to be good",
         "Overall effectiveness: Good")


@pytest.mark.parametrize(("question", "answer"), [
    ("Which area of Eastshire's services was rated below good in 2023?", AREAS[2]),
    ("Eastshire was rated good. Was any judgement area graded higher than that?", AREAS[1]),
    ("Which judgement area was rated outstanding?", AREAS[1]),
    ("Which of Eastshire's services was not rated good or outstanding?", AREAS[2]),
    ("Which judgement did Eastshire receive outstanding for in June 2023?", AREAS[1]),
])
def test_a_grade_placed_on_the_scale_picks_the_fields_giving_it(question: str,
                                                                answer: str) -> None:
    kind, grades = answer_kind(question), GradesAsked.of(question)
    fits = {field: kind_fit(kind, field, grades=grades) for field in AREAS}
    assert max(fits, key=fits.__getitem__) == answer
    assert sum(f == 1.0 for f in fits.values()) == 1


def test_a_grade_stated_before_the_question_is_not_the_one_asked_for() -> None:
    question = ("Eastshire was rated good overall in 2024 - what grade did Ofsted give its "
                "services for children in care?")
    grades = GradesAsked.of(question)
    assert grades.wanted is None
    assert kind_fit(answer_kind(question), AREAS[2], grades=grades) == 1.0


def test_asked_which_area_the_overall_judgement_answers_less_well() -> None:
    question = "In Eastshire's 2024 inspection, which judgement area was found inadequate?"
    kind, grades = answer_kind(question), GradesAsked.of(question)
    area = kind_fit(kind, "The experiences and progress of care leavers: Inadequate",
                    grades=grades)
    overall = kind_fit(kind, "Overall effectiveness: Inadequate", grades=grades)
    assert area == 1.0 and overall < area
    # Asked for the overall judgement, it answers fully.
    question = "What overall judgement did Eastshire get in 2024?"
    assert kind_fit(answer_kind(question), "Overall effectiveness: Inadequate",
                    grades=GradesAsked.of(question)) == 1.0


def test_the_words_that_compare_grades_are_not_looked_for_in_the_record() -> None:
    assert {"lower", "than", "that", "graded", "rated"} <= scale_words(
        "Eastshire was rated outstanding. Was any judgement area graded lower than that?")
    assert scale_words("What did inspectors find about the lower school?") == set()


def test_when_asked_about_a_dated_event_a_date_in_another_year_answers_less_well() -> None:
    question = "When was the 2019 Ofsted inspection of Eastshire's children's services carried out?"
    kind, asked = answer_kind(question), Words(word_set(question))
    field = kind_fit(kind, "Inspection dates: 17 to 28 June 2019", asked=asked)
    other = kind_fit(kind, "At the Ofsted monitoring visit in December 2018, this was not "
                           "operational.", asked=asked)
    assert field > other
    # A year the question starts from does not date the answer.
    question = "When did Eastshire open its hub, according to the 2019 inspection?"
    from retriever.dates import reference_dates
    assert kind_fit(answer_kind(question), "The hub opened in March 2017.",
                    asked=Words(word_set(question)), known=reference_dates(question)) > 0.5


@pytest.mark.parametrize("question", [
    "How much had Eastshire's children's services improved by 2019 compared with 2016?",
    "How much have Eastshire's services improved since they were last inspected?",
    "How much progress had Eastshire made since the focused visit?",
])
def test_how_much_something_changed_asks_for_no_amount(question: str) -> None:
    from retriever.kinds import LOOKS_BACK

    # no amount: nothing in particular, or where a record looks back to the earlier one
    assert answer_kind(question) in (None, LOOKS_BACK)
    assert answer_kind("How much money was spent on developing the new hub?") is not None


def test_a_count_asked_for_and_stated_by_none_of_the_best_sentences_is_not_found() -> None:
    question = "How many social workers did Eastshire employ in July 2025?"
    kind, asked = answer_kind(question), Words(word_set(question))
    texts = ["Inspection dates: 14 to 18 July 2025",
             "Social workers are well supported by the academy."]
    fits = [kind_fit(kind, t, asked=asked) for t in texts]
    assert lacks_asked(question, texts, fits) == ("The passages found state no count of what "
                                                  "is asked.")
    texts.append("The council employs 120 social workers.")
    fits.append(kind_fit(kind, texts[-1], asked=asked))
    assert lacks_asked(question, texts, fits) == ""


def test_which_councillor_needs_a_person_named_not_a_role_or_a_service() -> None:
    question = "Which councillor was Eastshire's cabinet member for children in 2025?"
    kind, asked = answer_kind(question), Words(word_set(question))
    texts = ["The portfolio member is described by staff as working miracles.",
             "Children referred to the Family Support and Advice Line, Eastshire's front door, "
             "receive a timely response.",
             "Lead inspector: Sarah Canto, His Majesty's Inspector"]
    fits = [kind_fit(kind, t, asked=asked) for t in texts]
    assert lacks_asked(question, texts, fits).startswith("The passages found name no one")
    texts.append("Councillor Jane Hill is the cabinet member for children.")
    fits.append(kind_fit(kind, texts[-1], asked=asked))
    assert lacks_asked(question, texts, fits) == ""
    # "Who chairs ...?" may be answered by a role.
    assert lacks_asked("Who chairs Eastshire's corporate parenting board?", texts[:1],
                       fits[:1]) == ""


def test_a_grade_asked_below_another_is_answered_from_the_table(tmp_path: Path) -> None:
    """ "Was any area graded lower than that?": the grade is placed by the one the question
    names first, and the table answers with the one field below it."""
    table = "\n".join(("The impact of leaders on social work practice with children and "
                       "families: Outstanding",
                       "The experiences and progress of children in care: Outstanding",
                       "The experiences and progress of care leavers: Good",
                       "Overall effectiveness: Outstanding"))
    (result,) = fake_answers(tmp_path, {"eastshire-inspection-2025-03-21.txt": (
        "Eastshire County Council\nInspection of local authority children's services\n\n"
        "Judgement\n\n" + table + "\n\nChildren in Eastshire receive exceptional services.\n")},
        "Eastshire was rated outstanding in 2025. Was any judgement area graded lower than that?")
    assert not result.abstained
    assert result.citations[0].quote == "The experiences and progress of care leavers: Good"


@pytest.mark.parametrize(("question", "grades", "answer"), [
    ("Which part of Eastshire's children's services got the top grade in 2025?",
     ("Good", "Outstanding", "Good", "Good"), "children in care: Outstanding"),
    ("Eastshire was judged inadequate overall in 2025 – did any area get a better grade?",
     ("Inadequate", "Inadequate", "Requires improvement to be good", "Inadequate"),
     "care leavers: Requires improvement to be good"),
])
def test_a_grade_placed_by_a_comparison_or_the_end_of_the_scale_is_answered_from_the_table(
        tmp_path: Path, question: str, grades: tuple[str, ...], answer: str) -> None:
    labels = ("The impact of leaders on social work practice with children and families",
              "The experiences and progress of children in care",
              "The experiences and progress of care leavers", "Overall effectiveness")
    table = "\n".join(f"{label}: {grade}" for label, grade in zip(labels, grades, strict=True))
    (result,) = fake_answers(tmp_path, {"eastshire-inspection-2025-03-21.txt": (
        "Eastshire County Council\nInspection of local authority children's services\n\n"
        "Judgement\n\n" + table + "\n\nLeaders know their services well.\n")}, question)
    assert GradesAsked.of(question).wanted is not None
    assert result.citations[0].quote.startswith("The experiences and progress of ")
    assert result.citations[0].quote.endswith(answer)


def test_a_number_inside_a_compound_or_a_name_counts_nothing() -> None:
    question = "How many agency social workers was Eastshire employing in December 2023?"
    texts = ["Eastshire shares learning via seven-minute briefings with social workers.",
             "The effects of COVID-19 impacted significantly on families.",
             "Support for 16- and 17-year-olds who present as homeless is effective."]
    assert lacks_asked(question, texts, [1.0] * 3).startswith("The passages found state no "
                                                              "count")
    assert lacks_asked(question, [*texts, "Eastshire employed 44 agency social workers."],
                       [1.0] * 4) == ""
    average = "What was the average number of cases held per social worker in Eastshire?"
    assert lacks_asked(average, texts, [1.0] * 3).startswith("The passages found state no")


def test_a_share_asked_for_needs_a_percentage_or_a_fraction() -> None:
    question = "What percentage of pupils in Eastshire achieved grade 4 in GCSE maths in 2025?"
    texts = ["Most children in care attend school regularly and make good progress."]
    assert lacks_asked(question, texts, [0.5]) == ("The passages found state no percentage "
                                                   "or share.")
    for stated in ("Around 56% of pupils achieved grade 4.", "Over half of pupils did so.",
                   "Four in five care leavers are in education."):
        assert lacks_asked(question, [*texts, stated], [0.5, 0.5]) == ""


def test_a_name_in_quotes_or_a_sum_named_after_a_long_subject_are_read_as_such() -> None:
    question = "Which councillor was Eastshire's cabinet member for children in 2019?"
    kind = answer_kind(question)
    assert kind_fit(kind, "Social workers use the strengths-based model, the ‘Eastshire "
                          "Approach’, to plan with families.") < 1.0
    assert lacks_asked("What was Eastshire City Council's total children's services budget "
                       "for 2018/19, and did it overspend?",
                       ["Eastshire has waived council tax for care leavers."], [0.5]) == (
        "The passages found state no sum of money.")


def test_more_forms_of_who_how_old_and_not_a_grade() -> None:
    from retriever.asks import _PERSON

    assert answer_kind("Which HMI led the 2021 inspection of Eastshire?") is _PERSON
    kind = answer_kind("At what age do Eastshire's children in care first meet their adviser?")
    assert kind_fit(kind, "Young people meet their PA at the age of 15 years and nine "
                          "months.") > kind_fit(kind, "Personal advisers are dedicated.")
    question = ("Eastshire was rated outstanding overall in 2020 - which judgement area was not "
                "outstanding and what grade did it get?")
    grades = GradesAsked.of(question)
    assert kind_fit(answer_kind(question), AREAS[0], grades=grades) == 1.0
    assert kind_fit(answer_kind(question), AREAS[1], grades=grades) < 1.0


def test_asked_for_the_current_rating_a_rating_placed_in_the_past_answers_less() -> None:
    kind = answer_kind("Eastshire was judged inadequate in 2023 - was any judgement area "
                       "graded better than that?")
    past = kind_fit(kind, "Since the last inspection in June 2018, when services were judged "
                          "to be good overall, the quality of practice has declined.")
    now = kind_fit(kind, "Services for care leavers are judged to require improvement.")
    assert past < now < kind_fit(kind, "The experiences and progress of care leavers: "
                                       "Requires improvement to be good")


@pytest.mark.parametrize("question", [
    "What did inspectors find about Eastshire's support for young carers in 2024?",
    "What did the 2020 Ofsted report say about life-story work in Eastshire?",
    "How well does Eastshire support homeless 16- and 17-year-olds?",
])
def test_asked_what_inspectors_found_a_judgement_answers_better_than_a_description(
        question: str) -> None:
    kind = answer_kind(question)
    judged = kind_fit(kind, "Life-story work is a strength and area of exceptional practice.")
    weak = kind_fit(kind, "The response to homeless young people is not effective.")
    described = kind_fit(kind, "Life-story work is collated to help babies and young children.")
    assert judged > described and weak > described


def test_a_report_is_found_by_the_year_it_was_published_as_well_as_inspected(
        tmp_path: Path) -> None:
    """Fieldwork in December 2021, report published in February 2022: "its 2022 report"
    names it, and is not told that nothing from 2022 was found."""
    import json

    result, later = fake_answers(tmp_path, {
        "eastshire-inspection.txt": (
            "Eastshire Council\nInspection of children's services\n"
            "Inspection dates: 6 to 17 December 2021\n\n"
            "Too many children are still re-referred to the service following earlier "
            "assessment and intervention.\n"),
        "eastshire-inspection.txt.meta.json": json.dumps(
            {"council": "Eastshire Council", "date": "2021-12-17", "published": "2022-02-11",
             "doc_type": "inspection"})},
        "What problem with repeat referrals did Ofsted raise about Eastshire in its 2022 report?",
        "What did Eastshire's 2023 report say about re-referrals?")
    assert not result.abstained and "re-referred" in result.citations[0].quote
    assert later.abstained and "Nothing found from 2023" in later.answer


def test_the_name_of_a_member_asks_for_a_person() -> None:
    question = "What is the name of Eastshire's cabinet member for children, and their party?"
    assert lacks_asked(question, ["Scrutiny is in place through committees and cabinet "
                                  "meetings."], [0.0]).startswith("The passages found name no")
    assert answer_kind("What is the name of Eastshire's children in care council?") is None


@pytest.mark.parametrize("question", [
    "Eastshire got outstanding overall in 2020, but how was its work with children in care "
    "graded?",
    "Eastshire was rated outstanding overall in 2024 – what grade did Ofsted give its services "
    "for children in care?",
])
def test_stating_the_overall_grade_first_asks_about_another_area(question: str) -> None:
    kind, grades = answer_kind(question), GradesAsked.of(question)
    care = "The experiences and progress of children in care: Good"
    assert kind_fit(kind, care, grades=grades) > kind_fit(kind, "Overall effectiveness: "
                                                                "Outstanding", grades=grades)


def test_which_part_did_ofsted_judge_and_a_hyphenated_span_of_time() -> None:
    question = "Which part of Eastshire's services did Ofsted judge inadequate in 2023?"
    kind, grades = answer_kind(question), GradesAsked.of(question)
    assert kind_fit(kind, "The experiences and progress of care leavers: Inadequate",
                    grades=grades) > kind_fit(kind, "Overall effectiveness: Inadequate",
                                              grades=grades)
    wait = answer_kind("How long were some Eastshire children waiting for mental health help?")
    assert kind_fit(wait, "Following triage, two-year waiting times are not uncommon.") == 1.0


def test_a_question_naming_one_rated_area_is_not_answered_by_the_overall_grade() -> None:
    from retriever.grades import names_an_area

    ignore = {"eastshire", "children", "services", "inspection"}
    assert names_an_area("How did Ofsted grade leadership in Eastshire in 2021?", AREAS, ignore)
    assert names_an_area("How was Eastshire's work with children in care judged?", AREAS,
                         ignore)
    # Children and young people in general, or the overall grade asked outright: no one area.
    assert not names_an_area("How did Ofsted rate Eastshire's services for children and young "
                             "people?", AREAS, ignore)
    assert not names_an_area("How good is Eastshire's care for children overall?", AREAS,
                             ignore)


def test_a_stage_an_age_or_a_span_of_time_is_not_a_count_unless_time_is_asked() -> None:
    texts = ["Achievement is better than average at key stages 2 and 4.",
             "Most decisions are made within 24 hours.",
             "Under half were completed in the first seven months of 2018."]
    question = "How many children were subject to child protection plans in Eastshire in 2018?"
    assert lacks_asked(question, texts, [1.0] * 3).startswith("The passages found state no")
    assert lacks_asked("What is the average caseload per social worker in Eastshire?", texts,
                       [1.0] * 3).startswith("The passages found state no")
    assert lacks_asked("How many hours did decisions take in Eastshire?", texts,
                       [1.0] * 3) == ""


def _report(dates: str, grade: str, since: str) -> str:
    """An Eastshire inspection report: its dates, overall grade and progress since the last."""
    return (f"Eastshire Council\nInspection of local authority children's services\n"
            f"Inspection dates: {dates}\n\nOverall effectiveness: {grade}\n\n"
            f"Since the last inspection, the local authority {since}.\n")


def test_a_later_visit_asked_about_needs_a_record_of_that_visit(tmp_path: Path) -> None:
    later, found = fake_answers(tmp_path, {"eastshire-inspection-2023-03-10.txt": _report(
        "6 to 10 March 2023", "Inadequate", "has not made sufficient progress")},
        "Has Ofsted carried out a monitoring visit to Eastshire since the March 2023 "
        "inspection, and what did it find?",
        "What did Ofsted find about Eastshire's progress since the last inspection?")
    assert later.abstained and "No monitoring visit after the records found" in later.answer
    assert not found.abstained


def test_who_runs_a_service_may_be_a_body_not_only_a_person() -> None:
    question = "Who actually delivers children's social care on behalf of Eastshire?"
    kind = answer_kind(question)
    assert kind_fit(kind, "Lead inspector: Maire Atherton, Her Majesty's Inspector") < \
        kind_fit(kind, "Children's social care is delivered by Achieving for Children.")


def test_whose_findings_are_asked_for_is_not_what_they_are_about() -> None:
    from retriever.asks import asked_of

    assert asked_of("What did inspectors find about social worker caseloads in Kent?") == {
        "inspectors"}
    assert asked_of("What did Ofsted's 2019 inspection say about life-story work?") == {
        "ofsted", "2019", "inspection"}
    assert asked_of("How well does Eastshire support care leavers?") == set()


def test_one_of_a_thing_or_a_figure_in_brackets_is_a_count() -> None:
    question = "How many Eastshire children were living in unregistered children's homes?"
    texts = ["One child was living in an unregistered children’s home."]
    assert lacks_asked(question, texts, [1.0]) == ""
    centres = "How many children's centres has Eastshire kept?"
    assert lacks_asked(centres, ["Eastshire has kept most of its children’s centres (48)."],
                       [1.0]) == ""
    assert lacks_asked(question, ["One of the homes is not registered."],
                       [1.0]).startswith("The passages found state no count")


def test_a_count_must_count_what_is_asked_or_be_about_the_rest_of_the_question() -> None:
    in_care = "How many children were in the care of Eastshire at the time of its inspection?"
    assert lacks_asked(in_care, ["This work is enhanced by input from two specialist workers.",
                                 "Young people continue to receive support over 21, either "
                                 "through their allocated workers or the hub."],
                       [0.5, 0.5]).startswith("The passages found state no count")
    assert lacks_asked(in_care, ["There are 286 children in care."], [1.0]) == ""
    homes = "How many households are on Eastshire's social housing waiting list?"
    assert lacks_asked(homes, ["Planning ensures that no children are waiting to be adopted."],
                       [0.5]).startswith("The passages found state no count")
    # Records name the counted people in other words; a count in a sentence on the rest of
    # the question still answers.
    assert lacks_asked("How many Eastshire care leavers were doing apprenticeships?",
                       ["Eight young people are supported by local businesses in "
                        "apprenticeships."], [1.0]) == ""
    # One word of the rest of the question ("care") does not make a sentence about it.
    assert lacks_asked("How many new council homes has Eastshire built for care leavers?",
                       ["An increase in the number of young people over 16 requiring care "
                        "placements presents a significant challenge."],
                       [0.5]).startswith("The passages found state no count")
    # Asked whether a count worried inspectors, a judgement of it answers without a figure.
    assert lacks_asked("Were inspectors concerned about how many Eastshire care leavers are in "
                       "education, employment or training?",
                       ["The proportion of care leavers in education is lower than "
                        "comparators."], [0.5]) == ""
    # "No child slips through the net" is an idiom, not a count of the home educated.
    assert lacks_asked("How many children in Eastshire were electively home educated?",
                       ["Strong monitoring ensures that no child in their care slips through "
                        "the net."], [0.5]).startswith("The passages found state no count")
    # An average per worker counts caseloads: "two designated workers" does not give it.
    average = ("What is the average caseload per social worker in Eastshire, and how does it "
               "compare with the London average?")
    assert lacks_asked(average, ["The presence of two designated workers within the team "
                                 "ensures a joined-up transition."],
                       [0.5]).startswith("The passages found state no count")
    assert lacks_asked(average, ["Social workers have manageable caseloads of 15 children."],
                       [1.0]) == ""
    assert lacks_asked("How many young carers had Eastshire identified?",
                       ["No children have been identified as young carers in the last year."],
                       [1.0]) == ""


def test_a_percentage_asked_is_not_given_by_the_majority() -> None:
    texts = ["The majority of children in care make good progress at school."]
    assert lacks_asked("What percentage of Eastshire's children in care achieved grade 4 in "
                       "GCSE maths?", texts, [0.5]).startswith("The passages found state no "
                                                                 "percentage")
    assert lacks_asked("What proportion of Eastshire's children in care make good progress?",
                       texts, [0.5]) == ""


@pytest.mark.parametrize("question", [
    "What did Ofsted say needs to get better for Eastshire children who go missing?",
    "What should Eastshire do better for care leavers?",
    "What did Ofsted say Eastshire should work on around culture and families?",
    "What did Ofsted tell Eastshire it needed to speed up for children in care?",
    "What does Eastshire still need to sort out after its 2022 inspection?"])
def test_what_needs_to_get_better_asks_for_the_improvements_listed(question: str) -> None:
    assert type(answer_kind(question)).__name__ == "Listing"
    from retriever.kinds import LOOKS_BACK

    # a change found since a record, not a change needed
    assert answer_kind("Has Eastshire got better since its last inspection?") is LOOKS_BACK


def test_the_next_visit_after_a_record_needs_a_record_made_after_it(tmp_path: Path) -> None:
    later, earlier, expected, again, again_earlier = fake_answers(
        tmp_path, {"eastshire-inspection-2025-01-29.txt": _report(
                       "2 to 6 December 2024", "Good", "has maintained good services"),
                   "eastshire-inspection-2021-04-20.txt": _report(
                       "8 to 12 March 2021", "Good", "has improved services")},
        "When did Ofsted next visit Eastshire after the December 2024 inspection?",
        "When did Ofsted next visit Eastshire after the 2021 inspection?",
        "When is the next inspection of Eastshire due after the December 2024 inspection?",
        "Has Eastshire been re-inspected since 2024, and did it stay good?",
        "Has Eastshire been re-inspected since 2021, and did it stay good?")
    assert later.abstained and "No visit after the records found" in later.answer
    assert not earlier.abstained
    assert "No visit after" not in expected.answer
    assert again.abstained and "No visit after the records found" in again.answer
    assert "No visit after" not in again_earlier.answer


def test_what_someone_in_a_role_said_needs_a_passage_that_mentions_the_role() -> None:
    question = "What did Eastshire's cabinet member for children say about the 2024 result?"
    texts = ["Leaders have a clear understanding of the quality of practice."]
    assert lacks_asked(question, texts, [0.5]) == ("The passages found do not mention the "
                                                   "cabinet member.")
    assert lacks_asked(question, [*texts, "The cabinet member for children said the council "
                                          "accepted every finding."], [0.5, 0.5]) == ""
    assert lacks_asked("What did inspectors say about the director's leadership?", texts,
                       [0.5]) == ""
    leader = ["Leaders have recognised that the service structure no longer works well."]
    assert lacks_asked("Who is the current leader of Eastshire Council?", leader,
                       [0.5]).endswith("do not mention the leader.")
    assert lacks_asked("Who is the leader of Eastshire Council?", [
        "Councillor Ann Smith, the leader of the council, chairs the board."], [1.0]) == ""


def test_the_record_of_the_year_asked_answers_before_a_later_one_recalling_it(
        tmp_path: Path) -> None:
    """A 2024 report that recalls "the last inspection in July 2019" is not the 2019
    inspection: asked for the 2019 grade, the 2019 report's table answers."""
    later = _report("1 to 5 July 2024", "Good", "has improved since the last inspection in "
                    "July 2019, when services required improvement")
    result, = fake_answers(
        tmp_path, {"eastshire-inspection-2019-08-27.txt": _report(
                       "8 to 19 July 2019", "Requires improvement to be good",
                       "has made progress in help and protection"),
                   "eastshire-inspection-2024-08-20.txt": later},
        "What overall judgement did Eastshire get in its July 2019 inspection?")
    assert result.citations[0].quote == "Overall effectiveness: Requires improvement to be good"


def test_a_year_that_starts_a_range_is_not_the_year_asked_about() -> None:
    from retriever.query import understand
    from retriever.results import Filters

    u = understand("How much has Eastshire improved since 2019, according to the 2024 report?",
                   [], {}, Filters())
    assert (u.implied.since, u.years) == ("2019-01-01", ["2024"])
    assert understand("What changed between 2019 and 2023?", [], {}, Filters()).years == []


def test_a_sentence_ending_on_need_to_states_no_need_to_improve() -> None:
    kind = answer_kind("What did Ofsted say Eastshire needs to do about homes for children?")
    assert kind_fit(kind, "Children come into care when they need to.") < 0.5
    assert kind_fit(kind, "Leaders need to increase the number of local homes.") >= 0.8


def test_an_abbreviation_no_passage_mentions_short_or_in_full_is_not_found() -> None:
    from retriever.lacking import unmentioned_abbreviation

    passages = ["Most children in care attend school regularly and make good progress.",
                "Referrals to the multi-agency safeguarding hub are handled quickly.",
                "Inspection of local authority children's services",
                "Lead inspector: A Name, His Majesty's Inspector"]
    assert unmentioned_abbreviation("What were the GCSE results for pupils in Eastshire?",
                                    passages) == "The passages found do not mention GCSE."
    passages.append("Plans for a child in need are reviewed monthly.")
    for question in ("How quickly does the MASH respond?", "How often are CIN plans reviewed?",
                     "Which HMI led the ILACS inspection of Eastshire?",
                     "Were care leavers placed in B&Bs?",
                     "WHAT DID OFSTED SAY ABOUT SCHOOLS?"):
        assert unmentioned_abbreviation(question, passages) == "", question
    # the question says what it means beside it, as the report does without the letters
    passages.append("The designated officer position is not held at the right level.")
    for question in ("What was wrong with the designated officer (LADO) arrangements?",
                     "Is the LADO (designated officer) independent enough?"):
        assert unmentioned_abbreviation(question, passages) == "", question
    assert unmentioned_abbreviation("What did the deputy officer (DLO) say?", passages) == \
        "The passages found do not mention DLO."


def test_asked_about_an_abbreviation_the_records_never_mention_the_answer_is_not_found(
        tmp_path: Path) -> None:
    text = ("Eastshire County Council\nInspection of local authority children's services\n\n"
            "Education\n\nMost children in care attend school regularly and make good progress "
            "in their learning. The virtual school tracks the progress of every pupil.\n")
    gcse, school = fake_answers(tmp_path, {"eastshire-inspection-2025-03-21.txt": text},
                                "What were the GCSE results for pupils in Eastshire schools?",
                                "How well do Eastshire's children in care do at school?")
    assert gcse.abstained and "do not mention GCSE" in gcse.answer
    assert not school.abstained and school.citations
