"""Settings are read and checked once, at start-up; a taken port gets a suggestion, not Errno 98."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from api.state import AppState
from indexer.config import Settings
from indexer.errors import SettingsError
from scrutiny.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name, value, accepted", [
    ("SCRUTINY_ABSTAIN_THRESHOLD", "abc", "from 0 to 1"),
    ("SCRUTINY_ABSTAIN_THRESHOLD", "5", "from 0 to 1"),  # once made every answer "not found"
    ("SCRUTINY_ABSTAIN_THRESHOLD", "-0.1", "from 0 to 1"),
    ("SCRUTINY_MAX_UPLOAD_MB", "lots", "whole number"),
    ("SCRUTINY_MAX_UPLOAD_MB", "0", "whole number"),
    ("SCRUTINY_CHUNK_TOKENS", "2.5", "whole number"),
    ("SCRUTINY_API_WORKERS", "many", "whole number"),
    ("SCRUTINY_API_CACHE", "-1", "whole number"),
    ("SCRUTINY_API_KEEP_THREADS", "maybe", "1 or 0"),
    ("SCRUTINY_BACKEND", "gpu", "onnx, torch"),
    ("SCRUTINY_CHUNK_VECTORS", "words", "text, sentences"),
])
def test_an_invalid_setting_is_refused_naming_it(monkeypatch: pytest.MonkeyPatch, name: str,
                                                 value: str, accepted: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        Settings.from_env()
    assert name in str(err.value) and accepted in str(err.value)


def test_overlap_must_be_smaller_than_the_passage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRUTINY_CHUNK_TOKENS", "64")
    monkeypatch.setenv("SCRUTINY_CHUNK_OVERLAP", "64")
    with pytest.raises(SettingsError, match="SCRUTINY_CHUNK_OVERLAP"):
        Settings.from_env()


def test_valid_settings_reach_the_api(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in (("SCRUTINY_ABSTAIN_THRESHOLD", "0.5"), ("SCRUTINY_MAX_UPLOAD_MB", "7"),
                        ("SCRUTINY_API_WORKERS", "3"), ("SCRUTINY_API_CACHE", "0"),
                        ("SCRUTINY_API_KEEP_THREADS", "1")):
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    assert (settings.abstain_threshold, settings.max_upload_mb) == (0.5, 7)
    state = AppState(settings)
    assert state.cpu_limiter.total_tokens == 3 and state.cache.size == 0
    assert state.tune_threads is False


def test_the_cli_stops_at_start_up_with_the_variable_named(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SCRUTINY_ABSTAIN_THRESHOLD", "abc")
    assert main(["ask", "anything", "--index", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "SCRUTINY_ABSTAIN_THRESHOLD='abc'" in err and "Traceback" not in err


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = {name for package in ("indexer", "retriever", "api", "tui", "scrutiny")
             for path in (ROOT / package).glob("*.py")
             for name in re.findall(r"SCRUTINY_[A-Z_]+", path.read_text(encoding="utf-8"))}
    assert len(names) >= 19
    assert not [n for n in sorted(names) if f"`{n}`" not in readme]


def test_a_port_in_use_gets_a_suggestion_and_exit_code_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))
        for command in ([sys.executable, "-m", "scrutiny.cli", "serve"],
                        [sys.executable, "-m", "api"]):
            run = subprocess.run([*command, "--port", str(port), "--index", str(tmp_path)],
                                 cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
            assert run.returncode == 2, run.stderr
            assert f"Port {port}" in run.stderr and "--port " in run.stderr
            assert "Errno" not in run.stderr and "Traceback" not in run.stderr


def test_loading_faiss_prints_no_loader_noise() -> None:
    """faiss logs each CPU build it fails to load; with INFO logging (the server's) that read
    as `ModuleNotFoundError("No module named 'faiss.swigfaiss_avx512_spr'")` on every start."""
    code = ("import logging; logging.basicConfig(level=logging.DEBUG)\n"
            "from indexer.vectors import new_index\n"
            "new_index(4, 1, 10)\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    assert run.returncode == 0, run.stderr
    assert "swigfaiss" not in run.stderr and "ModuleNotFoundError" not in run.stderr
