"""Prepare lists whole statements: a lead-in keeps its list, and headings or fragments alone
are never listed as undertakings or questions."""

from __future__ import annotations

from retriever import Assistant
from retriever.records import is_fragment, statements

MINUTES = ("The witnesses were thanked for their attendance.\n\n"
           "IT WAS AGREED that:\n\n"
           "(i) The Head of Service would report back on placement sufficiency in March.\n"
           "(ii) Members would visit the fostering team.\n\n"
           "Resolved\n\nThat:\n\n"
           "1. officers will provide guidance to Members on lines of enquiry;\n"
           "2. the report be noted.\n\n"
           "viii Do we have sufficient numbers of foster carers?\n\n"
           "RECOMMENDED that:\n\n")


def _texts(text: str) -> list[str]:
    return [text[a:b] for a, b in statements(text)]


def test_a_lead_in_keeps_its_list_and_fragments_are_dropped() -> None:
    found = _texts(MINUTES)
    assert found[0] == "The witnesses were thanked for their attendance."
    assert found[1].startswith("IT WAS AGREED that:") and found[1].endswith("fostering team.")
    assert not [t for t in found if t.rstrip().endswith(":")]  # no bare heading
    assert not [t for t in found if t.startswith(("1. officers", "2. the report"))]
    assert "viii Do we have sufficient numbers of foster carers?" in found


def test_spans_are_exact_with_an_offset() -> None:
    base = 1000
    for a, b in statements(MINUTES, base):
        assert MINUTES[a - base:b - base].strip() == MINUTES[a - base:b - base]


def test_fragment_rules() -> None:
    assert is_fragment("1. officers will provide guidance to Members;")
    assert is_fragment("IT WAS AGREED that:")
    assert is_fragment("and the report.")
    assert not is_fragment("(ii) Members would visit the fostering team.")
    assert not is_fragment("ix Are local children in care supported past the age of 21?")


def test_prepare_on_the_bundled_corpus_lists_no_heading_or_fragment(
        assistant: Assistant) -> None:
    for topic in ("social workers", "budget", "improvement notice", "safeguarding"):
        result = assistant.prepare(topic)
        for point in result.undertakings + result.questions:
            assert not is_fragment(point.quote), (topic, point.quote)
