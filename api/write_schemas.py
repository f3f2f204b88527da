"""The model of an upload's status (``202`` from POST /documents, ``GET /uploads/{id}``).

Apart from ``schemas.py`` because it belongs to the write queue (``writer``), not to reads.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .schemas import SUMMARY_EXAMPLE, DocumentSummary


class UploadStatus(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"upload_id": "3f1c9a0b2d4e6f70", "status": "indexing", "location": "/uploads/"
         "3f1c9a0b2d4e6f70"},
        {"upload_id": "3f1c9a0b2d4e6f70", "status": "indexed", "document": SUMMARY_EXAMPLE,
         "documents": 6, "location": "/uploads/3f1c9a0b2d4e6f70"}]})
    upload_id: str
    status: Literal["queued", "indexing", "indexed", "unchanged", "failed", "cancelled"]
    location: str = Field(description="Where to poll this status.")
    document: DocumentSummary | None = Field(default=None, description="Once indexed.")
    documents: int | None = Field(default=None, description="Documents in the index after it.")
    error_status: int | None = Field(default=None, description=(
        "The HTTP status the upload would have got (failed or cancelled)."))
    detail: str | None = Field(default=None, description="Why it failed.")
