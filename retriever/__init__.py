"""Search and cited answers over an index directory. ``Assistant`` is the public facade."""

from .assistant import MAX_QUERY_CHARS, Assistant
from .results import (
    AskResult,
    Citation,
    CitedQuote,
    DocumentDetail,
    DocumentSummary,
    Facets,
    Filters,
    Health,
    Hit,
    PreparePoint,
    PrepareResult,
    ResolutionHit,
    ResolutionsResult,
    SearchResult,
)

__all__ = [
    "MAX_QUERY_CHARS", "AskResult", "Assistant", "Citation", "CitedQuote", "DocumentDetail",
    "DocumentSummary", "Facets", "Filters", "Health", "Hit", "PreparePoint", "PrepareResult",
    "ResolutionHit", "ResolutionsResult", "SearchResult",
]
