"""Two small minutes of a made-up council, shared by the tests that add documents (library,
CLI and TUI): one already in the corpus, one a user adds."""

from __future__ import annotations

from pathlib import Path

from indexer.build import build_index
from indexer.config import Settings
from tests.fakes import HashEmbedder

OLDER = """Northshire County Council
Minutes of the Children's Scrutiny Committee held on 14 January 2014

1. Foster carers
Members asked about the recruitment of foster carers. RESOLVED that the report be noted.
"""

NEW = """Northshire County Council
Minutes of the Corporate Parenting Board held on 5 June 2019

1. Zebra crossing at Almondbury
Members discussed the zebra crossing outside the children's home. RESOLVED that officers
report back on the zebra crossing by September.
"""


def indexed_corpus(tmp_path: Path) -> tuple[Settings, HashEmbedder]:
    """A corpus holding OLDER, indexed with the fake embedder."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "scrutiny-2014-01-14.txt").write_text(OLDER, encoding="utf-8")
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus)
    embedder = HashEmbedder()
    build_index([corpus], settings, embedder=embedder)
    return settings, embedder
