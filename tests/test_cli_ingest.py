"""``scrutiny add`` and ``scrutiny remove`` end to end: the real command path (parsing, the
write, the rebuild, what is printed, exit codes) with the fake embedder in the build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from indexer import build
from indexer.config import Settings
from scrutiny.cli import main
from tests.conftest import ROOT
from tests.fakes import HashEmbedder
from tests.northshire import NEW, OLDER


@pytest.fixture()
def place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    original = build.build_index

    def with_fake(paths: list[Path], settings: Any, **kwargs: Any) -> Any:
        kwargs["embedder"] = kwargs.get("embedder") or HashEmbedder()
        return original(paths, settings, **kwargs)

    monkeypatch.setattr(build, "build_index", with_fake)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "scrutiny-2014-01-14.txt").write_text(OLDER, encoding="utf-8")
    index = tmp_path / "index"
    with_fake([corpus], Settings(index_dir=index, corpus_dir=corpus))
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "CPB minutes 5 June 2019.txt").write_text(NEW, encoding="utf-8")
    return {"corpus": corpus, "index": index, "incoming": incoming}


def _run(capsys: pytest.CaptureFixture[str], place: dict[str, Path], *args: str
         ) -> tuple[int, str, str]:
    code = main([*args, "--index", str(place["index"]), "--corpus", str(place["corpus"]),
                 "--quiet"])
    out, err = capsys.readouterr()
    return code, out, err


def _documents(capsys: pytest.CaptureFixture[str], place: dict[str, Path]) -> dict[str, dict]:
    assert main(["documents", "--json", "--index", str(place["index"])]) == 0
    out, _ = capsys.readouterr()
    return {d["doc_id"]: d for d in json.loads(out)["documents"]}


def _files(place: dict[str, Path]) -> list[str]:
    return sorted(p.relative_to(place["corpus"]).as_posix() for p in place["corpus"].rglob("*"))


def test_add_then_remove(place: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    new = place["incoming"] / "CPB minutes 5 June 2019.txt"
    code, out, err = _run(capsys, place, "add", str(new), "--council", "Northshire",
                          "--committee", "Corporate Parenting Board", "--doc-type", "minutes",
                          "--date", "5 June 2019")
    assert code == 0, err
    assert out.startswith(f"Added {new} as ")
    assert "2019-06-05 minutes · Northshire · Corporate Parenting Board" in out
    assert "2 documents" in out
    docs = _documents(capsys, place)
    added = next(d for d in docs.values() if d["source"] == "CPB-minutes-5-June-2019.txt")
    assert (added["date"], added["committee"]) == ("2019-06-05", "Corporate Parenting Board")

    code, out, _ = _run(capsys, place, "add", str(new), "--council", "Northshire",
                        "--committee", "Corporate Parenting Board", "--doc-type", "minutes",
                        "--date", "2019-06-05")
    assert code == 0 and out.startswith("Already indexed (nothing changed)")

    code, out, err = _run(capsys, place, "remove", added["doc_id"])
    assert code == 0, err
    assert f"Removed {added['doc_id']}" in out and "1 documents" in out
    assert added["doc_id"] not in _documents(capsys, place)
    assert ".scrutiny-trash" in out
    assert any(p.endswith("/CPB-minutes-5-June-2019.txt") and p.startswith(".scrutiny-trash/")
               for p in _files(place))

    code, out, err = _run(capsys, place, "remove", added["doc_id"])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "No document with id" in err


@pytest.mark.parametrize(("name", "data", "extra", "words"), [
    ("broken.pdf", b"%PDF-1.4\n1 0 obj<<>>\ntruncated", [], "broken.pdf"),
    ("tool.exe", b"MZ", [], "unsupported file type .exe"),
    ("ok.txt", NEW.encode(), ["--date", "2019"], "--date"),
    ("ok.txt", NEW.encode(), ["--json", "--date", "2019-02-30"], "not a day"),
])
def test_refusals_are_one_line_and_change_nothing(place: dict[str, Path],
                                                  capsys: pytest.CaptureFixture[str], name: str,
                                                  data: bytes, extra: list[str],
                                                  words: str) -> None:
    path = place["incoming"] / name
    path.write_bytes(data)
    before = (_files(place), _documents(capsys, place))
    code, out, err = _run(capsys, place, "add", str(path), *extra)
    assert code == 2 and out == ""
    assert err.startswith("scrutiny: ") and err.count("\n") == 1 and words in err
    assert (_files(place), _documents(capsys, place)) == before


def test_missing_file_and_unknown_id(place: dict[str, Path],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, place, "add", str(place["incoming"] / "nope.txt"))
    assert code == 2 and "nope.txt: no such file" in err
    code, _, err = _run(capsys, place, "remove", "no-such-doc")
    assert code == 2 and "scrutiny documents" in err


def test_add_shows_progress_like_index_in_a_real_process(place: dict[str, Path]) -> None:
    """The real process (``fake_cli.py`` swaps only the model): exit code, progress lines as
    `scrutiny index` reports them, and the JSON outcome."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    new = place["incoming"] / "CPB minutes 5 June 2019.txt"
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "reliability" / "fake_cli.py"), "add", str(new),
         "--json", "--index", str(place["index"]), "--corpus", str(place["corpus"])],
        capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(ln.startswith("progress embedding") for ln in lines)
    body = json.loads("\n".join(ln for ln in lines if not ln.startswith("progress ")))
    assert body["documents"][0]["status"] == "indexed"
    assert body["index"]["documents_total"] == 2 and body["index"]["indexed"] == [
        "CPB-minutes-5-June-2019.txt"]
