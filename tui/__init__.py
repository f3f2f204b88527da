"""Terminal chat UI over the retriever facade (Textual).

``create_app`` builds the application for both the ``scrutiny tui`` command and the tests;
``run`` is what the command calls. Nothing here touches FAISS, SQLite or the model: every
record comes through ``retriever.Assistant``.
"""

from __future__ import annotations

from .app import ScrutinyApp, create_app, run

__all__ = ["ScrutinyApp", "create_app", "run"]
