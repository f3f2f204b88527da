"""The bundled corpus as a user sees it after `scrutiny index`: metadata of the five seeds through
`scrutiny documents --json`, the resolutions of each minute item, exact offsets, chunk sizes in
the model's word pieces, and a second run that changes nothing without loading the model."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

# source -> (place in the council name, words of the committee, date, doc_type)
SEEDS = {
    "barnsley-childrens-services-peer-challenge-2022-03.txt":
        ("barnsley", "peer challenge", "2022-03-03", "peer_review"),
    "barnsley-childrens-services-scrutiny-committee-2014-01-14.txt":
        ("barnsley", "children's services scrutiny committee", "2014-01-14", "minutes"),
    "barnsley-continuous-service-improvement-report-2017-09-19.txt":
        ("barnsley", "overview and scrutiny committee", "2017-09-19", "report"),
    "bury-childrens-safeguarding-overview-project-group-2018-10-16.txt":
        ("bury", "children's safeguarding overview project group", "2018-10-16", "minutes"),
    "walsall-children-young-people-scrutiny-panel-2012-09-13.txt":
        ("walsall", "children's and young people scrutiny and performance panel", "2012-09-13",
         "minutes"),
}
# source -> minute items that carry a resolution or agreement
DECIDING_ITEMS = {
    "walsall-children-young-people-scrutiny-panel-2012-09-13.txt":
        {"224/12", "226/12", "227/12", "228/12", "229/12"},
    "bury-childrens-safeguarding-overview-project-group-2018-10-16.txt":
        {"CS.02", "CS.03", "CS.04", "CS.05"},
    "barnsley-childrens-services-scrutiny-committee-2014-01-14.txt": {"19"},
}


def _norm(s: str | None) -> str:
    return " ".join((s or "").lower().replace("’", "'").split())


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    return subprocess.run([sys.executable, "-m", "scrutiny.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def documents_json(corpus_index: Path) -> dict:
    result = _cli("documents", "--json", "--index", str(corpus_index))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def records(corpus_index: Path):
    gen = (corpus_index / "CURRENT").read_text(encoding="utf-8").strip()
    conn = sqlite3.connect(f"file:{corpus_index / gen / 'records.sqlite'}?mode=ro", uri=True)
    yield conn
    conn.close()


def _doc_ids(records: sqlite3.Connection) -> dict[str, str]:
    return {src: doc_id for doc_id, src in records.execute("SELECT doc_id, source FROM documents")}


def test_documents_json_lists_the_five_seeds(documents_json: dict) -> None:
    assert documents_json["count"] == 5
    assert sorted(d["source"] for d in documents_json["documents"]) == sorted(SEEDS)
    for d in documents_json["documents"]:
        assert set(d) >= {"doc_id", "title", "council", "committee", "doc_type", "date", "items",
                          "chunks"}
        assert d["items"] > 0 and d["chunks"] > 0 and d["title"]


@pytest.mark.parametrize("source", sorted(SEEDS))
def test_seed_metadata(documents_json: dict, source: str) -> None:
    place, committee, date, doc_type = SEEDS[source]
    (doc,) = [d for d in documents_json["documents"] if d["source"] == source]
    assert place in _norm(doc["council"]), doc
    assert "council" in _norm(doc["council"])
    assert committee in _norm(doc["committee"]), doc
    assert doc["date"] == date
    assert doc["doc_type"] == doc_type


@pytest.mark.parametrize("source", sorted(DECIDING_ITEMS))
def test_seed_resolutions_by_item(records: sqlite3.Connection, source: str) -> None:
    doc_id = _doc_ids(records)[source]
    rows = records.execute("SELECT item_ref, kind FROM resolutions WHERE doc_id = ?",
                           (doc_id,)).fetchall()
    deciding = {ref.rstrip(".") for ref, kind in rows if kind in ("resolved", "agreed")}
    assert deciding == DECIDING_ITEMS[source]


def test_seed_resolution_counts_in_documents_json(documents_json: dict) -> None:
    counts = {d["source"]: d.get("resolutions") for d in documents_json["documents"]}
    for source, items in DECIDING_ITEMS.items():
        assert counts[source] >= len(items)


def test_seed_undertakings(records: sqlite3.Connection) -> None:
    doc_id = _doc_ids(records)["bury-childrens-safeguarding-overview-project-group-2018-10-16.txt"]
    rows = records.execute("SELECT item_ref, text FROM resolutions WHERE doc_id = ? AND "
                           "kind = 'undertaking'", (doc_id,)).fetchall()
    assert ("CS.04", "In response to a question from the Chair, Ahmed undertook to provide the "
                     "number of re-referrals to the programme from phase 1.") in rows


def test_seed_attendance(records: sqlite3.Connection) -> None:
    ids = _doc_ids(records)
    rows = records.execute("SELECT doc_id, role, name FROM attendance").fetchall()

    def names(source: str, role: str) -> str:
        return " | ".join(n for d, r, n in rows if d == ids[source] and r == role)

    bury = "bury-childrens-safeguarding-overview-project-group-2018-10-16.txt"
    barnsley = "barnsley-childrens-services-scrutiny-committee-2014-01-14.txt"
    walsall = "walsall-children-young-people-scrutiny-panel-2012-09-13.txt"
    assert "Susan Southworth" in names(bury, "present")
    assert "Karen Dolton" in names(bury, "officer")
    assert "Interim Executive Director" not in names(bury, "officer")
    assert "Worton" in names(barnsley, "present")
    assert "Morritt" in names(barnsley, "apologies")
    assert "Cassidy" in names(walsall, "present")
    assert "Rose Collinson" in names(walsall, "officer")


def test_seed_offsets_are_exact(records: sqlite3.Connection) -> None:
    texts = dict(records.execute("SELECT doc_id, text FROM documents"))
    for table, cols in (("chunks", "text"), ("resolutions", "text"), ("attendance", "name")):
        rows = records.execute(f"SELECT doc_id, char_start, char_end, {cols} FROM {table}")
        n = 0
        for doc_id, a, b, value in rows:
            assert texts[doc_id][a:b] == value, (table, doc_id, a, b)
            n += 1
        assert n > 0, table
    for doc_id, a, b, ref, title in records.execute(
            "SELECT doc_id, char_start, char_end, ref, title FROM items WHERE ref != ''"):
        assert 0 <= a < b <= len(texts[doc_id])
        # An item starts at its own label: its ref ("226/12"), the numeral of a sub-question
        # ("ix" of "19 (ix)") or, for a sub-heading, the heading after its section title.
        labels = (ref, ref.rpartition("(")[2].rstrip(")"), title.rpartition(": ")[2][:20])
        assert any(texts[doc_id][a:].startswith(x) for x in labels if x), (doc_id, ref, title)
    # Stored documents are the files as read: the text is the source file's text.
    for source, doc_id in _doc_ids(records).items():
        raw = (CORPUS / source).read_text(encoding="utf-8").replace("\r\n", "\n")
        assert texts[doc_id] == raw


def test_seed_chunks_stay_inside_one_item(records: sqlite3.Connection) -> None:
    items: dict[str, list[tuple[int, int, str]]] = {}
    for doc_id, a, b, ref in records.execute("SELECT doc_id, char_start, char_end, ref "
                                             "FROM items"):
        items.setdefault(doc_id, []).append((a, b, ref))
    for doc_id, a, b, ref, text in records.execute(
            "SELECT doc_id, char_start, char_end, item_ref, text FROM chunks"):
        bounds = {x for s, e, _r in items[doc_id] for x in (s, e)}
        # An item holding only its heading joins the passage it heads (a heading-only chunk
        # ranked first and said nothing): only short heading lines precede the boundary.
        inner = [x for x in bounds if a < x < b]
        lead = text[:max(inner) - a] if inner else ""
        assert all(len(line.split()) <= 25 and not line.rstrip().endswith((".", ";"))
                   for line in lead.split("\n") if line.strip()), (doc_id, a, b, ref)
        start = max([s for s, _e, _r in items[doc_id] if a < s < b], default=a)
        owners = [(s, e, r) for s, e, r in items[doc_id] if s <= start and b <= e and r == ref]
        assert owners, (doc_id, a, b, ref)


def test_seed_chunks_fit_the_model_with_their_header(records: sqlite3.Connection) -> None:
    from indexer.embedding import load_tokenizer

    tokenizer = load_tokenizer()
    rows = records.execute("SELECT header, text FROM chunks").fetchall()
    assert len(rows) > 50
    longest = 0
    for header, text in rows:
        assert header and text
        n = tokenizer.count(f"{header}\n{text}") + 2  # [CLS] and [SEP]
        longest = max(longest, n)
        assert n <= 256, (n, header, text[:80])
    assert longest > 150  # chunks are token-sized, not tiny fragments
    # Headers give context a passage may lack: council, committee, date and item.
    walsall = [h for (h,) in records.execute(
        "SELECT header FROM chunks WHERE item_ref = '226/12'")]
    assert walsall and all("Walsall" in h and "2012-09-13" in h and "226/12" in h
                           for h in walsall)


def test_seed_resolutions_do_not_overlap(records: sqlite3.Connection) -> None:
    spans: dict[str, list[tuple[int, int]]] = {}
    for doc_id, a, b in records.execute("SELECT doc_id, char_start, char_end FROM resolutions"):
        spans.setdefault(doc_id, []).append((a, b))
    for doc_id, pairs in spans.items():
        pairs.sort()
        for (_a1, b1), (a2, _b2) in zip(pairs, pairs[1:], strict=False):
            assert b1 <= a2, doc_id


def test_seed_resolution_excludes_signature(records: sqlite3.Connection) -> None:
    texts = [t for (t,) in records.execute("SELECT text FROM resolutions WHERE item_ref='CS.05'")]
    assert texts and not any("SOUTHWORTH" in t for t in texts)


def test_unchanged_rerun_does_not_load_the_model(writable_index: Path) -> None:
    code = ("import json, sys\n"
            "from scrutiny.cli import main\n"
            f"rc = main(['index', {str(CORPUS)!r}, '--index', {str(writable_index)!r}, "
            "'--json'])\n"
            "heavy = sorted(m for m in ('torch', 'sentence_transformers') if m in sys.modules)\n"
            "print(json.dumps({'rc': rc, 'heavy': heavy}), file=sys.stderr)\n")
    before = (writable_index / "CURRENT").read_text(encoding="utf-8")
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    status = json.loads(result.stderr.strip().splitlines()[-1])
    assert status == {"rc": 0, "heavy": []}, result.stderr
    report = json.loads(result.stdout)
    assert report["changed"] is False and report["model_loaded"] is False
    assert sorted(report["unchanged"]) == sorted(SEEDS)
    assert report["chunks_embedded"] == 0 and report["documents_total"] == 5
    assert (writable_index / "CURRENT").read_text(encoding="utf-8") == before


def test_asking_with_the_default_backend_never_imports_torch(corpus_index: Path) -> None:
    """The ONNX default answers without torch: seconds faster to start, hundreds of MB less."""
    code = ("import json, sys\n"
            "from scrutiny.cli import main\n"
            f"rc = main(['ask', 'Who chaired the meeting?', '--index', {str(corpus_index)!r}])\n"
            "heavy = sorted(m for m in ('torch', 'sentence_transformers') if m in sys.modules)\n"
            "print(json.dumps({'rc': rc, 'heavy': heavy}), file=sys.stderr)\n")
    env = {k: v for k, v in os.environ.items() if k not in ("SCRUTINY_BACKEND",)}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    status = json.loads(result.stderr.strip().splitlines()[-1])
    assert status == {"rc": 0, "heavy": []}, result.stderr
    assert "[1]" in result.stdout
