"""Keyword ranking for PostgreSQL that is FTS5's, word for word.

The index directory ranks passages with FTS5's ``bm25(chunks_fts, 1.0, 0.4)`` over its Porter
tokenizer. PostgreSQL's own English stemmer (Snowball, with stop words) splits and conflates
words differently, which changed the keyword ranking of 102 of the dev corpus's 133 questions
and 13 answers. So the publisher takes the words FTS5 itself produced (its ``fts5vocab``
instance table over the records file), computes each (word, passage) BM25 weight as FTS5 does,
and the reader tokenises the question's terms with the same tokenizer (an in-memory FTS5
table). A term of several tokens ("children's", "follow-up") is a phrase to FTS5: the
postings keep each token's positions, and the reader counts the phrase's hits from them.
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator

TOKENIZE = "porter unicode61 remove_diacritics 2"  # indexer/store.py's chunks_fts tokenizer
K1, B = 1.2, 0.75
HEADER_WEIGHT = 0.4  # bm25(chunks_fts, 1.0, 0.4): the header column counts 0.4 of the text
# FTS5 table -> (its second column, that column's weight): passages, and decisions, whose
# item titles count 0.5 (bm25(resolutions_fts, 1.0, 0.5))
FTS = {"chunks_fts": ("header", HEADER_WEIGHT), "resolutions_fts": ("item_title", 0.5)}
HEADER_AT = 1_000_000  # a header token's position is this + its offset: no phrase spans both

# A query term is a word that may hold these joiners (retriever.query's _WORD), so its
# phrases of several tokens are words like these in the text
_JOINED = re.compile(r"[A-Za-z0-9]+(?:['’&-]+[A-Za-z0-9]+)+")
_local = threading.local()


def _tokenizer() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        conn.execute(f"CREATE VIRTUAL TABLE q USING fts5(x, tokenize = '{TOKENIZE}')")
        conn.execute("CREATE VIRTUAL TABLE qv USING fts5vocab(q, 'instance')")
        _local.conn = conn
    return conn


def query_words(terms: list[str]) -> tuple[dict[str, float], dict[tuple[str, ...], float]]:
    """The query's FTS5 phrases: single tokens, and phrases of several ("children's" is
    "children s"), each with how many of the query's terms it stands for. The directory's
    MATCH expression ORs every distinct quoted term and FTS5 scores each phrase, so a word
    given twice ("Foster", "foster") counts twice there and here."""
    phrases = list(dict.fromkeys(c for c in (t.replace('"', "").strip() for t in terms) if c))
    if not phrases:
        return {}, {}
    conn = _tokenizer()
    try:
        conn.executemany("INSERT INTO q (rowid, x) VALUES (?, ?)", enumerate(phrases))
        tokens: dict[int, list[str]] = {}
        for doc, term in conn.execute("SELECT doc, term FROM qv ORDER BY doc, offset"):
            tokens.setdefault(int(doc), []).append(term)
    finally:
        conn.execute("DELETE FROM q")
    words: dict[str, float] = {}  # in the query's order: PostgreSQL sums in this order
    multi: dict[tuple[str, ...], float] = {}
    for doc in sorted(tokens):
        if len(tokens[doc]) == 1:
            words[tokens[doc][0]] = words.get(tokens[doc][0], 0.0) + 1.0
        else:
            multi[tuple(tokens[doc])] = multi.get(tuple(tokens[doc]), 0.0) + 1.0
    return words, multi


Postings = Iterator[tuple[int, str, float, list[int]]]


def postings(src: sqlite3.Connection, table: str = "chunks_fts"
             ) -> tuple[dict[int, int], dict[str, float], Postings]:
    """Row lengths in tokens, the table's size and mean length, and (rowid, token, BM25
    weight, positions) for every token of every row of the records file's FTS5 ``table``,
    with FTS5's formula: idf = ln((N - n + 0.5) / (n + 0.5)) (at least 1e-6), tf = text hits
    + the second column's weight x its hits, length = all tokens. Positions (the second
    column's from ``HEADER_AT``) let the reader find any phrase as FTS5 does; the phrases
    of the text's joined words ("children's" is "children s") are scored here as well, under
    their tokens joined by a space, since counting a common one from positions at query
    time reads thousands of postings (190 ms for "children's" at 100x)."""
    second, w2 = FTS[table]
    src.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table}_rows "
                f"USING fts5vocab(main, '{table}', 'row')")
    src.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table}_instances "
                f"USING fts5vocab(main, '{table}', 'instance')")
    n = int(src.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    doclen = {int(d): int(c) for d, c in src.execute(
        f"SELECT doc, count(*) FROM temp.{table}_instances GROUP BY doc")}
    avgdl = max(sum(doclen.values()) / max(n, 1), 1e-9)
    idf = {t: max(math.log((n - df + 0.5) / (df + 0.5)), 1e-6)
           for t, df in src.execute(f"SELECT term, doc FROM temp.{table}_rows")}

    def rows() -> Postings:
        for doc, term, text, header, pos in src.execute(
                f"SELECT doc, term, sum(col = 'text'), sum(col = '{second}'), group_concat("
                f"CASE WHEN col = '{second}' THEN offset + {HEADER_AT} ELSE offset END) "
                f"FROM temp.{table}_instances GROUP BY doc, term"):
            yield (int(doc), term, weight(idf[term], tf(text, header, w2), doclen[doc], avgdl),
                   sorted(int(p) for p in pos.split(",")))
        hits = _phrase_hits(src, table, second)
        for phrase, found in hits.items():
            df = len(found)
            p_idf = max(math.log((n - df + 0.5) / (df + 0.5)), 1e-6)
            for doc, (text, header) in found.items():
                yield doc, " ".join(phrase), weight(p_idf, tf(text, header, w2), doclen[doc],
                                                    avgdl), []

    return doclen, {"n": float(n), "avgdl": avgdl}, rows()


def _phrase_hits(src: sqlite3.Connection, table: str, second: str
                 ) -> dict[tuple[str, ...], dict[int, list[int]]]:
    """Every occurrence, in any row, of the token sequences of the table's joined words:
    phrase -> {rowid: [text hits, second-column hits]}, as FTS5 counts a phrase."""
    words: set[str] = set()
    for row in src.execute(f"SELECT * FROM {table}"):
        for value in row:
            words.update(_JOINED.findall(value or ""))
    by_first: dict[str, set[tuple[str, ...]]] = {}
    for phrase in query_words(sorted(words))[1]:
        by_first.setdefault(phrase[0], set()).add(phrase)
    hits: dict[tuple[str, ...], dict[int, list[int]]] = {}
    doc, at = None, {}
    rows = src.execute(f"SELECT doc, col, offset, term FROM temp.{table}_instances "
                       "ORDER BY doc, col, offset")
    for d, col, off, term in [*rows, (None, None, 0, "")]:
        if d != doc:  # a row's tokens are all read: find its phrases
            for (c, o), t in at.items():
                for phrase in by_first.get(t, ()):
                    if all(at.get((c, o + i)) == phrase[i] for i in range(1, len(phrase))):
                        hits.setdefault(phrase, {}).setdefault(int(doc), [0, 0])[
                            c == second] += 1
            doc, at = d, {}
        at[(col, off)] = term
    return hits


def tf(text_hits: int, header_hits: int, header_weight: float = HEADER_WEIGHT) -> float:
    """FTS5 adds each hit's column weight in turn: the same steps give the same float."""
    out = float(text_hits)
    for _ in range(header_hits):
        out += header_weight
    return out


def weight(idf: float, tf: float, length: int, avgdl: float) -> float:
    """One phrase's BM25 term in fts5_bm25's order of floating-point operations, so scores
    equal there are equal here (ties break alike)."""
    return idf * ((tf * (K1 + 1.0)) / (tf + K1 * (1 - B + B * length / avgdl)))


def ranking_sql(terms: list[str], docs: str, bm25: dict[str, float] | None,
                table: str = "postings", key: str = "chunk_id",
                header_weight: float = HEADER_WEIGHT,
                scored: Callable[[list[str]], set[str]] | None = None
                ) -> tuple[str, dict[str, object]] | None:
    """PostgreSQL's keyword ranking of ``terms`` (chunk_id, s), best first, and its
    parameters; ``docs`` is the reader's filter clause; ``{G}`` its generation. Single
    tokens are summed from their postings, strongest first (at most ``%(depth)s`` each: a
    word in most passages would otherwise rank the whole table). A phrase's hits are counted
    from its tokens' positions, over every passage, since its IDF is the number of passages
    holding it (so a phrase reads every council's postings of its words, filtered or not); a
    generation published without positions (``bm25`` None) scores a phrase as its tokens.
    ``table`` and ``key``: the same for decisions (``res_postings``, ``id``). ``scored``
    says which phrases the publisher scored (joined words of the text): those are read like
    words."""
    words, multi = query_words(terms)
    if multi and bm25 is not None and scored is not None:
        have = scored([" ".join(p) for p in multi])
        for phrase in [p for p in multi if " ".join(p) in have]:
            words[" ".join(phrase)] = words.get(" ".join(phrase), 0.0) + multi.pop(phrase)
    if bm25 is None:
        for phrase, times in multi.items():
            for token in phrase:
                words[token] = words.get(token, 0.0) + times
        multi = {}
    if not words and not multi:
        return None
    params: dict[str, object] = {"words": list(words), "times": list(words.values())}
    parts = [f"SELECT {key}, w * l.n AS w FROM unnest(%(words)s::text[], %(times)s::float8[]) "
             f"l(lexeme, n), LATERAL (SELECT {key}, w FROM {table}_g{{G}} WHERE "
             f"lexeme = l.lexeme{docs} ORDER BY w DESC LIMIT %(depth)s) p"]
    for i, (phrase, times) in enumerate(multi.items()):
        joins = "".join(f" JOIN {table}_g{{G}} p{j} ON p{j}.{key} = p0.{key} AND "
                        f"p{j}.lexeme = %(ph{i}_{j})s" for j in range(1, len(phrase)))
        follows = "".join(f" AND x + {j} = ANY(p{j}.pos)" for j in range(1, len(phrase)))
        params |= {f"ph{i}_{j}": t for j, t in enumerate(phrase)} | {f"ph{i}": times}
        # hits: FTS5 adds 1 for a text hit and 0.4 for a header hit, in that order
        parts.append(
            f"SELECT {key}, %(ph{i})s * greatest(ln((%(n)s - df + 0.5) / (df + 0.5)), "
            "1e-6::float8) * ((tf * (%(k1)s + 1.0::float8)) / (tf + %(k1)s * (1.0::float8 - "
            "%(b)s + %(b)s * doclen / %(avgdl)s))) AS w FROM (SELECT h.*, "
            f"count(*) OVER () AS df FROM (SELECT p0.{key}, p0.doclen"
            f"{', p0.doc_id, p0.shard' if docs else ''}, "
            f"(SELECT count(*) FILTER (WHERE x < {HEADER_AT}) + %(hw)s * count(*) FILTER "
            f"(WHERE x >= {HEADER_AT}) FROM unnest(p0.pos) x WHERE true{follows}) AS tf "
            f"FROM {table}_g{{G}} p0{joins} WHERE p0.lexeme = %(ph{i}_0)s) h "
            "WHERE h.tf > 0) z "
            f"WHERE true{docs}")
    if multi:
        params |= {"n": bm25["n"], "avgdl": bm25["avgdl"], "k1": K1, "b": B,
                   "hw": header_weight}
    return (f"SELECT {key}, sum(w) AS s FROM (" + " UNION ALL ".join(parts) + ") kw "
            f"GROUP BY {key} ORDER BY s DESC, {key} LIMIT %(k)s"), params
