"""A short load run: the API keeps answering while `scrutiny index` rebuilds the same index in
another process: zero failed requests, and readers switch to the new generation atomically
(document counts go 5 -> 6, never anything in between). bench/soak.py is the long version."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from pathlib import Path

from fastapi.testclient import TestClient
from rel_helpers import CORPUS, FAKE_CLI, PYTHON, ROOT, make_variant, subprocess_env

from api.app import create_app
from indexer.check import check_index
from indexer.config import Settings
from retriever import Assistant

QUERIES = ["foster carers", "CAMHS waiting times", "Almondbury zebra crossing",
           "improvement notice", "who chaired the meeting"]


def test_serving_through_a_rebuild(tmp_path: Path, fake_index: Path, hash_embedder) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    bury = min(CORPUS.glob("*.txt"), key=lambda p: p.stat().st_size)
    settings = Settings(index_dir=fake_index, corpus_dir=corpus)
    assistant = Assistant.open(fake_index, settings=settings, embedder=hash_embedder)
    app = create_app(settings, assistant=assistant)
    errors: list[str] = []
    seen: list[list[int]] = []
    stop = threading.Event()
    served = [0]

    def client_loop(n: int, client: TestClient) -> None:
        counts: list[int] = []
        seen.append(counts)
        i = n
        while not stop.is_set():
            i += 1
            q = QUERIES[i % len(QUERIES)]
            try:
                if i % 3 == 0:
                    r = client.post("/ask", json={"question": q})
                else:
                    r = client.get("/search", params={"q": q, "k": 5})
                if r.status_code != 200:
                    errors.append(f"{r.status_code} {r.text[:200]}")
                health = client.get("/health")
                if health.status_code != 200:
                    errors.append(f"health {health.status_code}")
                else:
                    counts.append(health.json()["documents"])
                served[0] += 2
            except Exception as exc:  # any transport or server failure is an error
                errors.append(repr(exc))

    with TestClient(app, raise_server_exceptions=False) as client:
        threads = [threading.Thread(target=client_loop, args=(n, client), daemon=True)
                   for n in range(6)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        (corpus / "new-minutes.txt").write_text(make_variant(bury.read_text(), 6))
        build = subprocess.run([PYTHON, str(FAKE_CLI), "index", str(corpus), "--index",
                                str(fake_index), "--quiet"], capture_output=True, text=True,
                               env=subprocess_env(), cwd=ROOT, timeout=300)
        assert build.returncode == 0, build.stderr
        time.sleep(1.5)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        final = client.get("/health").json()
    assistant.close()
    assert not errors, errors[:5]
    assert served[0] > 20
    assert final["documents"] == 6
    for counts in seen:
        assert set(counts) <= {5, 6}
        assert counts == sorted(counts), "a client saw the old index after the new one"
    assert check_index(fake_index) == []
    print(f"served {served[0]} requests through the rebuild, 0 errors")
