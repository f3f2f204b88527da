"""Read scrutiny records, recognise their structure, and write a local index directory."""

from .build import build_index
from .config import Settings
from .errors import (
    IndexCorruptError,
    IndexIncompatibleError,
    IndexLockedError,
    IndexMissingError,
    IndexWriteError,
    NotFoundError,
    QueryError,
    ReadError,
    ScrutinyError,
)
from .models import Attendee, BuildReport, Chunk, Document, Item, Resolution, SkippedFile

__all__ = [
    "Attendee", "BuildReport", "Chunk", "Document", "IndexCorruptError", "IndexIncompatibleError",
    "IndexLockedError", "IndexMissingError", "IndexWriteError", "Item", "NotFoundError",
    "QueryError", "ReadError", "Resolution", "ScrutinyError", "Settings", "SkippedFile",
    "build_index",
]
