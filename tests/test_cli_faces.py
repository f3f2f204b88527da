"""The CLI speaks the same filter vocabulary as the API and prints results people can read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
