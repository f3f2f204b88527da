"""Helpers shared by the reliability tests and the long scripts in ``bench/``.

Test modules cannot import each other, so what several of them need lives here: making a
larger corpus from the seeds, running the real CLI with the fake embedder (``fake_cli.py``)
as a subprocess that can be killed at a chosen progress event, and the checks that must hold
after any crash (the index opens, passes ``check_index``, answers as before).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
FAKE_CLI = Path(__file__).resolve().parent / "fake_cli.py"
DEV_QA = ROOT.parent / "shared" / "eval" / "qa_dev.jsonl"
PYTHON = sys.executable
SCRUTINY = str(Path(sys.executable).with_name("scrutiny"))

_SWAPS = (("the ", "the "), ("meeting", "meeting"), ("Council", "council"),
          ("children", "young people"), ("report", "paper"), ("officers", "staff"),
          ("agreed", "decided"), ("service", "provision"), ("plan", "strategy"),
          ("Members", "Councillors"))


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
               PYTHONUNBUFFERED="1")
    env.pop("SCRUTINY_INDEX", None)
    env.pop("SCRUTINY_API_KEY", None)
    return env


def make_variant(text: str, n: int) -> str:
    """A different but realistic document: a few word swaps and an extra closing item."""
    a, b = _SWAPS[n % len(_SWAPS)]
    varied = text.replace(a, b)
    return (varied + f"\n\n{90 + n}. ANY OTHER BUSINESS\n\nThe Chair thanked everyone for "
            f"attending meeting number {n} of the series. Copy {n} of this record was "
            "filed with the democratic services team.\n")


def make_corpus(dest: Path, copies: int = 10, seeds: Path = CORPUS) -> Path:
    """``copies`` times the seed corpus: the seeds themselves plus ``copies - 1`` variants of
    each, under other names (so about ``copies`` x the bytes and documents)."""
    dest.mkdir(parents=True, exist_ok=True)
    for seed in sorted(seeds.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        (dest / seed.name).write_text(text, encoding="utf-8")
        for n in range(1, copies):
            (dest / f"{seed.stem}-copy{n:02d}.txt").write_text(make_variant(text, n),
                                                               encoding="utf-8")
    return dest


def dev_questions() -> list[dict[str, Any]]:
    if not DEV_QA.exists():
        return []
    return [json.loads(line) for line in DEV_QA.read_text().splitlines() if line.strip()]


def answers(assistant: Any, questions: list[dict[str, Any]], ask: bool = True
            ) -> list[tuple[Any, ...]]:
    """A comparable fingerprint of what the assistant returns for each question."""
    out: list[tuple[Any, ...]] = []
    for q in questions:
        hits = assistant.search(q["question"], k=5).hits
        row: tuple[Any, ...] = tuple((h.citation.doc_id, h.citation.char_start,
                                      h.citation.char_end) for h in hits)
        if ask:
            result = assistant.ask(q["question"])
            row += (result.abstained, tuple((c.citation.doc_id, c.citation.char_start,
                                             c.citation.char_end) for c in result.citations))
        out.append(row)
    return out


def fake_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PYTHON, str(FAKE_CLI), *args], capture_output=True, text=True,
                          timeout=timeout, env=subprocess_env(), cwd=ROOT)


def real_cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SCRUTINY, *args], capture_output=True, text=True, timeout=timeout,
                          env=subprocess_env(), cwd=ROOT)


@dataclass
class KillOutcome:
    killed: bool  # False when the build finished before the kill point
    at: str  # the progress event (or time) at which it was killed
    seconds: float
    events: list[str] = field(default_factory=list)


def build_and_kill(corpus: Path, index: Path, kill_after_events: int, extra_delay: float,
                   timeout: float = 600) -> KillOutcome:
    """Start ``fake_cli.py index`` and SIGKILL it ``extra_delay`` s after its n-th progress
    event (0-based); events are ``reading i n``, ``embedding``, ``saving 0 2``, ``saving 2 2``
    (the last one comes after the manifest, before fsync and publish)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([PYTHON, str(FAKE_CLI), "index", str(corpus), "--index", str(index),
                             "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env=subprocess_env(), cwd=ROOT)
    assert proc.stdout is not None
    events: list[str] = []
    try:
        for line in proc.stdout:
            if line.startswith("progress "):
                events.append(line[9:].strip())
                if len(events) > kill_after_events:
                    if extra_delay:
                        time.sleep(extra_delay)
                    proc.send_signal(signal.SIGKILL)
                    proc.wait(timeout=30)
                    killed = proc.returncode == -signal.SIGKILL
                    return KillOutcome(killed, f"{events[-1]} +{extra_delay:.2f}s",
                                       time.perf_counter() - t0, events)
            if time.perf_counter() - t0 > timeout:
                raise TimeoutError(f"build did not reach event {kill_after_events}")
        proc.wait(timeout=30)
        return KillOutcome(False, "finished", time.perf_counter() - t0, events)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def random_kill_point(rng: random.Random, n_files: int) -> tuple[int, float]:
    """A kill point spread over the whole build: any reading step, the embedding, the save,
    or the short window after the manifest is written (fsync, publish, prune)."""
    events = n_files + 1 + 2 + 2  # reading 0..n, embedding start/end, saving 0 and 2
    return rng.randrange(events), rng.choice((0.0, 0.0, rng.uniform(0, 0.05),
                                              rng.uniform(0, 0.5)))


def index_state(index: Path) -> dict[str, Any]:
    """What a reader sees: the live generation and its manifest counts."""
    from indexer import layout

    gen = layout.generation_path(index)
    manifest = layout.read_manifest(gen)
    return {"generation": gen.name, "counts": manifest.get("counts"),
            "documents": sorted(manifest.get("documents", {}))}


# -- sample and adversarial files for the reader fuzzing ------------------------------------------

MINUTES_LINES = (
    "WALSALL METROPOLITAN BOROUGH COUNCIL",
    "Children's Services Scrutiny Panel",
    "Thursday, 13 September 2012 at 6.00 p.m.",
    "Present: Councillor Smith (Chair), Councillors Jones and Patel.",
    "224/12 Apologies",
    "Apologies were received from Councillor Brown.",
    "226/12 Foster carers recruitment",
    "Officers reported that 14 new foster carers had been approved since April.",
    "RESOLVED that the report be noted and a further update be brought in March.",
)


def sample_pdf(pages: int = 2, encrypt: str | None = None) -> bytes:
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    pdf.setTitle("Minutes of the panel")
    for page in range(pages):
        y = 800
        for line in MINUTES_LINES:
            pdf.drawString(60, y, f"{line} (page {page + 1})")
            y -= 20
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def sample_docx(paragraphs: int = 3) -> bytes:
    import io

    import docx

    document = docx.Document()
    document.core_properties.title = "Minutes"
    for _ in range(paragraphs):
        for line in MINUTES_LINES:
            document.add_paragraph(line)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "226/12"
    table.cell(0, 1).text = "Foster carers"
    table.cell(1, 0).text = "227/12"
    table.cell(1, 1).text = "Adoption scorecard"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def sample_html() -> bytes:
    body = "".join(f"<p>{line}</p>" for line in MINUTES_LINES)
    return (f"<!DOCTYPE html><html><head><title>Minutes</title><script>var x = 1;</script>"
            f"</head><body><nav id='main-nav'><a href='/'>Home</a></nav><main>"
            f"<h1>Minutes</h1>{body}<table><tr><td>226/12</td><td>Foster carers</td></tr>"
            f"</table></main><footer>Cookie policy</footer></body></html>").encode()


def docx_bomb(expanded_mb: int = 300) -> bytes:
    """A DOCX whose document.xml inflates to ``expanded_mb`` MB (about 0.1% of it on disk)."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            block = b"<w:p>" + b"a" * (1024 * 1024 - 5)
            for _ in range(expanded_mb):
                fh.write(block)
    return buf.getvalue()


def lying_docx_bomb(expanded_mb: int = 64) -> bytes:
    """A real DOCX whose document.xml inflates to ``expanded_mb`` MB while every header
    claims 1000 bytes, so a check of the declared sizes alone would let it through."""
    import io
    import struct
    import zipfile

    with zipfile.ZipFile(io.BytesIO(sample_docx(1))) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    xml = parts["word/document.xml"]
    at = xml.index(b"</w:t>")
    parts["word/document.xml"] = xml[:at] + b"a" * (expanded_mb * 1024 * 1024) + xml[at:]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    data = bytearray(buf.getvalue())
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (pos := data.find(sig, start)) >= 0:
            struct.pack_into("<I", data, pos + offset, 1000)
            start = pos + 4
    return bytes(data)


def deep_html(depth: int) -> bytes:
    return (b"<html><body>" + b"<div><span>" * depth + b"deep minutes text"
            + b"</span></div>" * depth + b"</body></html>")


def mixed_encodings() -> bytes:
    return ("Minutes of the meeting \u2013 caf\u00e9 r\u00e9sum\u00e9\n".encode()
            + "Councillor M\u00fcller (Chair) na\u00efve\n".encode("latin-1")
            + "\u4f1a\u8bae\u7eaa\u8981 meeting notes\n".encode("gbk")
            + "\u0417\u0430\u0441\u0435\u0434\u0430\u043d\u0438\u0435\n".encode("koi8-r")
            + "RESOLVED that the report be noted.\n".encode("utf-16-le")
            + b"\xff\xfe\xfd broken bytes \x80\x81\n")


def adversarial_files(long_line_mb: int = 2) -> dict[str, bytes]:
    """Name -> bytes of every kind of bad input the issue lists (test-friendly sizes)."""
    pdf = sample_pdf(3)
    docx_bytes = sample_docx()
    return {
        "random.pdf": os.urandom(5000),
        "random.docx": os.urandom(5000),
        "random.html": os.urandom(5000),
        "random.txt": os.urandom(50_000),
        "truncated.pdf": pdf[: len(pdf) // 2],
        "truncated-header.pdf": pdf[:20],
        "no-trailer.pdf": pdf.replace(b"trailer", b"xxxxxxx").replace(b"startxref", b"xxxxxxxxx"),
        "encrypted.pdf": sample_pdf(1, encrypt="secret"),
        "truncated.docx": docx_bytes[: len(docx_bytes) // 2],
        "not-zip.docx": b"PK\x03\x04" + b"\x00" * 100,
        "bomb.docx": docx_bomb(300),
        "lying-bomb.docx": lying_docx_bomb(64),
        "deep.html": deep_html(20_000),
        "unclosed.html": b"<html><body>" + b"<b><i><u>" * 10_000 + b"text",
        "malformed.html": b"<html><body><p>Minutes<table><tr><td>226/12<td>x</p></div></html",
        "scripts-only.html": b"<html><script>" + b"x=1;" * 1000 + b"</script></html>",
        "nul.txt": b"Minutes\x00of the\x00 meeting\x00" * 500,
        "nul.html": b"<p>Minutes\x00 of the meeting</p>" * 200,
        "mixed-encodings.txt": mixed_encodings() * 50,
        "utf16-odd.txt": "\ufeffMinutes of the meeting".encode("utf-16-le")[:-1],
        "empty.txt": b"",
        "whitespace.md": b"   \n\n\t  \n",
        "long-line.txt": b"minutes council resolved " * (long_line_mb * 1024 * 1024 // 25),
        "control.md": bytes(range(32)) * 100 + b"# Minutes\nRESOLVED that it be noted.",
    }


# -- real server processes ------------------------------------------------------------------------

FAKE_SERVER = Path(__file__).resolve().parent / "fake_server.py"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(index: Path, corpus: Path, *, fake: bool = True, env: dict[str, str] | None = None,
                 timeout: float = 120, args: tuple[str, ...] = ()
                 ) -> tuple[subprocess.Popen[bytes], str]:
    """A real server process on a free loopback port (the fake embedder unless ``fake`` is
    False); returns it and its base URL once /health answers. Stop it with ``stop_server``."""

    port = free_port()
    if fake:
        cmd = [PYTHON, str(FAKE_SERVER), "--index", str(index), "--corpus", str(corpus),
               "--port", str(port), *args]
    else:
        cmd = [PYTHON, "-m", "api", "--index", str(index), "--corpus", str(corpus),
               "--port", str(port), "--log-level", "warning"]
    full_env = dict(subprocess_env(), **(env or {}))
    proc = subprocess.Popen(cmd, env=full_env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(proc, url, timeout)
    except TimeoutError:
        stop_server(proc)
        raise
    return proc, url


def wait_healthy(proc: subprocess.Popen[bytes], url: str, timeout: float) -> None:
    """Return once the server at ``url`` answers /health (200, or 503 without an index)."""
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"server exited with {proc.returncode}: {err[-2000:]}")
        try:
            if httpx.get(url + "/health", timeout=2).status_code in (200, 503):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError("server did not start")


def stop_server(proc: subprocess.Popen[bytes], kill: bool = False) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stderr is not None:
        proc.stderr.close()


def deleted_handles(pid: int) -> int:
    """Open file handles of ``pid`` on files that have been deleted (Linux /proc)."""
    fd_dir = Path(f"/proc/{pid}/fd")
    count = 0
    for fd in fd_dir.iterdir():
        try:
            if os.readlink(fd).endswith(" (deleted)"):
                count += 1
        except OSError:
            continue
    return count


def writable_corpus(tmp_path: Path) -> Path:
    """A copy of the bundled corpus the test may change (files made writable)."""
    import shutil

    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    for path in dest.iterdir():
        path.chmod(0o644)
    return dest
