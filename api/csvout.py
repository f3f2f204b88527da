"""CSV renderings of search hits and resolutions, for officers who live in spreadsheets.

One row per hit, citation fields flattened into columns, a header row, UTF-8 with a BOM, RFC 4180
quoting. Text cells that a spreadsheet would run as a formula (leading ``= + - @``) are
prefixed with an apostrophe, the usual defence against CSV formula injection: the JSON
endpoints keep the exact text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from fastapi.responses import Response

CITATION_COLUMNS = ["doc_id", "title", "council", "committee", "doc_type", "date", "published",
                    "item_ref", "item_title", "source", "url", "char_start", "char_end", "page"]
SEARCH_COLUMNS = ["rank", "score", "chunk_id", *CITATION_COLUMNS, "text"]
RESOLUTION_COLUMNS = ["kind", *CITATION_COLUMNS, "text"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

CSV_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {
    "schema": {"type": "string"}}}, "description": "JSON by default; CSV with format=csv."}}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _render(columns: list[str], rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def _flatten(entry: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    row = {k: entry.get(k) for k in keys}
    row.update(entry.get("citation") or {})
    row["text"] = entry.get("text")
    if "item_ref" in entry:  # the record's own item wins over the citation's
        row["item_ref"], row["item_title"] = entry.get("item_ref"), entry.get("item_title")
    return row


def csv_response(text: str, filename: str) -> Response:
    # The byte-order mark tells Excel the file is UTF-8; without it "–" and "é" garble.
    return Response(content=text.encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def search_csv(result: dict[str, Any]) -> Response:
    rows = (_flatten(h, ["rank", "score", "chunk_id"]) for h in result["hits"])
    return csv_response(_render(SEARCH_COLUMNS, rows), "search.csv")


def resolutions_csv(result: dict[str, Any]) -> Response:
    rows = (_flatten(r, ["kind"]) for r in result["resolutions"])
    return csv_response(_render(RESOLUTION_COLUMNS, rows), "resolutions.csv")
