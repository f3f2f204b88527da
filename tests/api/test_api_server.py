"""The real server as a subprocess (`scrutiny serve`, or `python -m api` where the CLI is not
installed), spoken to over loopback HTTP with httpx: start-up, reads, an upload and then a
search that finds the uploaded document, and a clean shutdown."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_command(port: int, index: Path) -> list[str]:
    script = Path(sys.executable).with_name("scrutiny")
    if script.exists():
        probe = subprocess.run([str(script), "serve", "--help"], capture_output=True, text=True,
                               timeout=60, cwd=ROOT)
        if probe.returncode == 0 and "--port" in probe.stdout:
            return [str(script), "serve", "--port", str(port), "--index", str(index)]
    return [sys.executable, "-m", "api", "--port", str(port), "--index", str(index)]


def test_real_server_upload_then_search(tmp_path: Path, writable_index: Path, corpus_dir: Path,
                                        api_key: str, auth: dict, new_minutes: bytes) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    for path in corpus.iterdir():
        path.chmod(0o644)
    port = _free_port()
    env = dict(os.environ, SCRUTINY_API_KEY=api_key, SCRUTINY_CORPUS=str(corpus),
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(_serve_command(port, writable_index), cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=60) as http:
            deadline = time.monotonic() + 120
            while True:
                assert proc.poll() is None, (tmp_path / "server.log").read_text()
                try:
                    if http.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)

            assert http.get("/health").json()["documents"] == 5
            assert http.get("/search", params={"q": "foster carers"}).json()["hits"]
            assert http.get("/search", params={"q": ""}).status_code == 422

            r = http.post("/documents", headers=auth,
                          files={"file": ("kirklees-cpb.txt", new_minutes, "text/plain")})
            assert r.status_code == 201, r.text
            doc_id = r.json()["document"]["doc_id"]
            hits = http.get("/search", params={"q": "Almondbury zebra crossing"}).json()["hits"]
            assert hits[0]["citation"]["doc_id"] == doc_id
            assert http.get("/health").json()["documents"] == 6
            assert http.post("/documents", files={"file": ("x.txt", b"x")}).status_code == 401
        assert (corpus / "kirklees-cpb.txt").exists()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    output = (tmp_path / "server.log").read_text()
    assert "Traceback" not in output, output
    assert "swigfaiss" not in output and "ModuleNotFoundError" not in output, output
