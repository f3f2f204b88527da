"""One widget per module; each takes method calls from its screen and posts messages up."""

from .busy_indicator import BusyIndicator
from .citation_list import CitationEntry, CitationList
from .conversation_log import ConversationLog
from .document_body import DocumentBody
from .document_list import DocumentList
from .error_notice import ErrorNotice
from .exchange_view import ExchangeView
from .filter_bar import FilterBar
from .item_outline import ItemOutline
from .prompt_input import PromptInput

__all__ = [
    "BusyIndicator",
    "CitationEntry",
    "CitationList",
    "ConversationLog",
    "DocumentBody",
    "DocumentList",
    "ErrorNotice",
    "ExchangeView",
    "FilterBar",
    "ItemOutline",
    "PromptInput",
]
