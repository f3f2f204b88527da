"""What a blind set of questions (set U) showed about questions a record may not answer: a
grade asked of a year no record is from, "no longer" read as a count of none, and "the
average length of X" asked as a span of time."""

from __future__ import annotations

from pathlib import Path

from retriever.asks import answer_kind, kind_fit
from retriever.dates import DURATION
from retriever.lacking import lacks_asked
from retriever.vocabulary import Words, word_set
from tests.fakes import fake_answers

REPORT = ("EASTSHIRE COUNTY COUNCIL\nInspection of children's social care services\n"
          "Inspection dates: 5 November 2018 to 16 November 2018\n\n"
          "Overall effectiveness: Requires improvement to be good\n\n"
          "Since the last full inspection in 2014, a range of services have improved for "
          "children. Leaders know their services well and act on what they find.\n")


def _why_not(question: str, *texts: str) -> str:
    kind, asked = answer_kind(question), Words(word_set(question))
    return lacks_asked(question, list(texts), [kind_fit(kind, t, asked=asked) for t in texts])


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
