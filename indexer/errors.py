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
