"""Retriever logic on a small made-up corpus with the fake embedder: fusion, filters, query
parsing, acronyms, verbatim quotes, abstention and follow-ups."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import QueryError, Settings, build_index
from indexer.stores.sqlite import fts_match
from retriever import Assistant, Filters
from retriever.query import understand
from retriever.search import Candidate, hybrid
from tests.fakes import HashEmbedder

LEEDS = """LEEDS CITY COUNCIL

SCRUTINY BOARD (CHILDREN AND FAMILIES)

TUESDAY, 12 MARCH, 2019

Present: Councillor A. Smith (Chair), Councillor B. Jones.

31. FOSTERING RECRUITMENT

Members considered a report on the recruitment of foster carers. The number of in-house foster
carers had fallen to 212. Members asked why fewer people applied to foster in 2018.

RESOLVED That the Director provide a fostering recruitment plan to the next meeting.

32. CHILD AND ADOLESCENT MENTAL HEALTH SERVICES (CAMHS)

Waiting times for the Child and Adolescent Mental Health Services (CAMHS) had risen to 18 weeks.
The officer undertook to provide monthly waiting time figures.

RESOLVED That the update be noted.
"""

YORK = """CITY OF YORK COUNCIL

CHILDREN, EDUCATION AND COMMUNITIES POLICY AND SCRUTINY COMMITTEE

14TH JANUARY 2016

5. LOOKED AFTER CHILDREN SUFFICIENCY

The committee heard that there were 190 LAC in York. Placement stability had improved and the
sufficiency strategy was on track.

RESOLVED That the sufficiency strategy be endorsed.
"""

YORK_2 = """CITY OF YORK COUNCIL

CHILDREN, EDUCATION AND COMMUNITIES POLICY AND SCRUTINY COMMITTEE

Thursday 20 July 2017

7. ADOPTION SERVICES

Adoption timeliness had improved; the regional adoption agency would go live in 2018.

RESOLVED That the report be noted and a further update be brought in twelve months.
"""


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("small-corpus")
    (corpus / "leeds-2019-03-12.txt").write_text(LEEDS)
    (corpus / "york-2016-01-14.txt").write_text(YORK)
    (corpus / "york-2017-07-20.txt").write_text(YORK_2)
    index = tmp_path_factory.mktemp("small-index") / "index"
    report = build_index([corpus], Settings.from_env(index_dir=index), embedder=HashEmbedder())
    assert report.documents_total == 3
    return index


@pytest.fixture(scope="module")
def small(small_index: Path) -> Assistant:
    return Assistant.open(small_index, embedder=HashEmbedder())


def test_rrf_fuses_dense_and_keyword_rankings(small: Assistant) -> None:
    u = understand("foster carers recruitment", small.facets().councils,
                   small.snapshot.acronyms, Filters())
    cands = hybrid(small.snapshot, small, u)
    assert cands, "hybrid search found nothing"
    top = cands[0]
    assert isinstance(top, Candidate)
    # Found by both rankers, so it carries both contributions.
    assert top.dense_rank is not None and top.keyword_rank is not None
    assert "foster" in top.chunk.text.lower()
    scores = [c.score for c in cands]
    assert scores == sorted(scores, reverse=True)


def test_a_candidate_scores_by_its_best_sentence_read_from_the_records(
        small: Assistant, small_index: Path) -> None:
    """One sentence matching the question lifts its whole passage; the sentence vectors come
    from the records (there is no sentence index file to load)."""
    import numpy as np

    assert not list(small_index.glob("gen-*/sentences.faiss"))
    question = "The number of in-house foster carers had fallen to 212."
    u = understand(question, small.facets().councils, small.snapshot.acronyms, Filters())
    cands = hybrid(small.snapshot, small, u)
    top = cands[0]
    assert "fallen to 212" in top.chunk.text
    qvec = small.query_vector(u.text)
    best = max(float(v @ qvec) for _a, _b, v in top.sentences)
    passage = float(small.snapshot.store.chunk_vectors([top.chunk_id])[top.chunk_id] @ qvec)
    assert best > passage + 0.05 and np.isclose(top.dense, best)


def test_filter_to_a_council_with_a_single_document(small: Assistant) -> None:
    result = small.search("foster carers", k=5, filters=Filters(council="Leeds"))
    assert result.hits
    assert {h.citation.council for h in result.hits} == {"Leeds City Council"}
    # The filter restricts before ranking: a query that best matches York still returns Leeds.
    result = small.search("looked after children sufficiency", k=5,
                          filters=Filters(council="Leeds"))
    assert result.hits and all(h.citation.council == "Leeds City Council" for h in result.hits)


def test_date_and_type_filters(small: Assistant) -> None:
    hits = small.search("report noted", k=10, filters=Filters(since="2017-01-01")).hits
    assert hits and all(h.citation.date >= "2017-01-01" for h in hits)
    assert not small.search("adoption", filters=Filters(doc_type="peer_review")).hits


def test_sort_by_date_puts_newest_first(small: Assistant) -> None:
    hits = small.search("resolved report", k=10, sort="date").hits
    dates = [h.citation.date for h in hits]
    assert dates == sorted(dates, reverse=True)


def test_query_names_council_year_range_and_type() -> None:
    councils = ["City of York Council", "Leeds City Council"]
    u = understand("What did York decide about adoption since 2017?", councils, {}, Filters())
    # What the question implies is soft: it ranks and excludes only documents known to differ.
    assert u.implied.council == "City of York Council" and u.filters.council is None
    assert u.implied.since == "2017-01-01"
    u = understand("What did the peer review say in 2014?", councils, {}, Filters())
    assert u.doc_type_hint == "peer_review" and u.years == ["2014"]
    assert u.implied.since is None  # "in 2014" boosts; it does not exclude later reports
    u = understand("What did Cornwall decide?", councils, {}, Filters())
    assert u.implied.council == "Cornwall Council"
    # A council no gazetteer knows is still recognised by its form.
    u = understand("What did Eastshire County Council decide?", councils, {}, Filters())
    assert u.implied.council == "Eastshire County Council"


def test_a_council_is_named_by_the_first_word_people_shorten_it_to() -> None:
    councils = ["London Borough of Richmond upon Thames", "Royal Borough of Kensington and "
                "Chelsea", "Stockton-on-Tees Borough Council", "North Somerset Council",
                "North Yorkshire Council", "Kingston upon Hull City Council",
                "Royal Borough of Kingston upon Thames"]
    for question, council in [("How does Richmond's 2025 result compare?", councils[0]),
                              ("What did Ofsted find in Kensington?", councils[1]),
                              ("Are Stockton's care leavers supported?", councils[2])]:
        assert understand(question, councils, {}, Filters()).implied.council == council
    # "North" names no one council, and "Kingston" two of them.
    assert understand("What did North inspectors find?", councils, {},
                      Filters()).implied.council is None
    assert understand("What did Kingston decide?", councils, {},
                      Filters()).implied.council is None


def test_a_council_is_named_by_its_initials() -> None:
    """ "MK", "RBKC", "K&C", "B&NES", "LBBD": initials of one council of the index name it;
    an abbreviation of a service ("LADO") and initials two councils share name none."""
    councils = ["Milton Keynes City Council", "Royal Borough of Kensington and Chelsea",
                "Bath and North East Somerset Council", "London Borough of Barking and Dagenham",
                "South Tyneside Council", "Stoke-on-Trent City Council"]
    for question, council in [("Which part of MK's services was outstanding?", councils[0]),
                              ("How did RBKC do in 2024?", councils[1]),
                              ("Are K&C care leavers supported?", councils[1]),
                              ("What did B&NES need to improve?", councils[2]),
                              ("Are LBBD caseloads manageable?", councils[3])]:
        assert understand(question, councils, {}, Filters()).implied.council == council
    for question in ("What does the LADO do there?", "Is ST good?"):
        assert understand(question, councils, {}, Filters()).implied.council is None


def test_explicit_filters_win_over_the_question() -> None:
    u = understand("adoption in York", ["City of York Council", "Leeds City Council"], {},
                   Filters(council="Leeds City Council"))
    assert u.filters.council == "Leeds City Council" and u.implied.council is None


def test_acronyms_expand_both_ways(small: Assistant) -> None:
    u = understand("CAMHS waiting times", [], {}, Filters())
    assert "adolescent" in [t.lower() for t in u.terms]
    u = understand("child and adolescent mental health services", [], {}, Filters())
    assert "CAMHS" in u.terms
    # LAC is expanded, so a question in full words finds the passage that only says "LAC".
    hits = small.search("looked after children in York", k=3).hits
    assert hits and "190 LAC" in hits[0].text


def test_acronyms_defined_in_the_corpus_are_learned(small: Assistant) -> None:
    assert "CAMHS" in small.snapshot.acronyms


def test_fts_query_is_always_valid_syntax(small: Assistant) -> None:
    for nasty in ['"', "*", "NEAR(", "AND OR", "'; DROP TABLE chunks; --", "a\"b", "^col:x"]:
        assert fts_match([nasty]) is None or fts_match([nasty]).startswith('"')
        small.search(nasty + " foster")  # never raises an FTS syntax error


def test_empty_and_overlong_queries_are_rejected(small: Assistant) -> None:
    with pytest.raises(QueryError):
        small.search("   ")
    with pytest.raises(QueryError):
        small.ask("x" * 1001)
    with pytest.raises(QueryError):
        small.search("foster", k=0)


def test_every_quote_is_verbatim(small: Assistant) -> None:
    for q in ("How many foster carers were there?", "What is the CAMHS waiting time?",
              "What was resolved about adoption?"):
        result = small.ask(q)
        for c in result.citations:
            text = small.document(c.citation.doc_id).text
            assert text[c.citation.char_start:c.citation.char_end] == c.quote


def test_answer_markers_match_citations(small: Assistant) -> None:
    result = small.ask("How many in-house foster carers were there?")
    if not result.abstained:
        for c in result.citations:
            assert f"[{c.n}]" in result.answer


def test_abstains_when_filters_match_nothing(small: Assistant) -> None:
    result = small.ask("What about foster carers?", filters=Filters(council="Walsall"))
    assert result.abstained and not result.citations
    assert "do not cover" in result.answer


def test_abstains_for_a_council_not_in_the_index(small: Assistant) -> None:
    result = small.ask("What did Cornwall Council decide about foster carers?")
    assert result.abstained and "Cornwall" in result.answer


def test_follow_up_carries_topic_and_filters(small: Assistant) -> None:
    history = [{"role": "user", "content": "What did Leeds say about foster carers?"},
               {"role": "assistant", "content": "The number of in-house foster carers..."}]
    result = small.ask("and what was resolved?", history=history)
    assert result.understood["filters"]["council"] == "Leeds City Council"
    assert all(c.citation.council == "Leeds City Council" for c in result.citations)
    result = small.ask("and what did York decide?", history=history)
    assert result.understood["filters"]["council"] == "City of York Council"


def test_resolutions_newest_first_and_by_topic(small: Assistant) -> None:
    everything = small.resolutions()
    dates = [r.citation.date for r in everything.resolutions]
    assert dates == sorted(dates, reverse=True) and everything.count >= 4
    fostering = small.resolutions("fostering recruitment plan", sort="relevance")
    assert fostering.resolutions and "recruitment plan" in fostering.resolutions[0].text
    kinds = {r.kind for r in everything.resolutions}
    assert "undertaking" in kinds


def test_prepare_finds_questions_and_undertakings(small: Assistant) -> None:
    prep = small.prepare("foster carers and CAMHS")
    assert any("asked" in p.quote for p in prep.questions)
    assert any("undertook" in p.quote for p in prep.undertakings)


def test_json_contracts(small: Assistant) -> None:
    s = small.search("adoption").to_dict()
    assert set(s) == {"query", "understood", "hits", "took_ms"}
    assert set(s["understood"]) == {"filters", "from_question", "relaxed"}
    assert set(s["hits"][0]) == {"rank", "score", "text", "chunk_id", "citation"}
    assert set(s["hits"][0]["citation"]) == {
        "doc_id", "title", "council", "committee", "doc_type", "date", "published", "item_ref",
        "item_title", "source", "url", "char_start", "char_end", "page"}
    a = small.ask("What was resolved about adoption?").to_dict()
    assert set(a) == {"question", "answer", "abstained", "shape", "understood", "citations",
                      "took_ms"}
    r = small.resolutions().to_dict()
    assert set(r) == {"resolutions", "count"}
    assert {"text", "item_ref", "item_title", "citation"} <= set(r["resolutions"][0])


@pytest.mark.parametrize(("question", "sentence", "fit"), [
    ("Who chaired the meeting?", "Present: Councillor A Smith (in the Chair); Councillor B", True),
    ("Who led the inspection?", "Lead inspector: Steve Lowe, Her Majesty’s Inspector", True),
    ("Who attended the meeting?", "The report was noted.", False),
    ("When did the visit take place?", "The visit took place on 3 and 4 May 2023.", True),
    ("When did the visit take place?", "The visit was thorough.", False),
    ("How many children were in care?", "There were 530 LAC.", True),
    ("How often did the group meet?", "Meetings of the group changed to monthly.", True),
    ("How often did the group meet?", "The group met in the council chamber.", False),
    ("How long can waiting times be?", "Waiting times could be up to two years.", True),
    ("How long can waiting times be?", "Waiting times were discussed in 2014.", False),
    ("What budget was set for placements?", "A budget was set for 510 placements.", True),
])
def test_answer_kind_follows_the_interrogative_form(question: str, sentence: str,
                                                    fit: bool) -> None:
    from retriever.asks import answer_kind

    kind = answer_kind(question)
    assert kind is not None and bool(kind.search(sentence)) == fit


@pytest.mark.parametrize(("question", "better", "worse"), [
    ("When did the visit take place?", "The visit took place on 6 and 8 October 2020.",
     "Services have improved since 2014."),
    ("What time did the meeting finish?", "The meeting terminated at 7.55 pm.",
     "The next meeting is in 2013."),
    ("By when will the accounts be separated?", "Separation will be complete by 1 April 2010.",
     "The accounts for 2008/09 were noted."),
    ("How much could the programme save?", "Consultants identified up to £69m of savings.",
     "Audit Committee, 22 October 2009."),
    ("When will inspectors return?", "A monitoring inspection will be carried out within "
     "approximately 18 months.", "Inspectors will return to monitor progress."),
    ("How had services progressed?", "Services have continued to improve since 2014.",
     "Inspection dates: 19 November 2018 to 23 November 2018"),
])
def test_a_precise_answer_fits_better_than_a_vague_one(question: str, better: str,
                                                       worse: str) -> None:
    """A bare year does not answer "when" as well as a day does, and the digits of a date do
    not answer "how much"."""
    from retriever.asks import answer_kind
    from retriever.fit import kind_fit

    kind = answer_kind(question)
    assert kind_fit(kind, better) > kind_fit(kind, worse)


def test_a_body_introducing_its_acronym_is_not_a_person() -> None:
    from retriever.asks import answer_kind

    kind = answer_kind("Who led the inspection?")
    assert kind is not None
    assert not kind.search("Inspectors from the Care Quality Commission (CQC) took part.")
    assert kind.search("Lead inspector: Tom Anthony, His Majesty’s Inspector")


def test_boilerplate_is_told_from_a_template_with_its_own_facts() -> None:
    """Two councils' letters share the shape of "a focused visit to X on DATE" but not its
    words; the regulator's description of itself is the same word for word."""
    from indexer.sentences import sentence_fingerprint, sentence_shape

    leeds = "This letter summarises the findings of a focused visit to Leeds on 20 July 2021."
    merton = "This letter summarises the findings of a focused visit to Merton on 6 October 2020."
    assert sentence_shape(leeds) == sentence_shape(merton)
    assert sentence_fingerprint(leeds) != sentence_fingerprint(merton)
    blurb = "Ofsted regulates and inspects to achieve excellence in the care of children."
    assert sentence_fingerprint(blurb) == sentence_fingerprint(blurb.replace("  ", " "))
    assert sentence_fingerprint(blurb) != sentence_shape(blurb)


def test_a_named_body_is_not_a_person() -> None:
    from retriever.asks import answer_kind

    kind = answer_kind("Who led the inspection?")
    assert kind is not None
    assert not kind.search("Suffolk County Council, the NHS and the ICB are responsible.")
    assert kind.search("Present: Dave Roberts (Independent Chair), Councillor Angela Caldara.")


@pytest.mark.parametrize(("question", "field", "prose"), [
    ("How did Ofsted rate the impact of leaders?",
     "The impact of leaders on social work practice with children and families: Good",
     "Leaders have had a good impact on practice since the last inspection."),
    ("Which judgement was good rather than outstanding?",
     "The experiences and progress of children in care: Good",
     "Children in care have good experiences."),
])
def test_a_question_asking_for_a_rating_fits_a_rated_field(question: str, field: str,
                                                           prose: str) -> None:
    from retriever.asks import answer_kind
    from retriever.fit import kind_fit

    kind = answer_kind(question)
    assert kind_fit(kind, field) == 1.0 and kind_fit(kind, prose) == 0.0


def test_an_irregular_past_tense_matches_its_verb() -> None:
    """Asked who "led" an inspection, the record's "Lead inspector:" line shares the word."""
    from retriever.vocabulary import Words, word_set

    assert Words(word_set("Lead inspector: Tom Anthony")).has("led")
    assert not Words(word_set("The lid was closed")).has("led")


@pytest.mark.parametrize("evidence, quote, holds", [
    ("Overall effectiveness Inadequate", "Overall effectiveness: Inadequate", True),
    ("children’s services – “good”", "Children's services - \"good\".", True),
    ("the ﬁrst visit", "It was the first visit.", True),
    ("Overall effectiveness Inadequate", "Overall effectiveness: Good", False),
    ("care leavers are good", "care leavers: good", False),
])
def test_evidence_matches_on_words_not_punctuation(evidence: str, quote: str,
                                                   holds: bool) -> None:
    """A quote holds the evidence when its words, in order, are there: another reader's colon,
    quote marks or dashes change nothing, a different or missing word does."""
    from retriever.evaluate import first_hit, norm
    assert (norm(evidence) in norm(quote)) is holds
    assert first_hit(["unrelated text", quote], evidence) == (1 if holds else None)


def test_the_years_of_a_fact_stated_before_the_question_are_not_asked_about() -> None:
    """ "X is now good after the June 2025 inspection. What was it judged at the 2022
    inspection?" asks about 2022, and asks for a grade."""
    from retriever.asks import answer_kind, asks_current_rating

    question = ("Eastshire is now good overall after the June 2025 inspection. What was it "
                "judged at the 2022 inspection?")
    assert understand(question, [], {}, Filters()).years == ["2022"]
    assert asks_current_rating(answer_kind(question))
    # One sentence, or a statement with no year in the question: every year is asked about.
    assert understand("How did the 2025 report compare Eastshire with 2022?", [], {},
                      Filters()).years == ["2025", "2022"]
    assert understand("Eastshire was inspected in 2025. What did it do well?", [], {},
                      Filters()).years == ["2025"]
