"""What blind sets of questions (U, V and later ones) showed about the forms of questions: what a
record may not answer (a grade asked of a year no record is from, a post's holder it does not
name, a date still to come, things it never grades) and what a question asks for ("the
average length of X", "what's X called", "told to work on", "graded lower")."""

from __future__ import annotations

from pathlib import Path

from retriever.asks import answer_kind
from retriever.dates import DURATION
from retriever.fit import kind_fit
from retriever.vocabulary import Words, word_set
from tests.fakes import fake_answers
from tests.fakes import why_not as _why_not

REPORT = ("EASTSHIRE COUNTY COUNCIL\nInspection of children's social care services\n"
          "Inspection dates: 5 November 2018 to 16 November 2018\n\n"
          "Overall effectiveness: Requires improvement to be good\n\n"
          "Since the last full inspection in 2014, a range of services have improved for "
          "children. Leaders know their services well and act on what they find.\n")


def test_a_grade_asked_of_a_year_no_record_is_from_is_not_found(tmp_path: Path) -> None:
    earlier, own = fake_answers(
        tmp_path, {"eastshire-ilacs-2018-11-16.txt": REPORT},
        "What overall grade did Eastshire receive at its 2014 inspection?",
        "What overall grade did Eastshire receive at its 2018 inspection?")
    # The 2018 report's own verdict is not the 2014 grade, though it mentions 2014.
    assert earlier.abstained
    assert "no grade from 2014" in earlier.answer
    assert not own.abstained
    assert own.citations[0].quote == "Overall effectiveness: Requires improvement to be good"


def test_a_later_record_that_names_the_year_beside_a_grade_gives_it(tmp_path: Path) -> None:
    recalled = REPORT.replace("a range of services have improved",
                              "when services were judged inadequate, a range have improved")
    (answer,) = fake_answers(tmp_path, {"eastshire-ilacs-2018-11-16.txt": recalled},
                             "What overall grade did Eastshire receive at its 2014 inspection?")
    assert not answer.abstained
    assert any("2014" in c.quote and "inadequate" in c.quote for c in answer.citations)


def test_no_longer_is_not_a_count_of_none() -> None:
    question = "How many children were in Eastshire's care at the time of the 2024 inspection?"
    assert _why_not(question, "When children can no longer safely remain with their families, "
                              "children come into care at the right time.").startswith(
        "The passages found state no count")
    assert _why_not(question, "No children in care are placed in unregistered homes.") == ""


def test_the_average_length_of_something_is_a_span_of_time() -> None:
    question = "What was the average length of care proceedings in Eastshire in 2018?"
    assert answer_kind(question) is DURATION
    stated = ("There is more to do to reduce the average length of care proceedings, which was "
              "44 weeks at the time of the inspection.")
    assert _why_not(question, stated) == ""


def test_forms_of_question_from_set_v() -> None:
    from retriever.asks import Listing, asked_of
    from retriever.grades import GradesAsked
    from retriever.kinds import LOOKS_BACK, unmentioned_kind
    from retriever.people import Body

    assert isinstance(answer_kind("What's Eastshire's children in care council called?"), Body)
    assert isinstance(answer_kind("Eastshire did well overall, but what were they told to work "
                                  "on for care leavers?"), Listing)
    assert isinstance(answer_kind("What did Ofsted want Eastshire to sort out?"), Listing)
    lower = "Eastshire was rated good overall in 2022, but was any part graded lower?"
    assert GradesAsked.of(lower).wanted == {0, 1}  # inadequate, requires improvement
    assert answer_kind("How does Eastshire's 2024 inspection result compare with the one before "
                       "it?") is LOOKS_BACK
    # "inspectors said" says whose words, not what about
    assert asked_of("When did X start its advice line, the one inspectors said gave poor "
                    "advice?") == {"inspectors"}
    # "review" as a verb names no kind of record
    assert unmentioned_kind("What did care leavers get after helping review the local offer?",
                            ["Care leavers helped to shape the local offer."]) == ""


def test_a_precise_span_of_time_answers_how_long_before_a_vague_one() -> None:
    question = "How long were Eastshire families waiting for early help in 2019?"
    kind, asked = answer_kind(question), Words(word_set(question))
    assert kind_fit(kind, "Too many children wait over eight weeks for a worker.", asked=asked) \
        > kind_fit(kind, "Some families wait for many weeks.", asked=asked) > 0


def test_what_a_record_does_not_hold_is_not_found() -> None:
    from retriever.lacking import unmentioned_graded

    will = "When will Eastshire's five new children's homes open?"
    assert _why_not(will, "There has been significant investment in children's services since "
                          "2019 to develop five new children's homes.") \
        == "The passages found give no date still to come."
    assert _why_not(will, "The first two homes will open in April 2025.") == ""
    director = "What is the name of Eastshire's director of children's services?"
    assert _why_not(director, "Gweres Teylurow, a therapeutic service for younger children, has "
                              "been evaluated.").startswith("The passages found name no one")
    assert _why_not(director, "The director of children's services, Jane Smith, has led the "
                              "improvement.") == ""
    schools = "Which Eastshire secondary schools were judged inadequate by Ofsted in 2022?"
    assert unmentioned_graded(schools, ["Overall effectiveness: Good"]) != ""
    assert unmentioned_graded("Which bit of Eastshire's children's services was rated good?",
                              ["The experiences and progress of children in care: Good"]) == ""
    # A service a report on children's services does not grade, named by its possessive.
    report = ["The impact of leaders on social work practice with children and families: Good",
              "Leaders work with adult mental health services and adult social workers."]
    assert unmentioned_graded("How did Ofsted rate Eastshire's adult social care services?",
                              report) == ("The passages found do not mention adult social "
                                          "care services.")
    assert unmentioned_graded("How did Ofsted rate Eastshire's adult mental health services?",
                              report) == ""
    assert unmentioned_graded("How did Ofsted rate Eastshire's children's services?",
                              ["Children's services in Eastshire are good."]) == ""


def test_forms_of_question_from_set_w() -> None:
    from retriever.asks import CAUSE, Listing
    from retriever.grades import GradesAsked
    from retriever.kinds import LOOKS_BACK
    from retriever.people import PERSON

    # "why" asked after a clause that states something, or asked indirectly
    assert answer_kind("Eastshire came out good overall, so why do inspectors say its child "
                       "protection work isn't consistently good?") is CAUSE
    assert answer_kind("I want to know why children wait for mental health support. What does "
                       "Ofsted say?") is CAUSE
    assert isinstance(answer_kind("What did Ofsted say Eastshire must do so that children "
                                  "understand why they are in care?"), Listing)
    assert isinstance(answer_kind("What does the report say needs fixing about court cases?"),
                      Listing)
    assert GradesAsked.of("Eastshire was rated outstanding in 2022, but which judgement was only "
                          "good?").wanted == {2}
    assert GradesAsked.of("Which part of Eastshire's services was still not good?").wanted \
        is not None
    assert answer_kind("Has Eastshire's Ofsted grade moved since the previous inspection?") \
        is LOOKS_BACK
    # a year alone is not an earlier record: "what changed between 2019 and 2024" is a finding
    assert answer_kind("What changed in Eastshire's status between the 2019 and 2024 "
                       "inspections?") is not LOOKS_BACK
    assert answer_kind("What is the name of the chief executive of Eastshire's trust?") is PERSON


def test_children_under_an_age_are_not_a_count() -> None:
    question = "Exactly how many children under 16 was Eastshire placing in unregistered settings?"
    assert _why_not(question, "A small but significant number of children under 16 live in "
                              "unregistered settings.").startswith("The passages found state no")
    assert _why_not(question, "Four children under 16 live in unregistered settings.") == ""


def test_since_the_previous_inspection_asks_for_a_comparison() -> None:
    from retriever.kinds import LOOKS_BACK

    assert answer_kind("How far has Eastshire come since its previous Ofsted inspection?") \
        is LOOKS_BACK


def test_a_count_is_about_the_question_by_more_than_one_shared_word() -> None:
    question = ("Exactly how many complaints about Eastshire children's services did Ofsted "
                "receive during the 2025 inspection?")
    assert _why_not(question, "Leaders engage parents through one partnership group, which is "
                              "influencing services.").startswith("The passages found state no")
    # an abbreviation counts what it stands for
    dcs = "How many directors of children's services has Eastshire had in 18 months?"
    assert _why_not(dcs, "With five DCS post-holders in 18 months, stability has been "
                         "elusive.") == ""


def test_forms_of_question_from_set_x() -> None:
    from retriever.asks import CAUSE, Listing
    from retriever.kinds import LOOKS_BACK
    from retriever.query import asked_plainly

    # who is asking is not what is asked; the place they name stays
    assert asked_plainly("As a Westshire councillor, I want to know which areas Ofsted told the "
                         "council to improve.") == ("Which areas Ofsted told the council to "
                                                    "improve (Westshire).")
    assert asked_plainly("I'm preparing for scrutiny committee - what did Ofsted say Eastshire "
                         "must do?") == "What did Ofsted say Eastshire must do?"
    assert asked_plainly("What did the council decide?") == "What did the council decide?"
    assert CAUSE.search("An increase in turnover of social workers has meant that some children "
                        "have been waiting too long.")
    assert isinstance(answer_kind("Eastshire was rated outstanding in 2023. Is there anything "
                                  "Ofsted still wasn't satisfied with?"), Listing)
    assert LOOKS_BACK.search("In 2021, all services were judged as requiring improvement.")
    earlier = "What overall grade did Eastshire get at its previous inspection in 2022?"
    assert _why_not(earlier, "Overall effectiveness: Outstanding", "Since the previous inspection "
                    "in 2022, leaders have continued to strengthen practice.") \
        == "The passages found give no earlier grade."
    assert _why_not(earlier, "At the previous inspection in 2022, services were judged to be "
                             "good.") == ""
    two = ("How many families has the edge-of-care team worked with, and how many of those "
           "children went into care?")
    assert _why_not(two, "In the last 18 months, approximately 40 children have been helped, "
                         "with only one child entering care.") == ""


def test_when_asked_after_a_clause_that_places_it() -> None:
    from retriever.dates import WHEN_WORDS

    assert answer_kind("Before the spring 2022 inspection, when had Eastshire's children's "
                       "services last been inspected?") is WHEN_WORDS
    # a "when" clause that only places the question asks for no date
    assert answer_kind("What did Ofsted find about care leavers, when it visited Eastshire?") \
        is not WHEN_WORDS


def test_the_holder_of_a_post_named_with_its_qualifier_must_be_named() -> None:
    """ "Who is the executive director for children ...?" is not answered by a sentence that
    mentions the post without naming anyone; "who was line-managing the director" asks for
    someone else."""
    from retriever.lacking import lacks_asked

    unnamed = ["The current executive director for children, families and education was "
               "appointed towards the end of 2018."]
    assert lacks_asked("Who is the executive director for children, families and education in "
                       "Eastshire?", unnamed, [0.0]) == ("The passages found name no one in "
                                                         "the role asked about.")
    assert lacks_asked("Who is the executive director for children in Eastshire?",
                       ["The executive director, Jane Smith, was appointed in 2018."], [1.0]) == ""
    assert lacks_asked("Who was line-managing Eastshire's director of children's services?",
                       unnamed, [0.0]) == ""


def test_a_number_joined_to_its_noun_is_a_count() -> None:
    """ "a commissioned six-bed unit" says how many beds; "a 12-week programme" and
    "two-thirds of" do not."""
    from retriever.lacking import lacks_asked

    question = "How many beds does the unit Eastshire commissioned for homeless young people have?"
    assert lacks_asked(question, ["Homeless young people are supported, including through a "
                                  "commissioned six-bed unit."], [1.0]) == ""
    for text in ("A 12-week programme supports homeless young people.",
                 "Two-thirds of homeless young people have beds."):
        assert lacks_asked(question, [text], [1.0]) == ("The passages found state no count of "
                                                        "what is asked."), text


def test_what_an_abbreviation_stands_for_is_the_sentence_that_spells_it_out() -> None:
    from retriever.evidence import spells_out

    assert spells_out("STAR", "Hackney’s Systemic, Trauma informed, and Anti Racist (STAR) model")
    assert spells_out("MAPS", "an excellent in-house multi-agency psychology service (MAPS)")
    assert spells_out("MAPS", "MAPS (multi-agency psychology service) offers consultations")
    assert not spells_out("STAR", "The service’s STAR model of practice is shared widely.")
    assert not spells_out("MASH", "Contacts are screened at the front door (MASH).")


def test_how_big_a_budget_gap_is_asks_for_a_sum() -> None:
    """ "How big is X's budget gap for 2024/25?" is not answered by a sentence about financial
    pressures that states no sum."""
    from retriever.lacking import lacks_asked

    question = "How big is Eastshire Council's budget gap for 2024/25?"
    said = "Despite the financial pressures the council faces, there has been investment."
    assert lacks_asked(question, [said], [0.0]) == "The passages found state no sum of money."
    assert lacks_asked(question, ["The council faces a budget gap of £12.4 million."], [1.0]) == ""


def test_asked_what_was_wrong_a_shortfall_answers_not_an_area_to_improve() -> None:
    """ "What did Ofsted find wrong with X's response to homeless 16- and 17-year-olds?" is
    answered by what the record says falls short, not by an item of its list of what should
    improve, which only names the area."""
    from retriever.fit import kind_fit

    for question in ("What did Ofsted find wrong with Eastshire's response to homeless young "
                     "people?", "What was going wrong at Eastshire's front door?",
                     "Where is Eastshire falling short for homeless 16 and 17 year olds?"):
        kind = answer_kind(question)
        assert kind_fit(kind, "The joint response to homeless young people lacks consistency.") \
            > kind_fit(kind, "◼ The response to homeless young people."), question


def test_a_word_negated_by_un_holds_what_a_question_asks_with_not() -> None:
    """ "homes that are not registered" is what "unregistered homes" says; "understand" and
    "universal" are not negations."""
    from retriever.evidence import _unnegated

    assert "registered" in _unnegated({"unregistered", "homes"})
    assert _unnegated({"understand", "universal", "until"}) == {"understand", "universal",
                                                                "until"}


def test_asked_what_a_named_thing_is_the_sentence_that_defines_it_fits() -> None:
    """ "What is 'Room 42' in Hull?" asks what the record says Room 42 is: the sentence that
    introduces it ("an excellent central hub, 'Room 42'"), not one that only mentions it."""
    from retriever.evidence import defines, thing_asked

    assert thing_asked("What is 'Room 42' in Hull?") == "Room 42"
    assert thing_asked("What is Gweres tus Yowynk, which the report praises?") == \
        "Gweres tus Yowynk"
    assert thing_asked("What is MAPS in Eastshire's children's services?") == "MAPS"
    assert thing_asked("What is Turning the Tide in Eastshire, and how is it paid for?") == \
        "Turning the Tide"
    for question in ("What is Eastshire doing well?", "What was Eastshire's overall grade?",
                     "What is the impact of leaders?"):
        assert thing_asked(question) == "", question
    assert defines("Room 42", "Care leavers have access to an excellent central hub, ‘Room 42’.")
    assert defines("Revive", "Leaders have developed a psychology service called ‘Revive’.")
    assert defines("Gweres tus Yowynk", "through Gweres tus Yowynk, the dedicated edge of "
                                        "care service, families are helped")
    assert defines("Revive", "Revive is a therapeutic service for children in care.")
    assert not defines("Room 42", "The dedicated staff who lead Room 42 are instrumental.")
    assert not defines("MAPS", "Children use maps, the council said, to find services.")


def test_a_hyphenated_word_of_the_question_is_held_by_its_parts() -> None:
    """Sentences are read as words split at hyphens, so "life-story" in a question is held by
    "life-story books" (it never was: no sentence holds the one word "life-story"), while
    "Stockton-on-Tees" names the document as "Stockton" does and weighs nothing."""
    from retriever.evidence import term_weights
    from retriever.vocabulary import Words, word_set

    pool = [Words(word_set(t)) for t in ("Later-life letters and life-story books are a "
                                         "strength.", "Adopters spoke well of the agency.",
                                         "Stockton has many children in care.")]
    weights = term_weights(["life-story", "Stockton-on-Tees", "adopted"],
                           {"stockton", "on", "tees"}, pool)
    assert set(weights) == {"life-story", "adopted"}
    assert weights["life-story"] == weights["adopted"]  # each held by one sentence of three


def test_whether_an_area_had_a_grade_asks_for_its_rating_whatever_it_is() -> None:
    """ "X was inadequate overall. Were its care leavers services inadequate as well?" is
    answered by the care leavers' rated field, which may give another grade ("No: good");
    "since Ofsted found it inadequate" only places the question in time."""
    from retriever.asks import asks_current_rating
    from retriever.grades import GradesAsked

    for question in ("Eastshire was judged inadequate overall in 2019. Were services for its "
                     "care leavers inadequate as well?",
                     "Eastshire was judged good overall. Did its care leavers service get a "
                     "good grade too?"):
        assert asks_current_rating(answer_kind(question)), question
        assert GradesAsked.of(question).wanted is None, question
    assert GradesAsked.of("Eastshire was requires improvement overall. Was any area judged "
                          "good?").wanted == {2}
    only = "Eastshire was rated outstanding overall, but was any judgement area only good?"
    assert asks_current_rating(answer_kind(only)) and GradesAsked.of(only).wanted == {2}
    assert not asks_current_rating(answer_kind("Is Eastshire getting better since Ofsted "
                                               "found it inadequate?"))
    # a grade stated first, then how it did for an area: that area's rating
    assert asks_current_rating(answer_kind("Eastshire was rated requires improvement overall "
                                           "in 2022. How did it do for care leavers?"))
    assert not asks_current_rating(answer_kind("How did Eastshire do at keeping children "
                                               "safe?"))


def test_was_any_area_judged_a_grade_asks_for_a_rating() -> None:
    """ "X was requires improvement overall. Was any area judged good?" is answered by the
    rated field that gives that grade, not by a sentence about the overall grade."""
    from retriever.asks import asks_current_rating
    from retriever.grades import GradesAsked

    question = ("Eastshire was requires improvement overall in November 2023. Was any area "
                "judged good?")
    kind = answer_kind(question)
    assert asks_current_rating(kind)
    assert asks_current_rating(answer_kind("Were any services rated outstanding?"))
    assert not asks_current_rating(answer_kind("Was any area of concern raised?"))
    grades = GradesAsked.of(question)
    field = kind_fit(kind, "The experiences and progress of children in care: good",
                     grades=grades)
    prose = kind_fit(kind, "Overall, help and protection services continue to require "
                           "improvement.", grades=grades)
    assert field > prose
