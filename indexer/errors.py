"""A short error hierarchy, translated at each edge (CLI exit codes, HTTP statuses, TUI notices).

Messages are written for the person who will read them: they say what is wrong and what to
type to fix it. Nothing here carries internal paths beyond the ones the user gave us.
"""

from __future__ import annotations


class ScrutinyError(Exception):
    """Base class: anything the user can act on."""


class SettingsError(ScrutinyError):
    """A ``SCRUTINY_*`` setting (or option) has a value that cannot be used."""


class ReadError(ScrutinyError):
    """A source file could not be turned into text (corrupt, encrypted, unsupported, empty)."""


class IndexMissingError(ScrutinyError):
    """No index has been built at the given directory yet."""


class IndexIncompatibleError(ScrutinyError):
    """The index was built with another schema, model or dimension."""


class IndexCorruptError(ScrutinyError):
    """The index fails an integrity check."""


class IndexLockedError(ScrutinyError):
    """Another build holds the index lock."""


class StoreUnavailableError(ScrutinyError):
    """The database holding the index (PostgreSQL) cannot be reached or failed mid-query;
    nothing is wrong with the request, and the same request works once the server is back."""


class IndexWriteError(ScrutinyError):
    """The index directory cannot be created or written (permissions, full disk)."""


class QueryError(ScrutinyError):
    """A query or filter the user gave cannot be used as it is (empty, too long, bad date)."""


class NotFoundError(ScrutinyError):
    """A named document or item does not exist in the index."""


class FetchError(ScrutinyError):
    """A source site could not be read at all (bad address, or neither its web service nor its
    pages answer); single failed meetings are reported, not raised."""


class UnsupportedFileError(ScrutinyError):
    """A file whose type no reader handles was offered for the corpus."""


class DuplicateDocumentError(ScrutinyError):
    """The same bytes are already in the corpus as another document with other metadata; one
    addition never rewrites another document's sidecar."""

    def __init__(self, message: str, doc_id: str | None, name: str) -> None:
        super().__init__(message)
        self.doc_id = doc_id  # None when the copy in the corpus is not indexed (yet)
        self.name = name  # the copy's file name in the corpus


class DocumentNotFoundError(NotFoundError):
    """No indexed document has the given id."""


class CorpusMismatchError(ScrutinyError):
    """The corpus folder does not hold the files the index was built from, so a rebuild from it
    would drop documents: ``missing`` counts them and ``example`` names one; ``doc_id`` is set
    when it is the file of the document being removed."""

    def __init__(self, message: str, missing: int = 0, example: str = "",
                 doc_id: str | None = None) -> None:
        super().__init__(message)
        self.missing = missing
        self.example = example
        self.doc_id = doc_id


class StorageError(ScrutinyError):
    """A folder (``where``: "corpus folder", "index folder", ...) could not be written, and
    nothing was changed. ``kind`` is "full" (disk or quota), "read-only" (or no permission) or
    "other", with the system's ``reason``."""

    def __init__(self, message: str, where: str, kind: str, reason: str = "") -> None:
        super().__init__(message)
        self.where = where
        self.kind = kind
        self.reason = reason
