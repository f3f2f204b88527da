"""``scrutiny check`` for the PostgreSQL store: is the generation readers open whole?

The index directory has its own checker (``indexer.check``); a server that only has
``SCRUTINY_STORE`` has no directory to check, and what can go wrong there is different: the
pointer naming a generation that was dropped, a copy that lost rows, vectors of another size
or missing, the HNSW or keyword index not built. Each problem is one line saying what is
wrong; the repair is the same as for the directory (``scrutiny index --rebuild``).
"""

from __future__ import annotations

from typing import Any

from .postgres import SCHEMA, _connect, _current, _safe, _translated


def check(url: str) -> list[str]:
    """Problems of the generation ``current_generation`` points at; empty if it passes."""
    with _translated(url), _connect(url) as conn:
        gen = _current(conn)
        if gen is None:
            return [f"No index is published to PostgreSQL ({_safe(url)}): "
                    f"{SCHEMA}.current_generation is empty or missing. Build one with "
                    "`SCRUTINY_STORE=... scrutiny index`."]
        row = conn.execute("SELECT manifest FROM generations WHERE generation = %s",
                           (int(gen),)).fetchone()
        if row is None:
            return [f"{SCHEMA}.current_generation points at generation {gen}, which is not "
                    "in generations (dropped or never finished)."]
        return _generation_problems(conn, int(gen), row[0] or {})


def _one(conn: Any, sql: str, *params: Any) -> Any:
    return conn.execute(sql, params).fetchone()[0]


def _generation_problems(conn: Any, g: int, manifest: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    counts = manifest.get("counts", {})
    stored = {table: int(_one(conn, f"SELECT count(*) FROM {table} WHERE generation = %s", g))
              for table in ("documents", "chunks", "sentences")}
    for table, n in stored.items():
        if table in counts and int(counts[table]) != n:
            problems.append(f"PostgreSQL generation {g} holds {n} {table}; its manifest says "
                            f"{counts[table]} (a copy that lost or gained rows).")
    orphans = _one(conn, "SELECT count(*) FROM chunks c WHERE c.generation = %s AND NOT EXISTS "
                   "(SELECT 1 FROM documents d WHERE d.generation = c.generation AND "
                   "d.doc_id = c.doc_id)", g)
    if orphans:
        problems.append(f"{orphans} passages of generation {g} belong to no stored document.")
    dim = int(manifest.get("dim") or 0)
    dims = [int(r[0]) for r in conn.execute(
        "SELECT DISTINCT vector_dims(embedding) FROM chunks WHERE generation = %s", (g,))]
    if stored["chunks"] and dim and dims != [dim]:
        problems.append(f"Passage vectors of generation {g} have {', '.join(map(str, dims))} "
                        f"dimensions; the model gives {dim}.")
    if stored["chunks"] and not _one(
            conn, "SELECT count(*) FROM pg_indexes WHERE schemaname = %s AND tablename LIKE %s "
            "AND indexdef ILIKE '%%hnsw%%'", SCHEMA, f"chunks_g{g}%"):
        problems.append(f"Generation {g} has no HNSW index on its passage vectors: meaning "
                        "search would scan every passage.")
    if stored["chunks"] and not _one(
            conn, "SELECT count(*) FROM pg_tables WHERE schemaname = %s AND tablename LIKE %s",
            SCHEMA, f"postings_g{g}%"):
        problems.append(f"Generation {g} has no keyword postings (postings_g{g}): keyword "
                        "search cannot run.")
    return problems

