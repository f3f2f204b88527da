"""Keyword ranking for PostgreSQL that is FTS5's, word for word.

The index directory ranks passages with FTS5's ``bm25(chunks_fts, 1.0, 0.4)`` over its Porter
tokenizer. PostgreSQL's own English stemmer (Snowball, with stop words) splits and conflates
words differently, which changed the keyword ranking of 102 of the dev corpus's 133 questions
and 13 answers. So the publisher takes the words FTS5 itself produced (its ``fts5vocab``
instance table over the records file), computes each (word, passage) BM25 weight as FTS5 does,
and the reader tokenises the question's terms with the same tokenizer (an in-memory FTS5
table). A term of several tokens ("children's", "follow-up") is a phrase to FTS5; here it
counts as its tokens, the one difference left.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Iterator

TOKENIZE = "porter unicode61 remove_diacritics 2"  # indexer/store.py's chunks_fts tokenizer
K1, B = 1.2, 0.75
HEADER_WEIGHT = 0.4  # bm25(chunks_fts, 1.0, 0.4): the header column counts 0.4 of the text

_local = threading.local()


def _tokenizer() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        conn.execute(f"CREATE VIRTUAL TABLE q USING fts5(x, tokenize = '{TOKENIZE}')")
        conn.execute("CREATE VIRTUAL TABLE qv USING fts5vocab(q, 'instance')")
        _local.conn = conn
    return conn


def query_words(terms: list[str]) -> dict[str, float]:
    """Each query token and how many of the query's phrases it stands for: the directory's
    MATCH expression ORs every distinct quoted term, and FTS5 scores each phrase, so a word
    given twice ("Foster", "foster") counts twice there and here."""
    phrases = list(dict.fromkeys(c for c in (t.replace('"', "").strip() for t in terms) if c))
    if not phrases:
        return {}
    conn = _tokenizer()
    try:
        conn.executemany("INSERT INTO q (rowid, x) VALUES (?, ?)", enumerate(phrases))
        out: dict[str, float] = {}  # in the query's order: PostgreSQL sums in this order
        for (term,) in conn.execute("SELECT term FROM qv GROUP BY doc, term "
                                    "ORDER BY doc, min(offset)"):
            out[term] = out.get(term, 0.0) + 1.0
        return out
    finally:
        conn.execute("DELETE FROM q")


def postings(src: sqlite3.Connection) -> tuple[dict[int, int], Iterator[tuple[int, str, float]]]:
    """Passage lengths in tokens, and (chunk_id, token, BM25 weight) for every token of every
    passage in the records file's ``chunks_fts``, with FTS5's formula: idf = ln((N - n + 0.5)
    / (n + 0.5)) (at least 1e-6), tf = text hits + 0.4 x header hits, length = all tokens."""
    src.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_rows "
                "USING fts5vocab(main, 'chunks_fts', 'row')")
    src.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_instances "
                "USING fts5vocab(main, 'chunks_fts', 'instance')")
    n = int(src.execute("SELECT count(*) FROM chunks_fts").fetchone()[0])
    doclen = {int(d): int(c) for d, c in src.execute(
        "SELECT doc, count(*) FROM temp.fts_instances GROUP BY doc")}
    avgdl = max(sum(doclen.values()) / max(n, 1), 1e-9)
    idf = {t: max(math.log((n - df + 0.5) / (df + 0.5)), 1e-6)
           for t, df in src.execute("SELECT term, doc FROM temp.fts_rows")}

    def rows() -> Iterator[tuple[int, str, float]]:
        # The same floating-point steps as fts5_bm25, so equal scores stay equal (ties).
        for doc, term, text, header in src.execute(
                "SELECT doc, term, sum(col = 'text'), sum(col = 'header') "
                "FROM temp.fts_instances GROUP BY doc, term"):
            tf = float(text)
            for _ in range(header):
                tf += HEADER_WEIGHT
            norm = K1 * (1 - B + B * doclen[doc] / avgdl)
            yield int(doc), term, idf[term] * ((tf * (K1 + 1.0)) / (tf + norm))

    return doclen, rows()
