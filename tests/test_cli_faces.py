"""The CLI speaks the same filter vocabulary as the API and prints results people can read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retriever.display import plain, plural
from retriever.results import (
    AskResult,
    Citation,
    CitedQuote,
    Facets,
    Hit,
    ResolutionHit,
    ResolutionsResult,
    SearchResult,
)
from scrutiny import commands
from scrutiny.cli import main


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_since_until_take_years_and_reversed_range_is_refused(
        corpus_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "search", "children", "--since", "2014", "--until", "2014",
                        "--json", "--index", str(corpus_index))
    hits = json.loads(out)["hits"]
    assert code == 0 and hits and all(h["citation"]["date"].startswith("2014") for h in hits)
    code, _, err = _run(capsys, "search", "adoption", "--since", "2015", "--until", "2013",
                        "--index", str(corpus_index))
    assert code == 2 and "after" in err


def test_unknown_council_names_the_councils_held(corpus_index: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "resolutions", "adoption", "--council", "Atlantis",
                        "--index", str(corpus_index))
    assert code == 2 and "Atlantis" in err and "Walsall" in err and "Barnsley" in err


# -- how results read (a stand-in facade: the printing is what is tested) ----------------------

def _cite(item_ref: str, title: str, start: int, doc: str = "walsall-2012") -> Citation:
    return Citation(doc_id=doc, title="Minutes", council="Walsall Council",
                    committee="Scrutiny Panel", doc_type="minutes", date="2012-09-13",
                    published=None, item_ref=item_ref, item_title=title, source=f"{doc}.txt",
                    url=None, char_start=start, char_end=start + 10)


class _Facade:
    def __init__(self, **results: object) -> None:
        self.results = results

    def facets(self) -> Facets:
        return Facets(councils=["Walsall Council"], committees=[], doc_types=["minutes"],
                      date_min=None, date_max=None)

    def __getattr__(self, name: str) -> object:
        return lambda *a, **k: self.results[name]


def _printed(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             facade: _Facade, *args: str) -> str:
    monkeypatch.setattr(commands, "_open", lambda settings: facade)
    assert main([*args, "--index", "unused"]) == 0
    return capsys.readouterr().out


def test_quotes_of_one_item_share_one_label_each_on_its_own_line(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    quotes = [CitedQuote(1, "**Sally Robinson** reported on adoption.", _cite("19", "Adoption", 0)),
              CitedQuote(2, "The <u>panel</u> noted it.", _cite("19", "Adoption", 50)),
              CitedQuote(3, "Costs rose.", _cite("20", "Budget", 90))]
    answer = AskResult(question="q", answer="Text [1][2][3].", abstained=False,
                       citations=quotes, took_ms=1.0)
    out = _printed(monkeypatch, capsys, _Facade(ask=answer), "ask", "q")
    sources = out.split("Sources:")[1].strip().splitlines()
    assert sources[0].startswith("[1], [2] ") and "19 Adoption" in sources[0]
    assert sources[1].strip() == '[1] "Sally Robinson reported on adoption."'
    assert sources[2].strip() == '[2] "The panel noted it."'
    assert sources[3].startswith("  [3] ") and "20 Budget" in sources[3]
    assert out.count("19 Adoption") == 1 and "**" not in out and "<u>" not in out


def test_counts_read_as_english_and_relevance_as_a_place(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    one = ResolutionsResult([ResolutionHit("RESOLVED that it be noted.", "resolved", "19",
                                           "Adoption", _cite("19", "Adoption", 0))], 1)
    out = _printed(monkeypatch, capsys, _Facade(resolutions=one), "resolutions", "adoption")
    assert out.startswith("1 resolution or agreement\n")
    hits = [Hit(1, 0.0325, "older", 1, _cite("19", "A", 0)),
            Hit(2, 0.0333, "newer", 2, _cite("20", "B", 0))]
    out = _printed(monkeypatch, capsys, _Facade(search=SearchResult("q", hits, 1.0)),
                   "search", "q", "--sort", "date")
    assert "0.03" not in out and "score" not in out
    assert "(2nd most relevant)" in out and "(most relevant)" in out


def test_plain_strips_markup_and_keeps_the_words() -> None:
    assert plain("<u>**Present:**</u> **Sally  Robinson**\n(Chair)") == \
        "Present: Sally Robinson (Chair)"
    assert plain("2 * 3 * 4 and snake_case") == "2 * 3 * 4 and snake_case"
    # a field and the paragraph under it do not run together as one sentence
    assert plain("Overall effectiveness: Good\n\nChildren receive a good service.") == \
        "Overall effectiveness: Good — Children receive a good service."
    assert plain("The local authority\n\nhas improved.") == "The local authority has improved."
    assert plural(1, "resolution") == "1 resolution" and plural(3, "item") == "3 items"
