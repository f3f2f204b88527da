"""The sources list shows each citation's web address and copies it (its label when none)."""

from __future__ import annotations

import pytest
from tui_helpers import DOCS, FakeAssistant, ask, screen_text, settle

from indexer.config import Settings
from tui.app import create_app
from tui.widgets import CitationList

pytestmark = pytest.mark.anyio

URL = "https://democracy.example.gov.uk/ieListDocuments.aspx?CId=7&MId=99"


async def test_sources_show_and_copy_url(fake_settings: Settings, monkeypatch) -> None:
    monkeypatch.setitem(DOCS["walsall-2012"], "url", URL)
    app = create_app(fake_settings, FakeAssistant(), show_timings=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await ask(pilot, "foster carers CAMHS?")
        sources = app.screen.query_one("#sources", CitationList)
        urls = [e.citation.url for e in sources.entries]
        assert URL in urls and None in urls  # one linked source, one without
        text = screen_text(app)  # the link wraps in the narrow sources pane
        assert "https://democracy.example.gov.uk" in text and "MId=99" in text
        sources.focus()
        await pilot.pause()
        assert sources.has_focus
        sources.highlighted = next(i for i, o in enumerate(sources._options)
                                   if sources._by_option.get(o.id or "") is not None and
                                   sources._by_option[o.id].citation.url == URL)
        await pilot.press("ctrl+u")
        assert app.clipboard == URL
        plain = next(i for i, o in enumerate(sources._options)
                     if sources._by_option.get(o.id or "") is not None and
                     sources._by_option[o.id].citation.url is None)
        sources.highlighted = plain
        await pilot.press("ctrl+u")
        label = sources._by_option[sources._options[plain].id].citation.label()
        assert app.clipboard == label and "Barnsley" in label


async def test_document_view_shows_the_source_link(fake_settings: Settings, monkeypatch) -> None:
    from tui.screens.document import DocumentScreen

    monkeypatch.setitem(DOCS["walsall-2012"], "url", URL)
    app = create_app(fake_settings, FakeAssistant(), show_timings=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await ask(pilot, "foster carers recruited?")
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, DocumentScreen)
        assert "MId=99" in screen_text(app)
