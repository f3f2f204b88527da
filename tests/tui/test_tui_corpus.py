"""Pilot tests of the TUI over the real facade and the bundled corpus index."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import RecordingAssistant, ask, screen_text, settle

from indexer.config import Settings
from tui.app import create_app
from tui.screens.document import DocumentScreen
from tui.screens.filters import FiltersScreen
from tui.widgets import CitationList, DocumentBody, ErrorNotice, ItemOutline, PromptInput

pytestmark = [pytest.mark.anyio, pytest.mark.integration]

SIZE = (100, 30)
QUESTION = "Is Barnsley's social care workforce stable?"


async def test_ask_shows_answer_with_citations(tui_settings: Settings, assistant) -> None:
    app = create_app(tui_settings, assistant, show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, QUESTION)
        result = app.conversation.exchanges[0].result
        assert result is not None and not result.abstained
        assert result.citations and "[1]" in result.answer
        sources = app.screen.query_one("#sources", CitationList)
        assert [e.citation for e in sources.entries] == [c.citation for c in result.citations]
        assert sources.border_title == f"Sources ({len(result.citations)})"
        text = screen_text(app)
        assert "[1]" in text and "Barnsley" in text


async def test_open_source_shows_highlighted_quote(tui_settings: Settings, assistant) -> None:
    app = create_app(tui_settings, assistant, show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, QUESTION)
        cited = app.conversation.exchanges[0].citations[0]
        await pilot.press("tab", "enter")  # focus the sources panel, open the first source
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DocumentScreen)
        body = screen.query_one(DocumentBody)
        assert body.highlighted_text == cited.quote
        cited_blocks = body.query(".block.-cited")
        assert len(cited_blocks) >= 1
        first = cited_blocks.first()
        top, height = body.scroll_offset.y, body.scrollable_content_region.height
        assert top > 0  # the passage is far into the document: the viewer scrolled to it
        # the passage is near the top, two lines of context above it
        assert top == min(first.virtual_region.y - 2, body.max_scroll_y)
        assert top <= first.virtual_region.y < top + height
        assert cited.quote.split()[0] in screen_text(app)
        outline = screen.query_one(ItemOutline)
        assert outline.items and outline.highlighted is not None
        item = outline.items[outline.highlighted]
        assert item["char_start"] <= cited.citation.char_start
        await pilot.press("escape")
        assert app.screen is app.chat


async def test_council_filter_limits_sources(tui_settings: Settings, assistant) -> None:
    app = create_app(tui_settings, assistant, show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        council = next(c for c in app.facets.councils if c.startswith("Walsall"))
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, FiltersScreen)
        app.screen.query_one("#council").value = council
        await pilot.click("#apply")
        await settle(pilot)
        assert app.filters.council == council
        bar = app.screen.query_one("#filter-bar")
        assert bar.display and "Walsall" in screen_text(app).splitlines()[1]
        await ask(pilot, "What questions did members ask about the improvement plan?")
        result = app.conversation.exchanges[0].result
        assert result is not None and result.citations
        assert {c.citation.council for c in result.citations} == {council}
        sources = app.screen.query_one("#sources", CitationList)
        assert {e.citation.council for e in sources.entries} == {council}


async def test_follow_up_passes_history(tui_settings: Settings, assistant) -> None:
    recorder = RecordingAssistant(assistant)
    app = create_app(tui_settings, recorder, show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "When was the improvement notice lifted?")
        first = app.conversation.exchanges[0].result
        assert first is not None
        await ask(pilot, "What did Ofsted say after that?")
        assert len(recorder.asked) == 2
        assert recorder.asked[0]["history"] == []
        assert recorder.asked[1]["history"] == [
            {"role": "user", "content": "When was the improvement notice lifted?"},
            {"role": "assistant", "content": first.answer},
        ]
        assert all(e.result is not None for e in app.conversation.exchanges)
        assert len(app.screen.query(".exchange")) == 2


async def test_export_writes_markdown_with_citations(tui_settings: Settings, assistant,
                                                     tmp_path: Path) -> None:
    app = create_app(tui_settings, assistant, show_timings=False, export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, QUESTION)
        result = app.conversation.exchanges[0].result
        await pilot.press("ctrl+s")
        await pilot.pause()
    files = list(tmp_path.glob("scrutiny-conversation-*.md"))
    assert len(files) == 1
    text = files[0].read_text(encoding="utf-8")
    assert f"## 1. {QUESTION}" in text
    assert result.answer.strip() in text
    for cq in result.citations:
        assert f"[{cq.n}] {cq.citation.label()}" in text
        assert f"characters {cq.citation.char_start}–{cq.citation.char_end}" in text
        assert f"> {cq.quote.strip().splitlines()[0]}".rstrip() in text


async def test_no_index_shows_fix_and_keeps_question(tmp_path: Path) -> None:
    empty = tmp_path / "empty-index"
    empty.mkdir()
    app = create_app(Settings.from_env(index_dir=empty), warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notice = app.screen.query_one("#error", ErrorNotice)
        assert notice.display and notice.problem is not None
        assert notice.problem.fix and "scrutiny index" in notice.problem.fix
        assert "scrutiny index" in screen_text(app)
        await ask(pilot, "When was the improvement notice lifted?")
        assert app.screen.query_one("#prompt", PromptInput).value == \
            "When was the improvement notice lifted?"
        assert len(app.conversation) == 0 and notice.display


async def test_resolutions_newest_first_open_item(tui_settings: Settings, assistant) -> None:
    app = create_app(tui_settings, assistant, show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        rows = app.screen.query_one("#results", CitationList)
        dates = [e.citation.date or "" for e in rows.entries]
        assert dates and dates == sorted(dates, reverse=True)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DocumentScreen)
        assert app.screen.query_one(DocumentBody).highlighted_text.strip()


async def test_prepare_questions(tui_settings: Settings, assistant) -> None:
    app = create_app(tui_settings, assistant, show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+b")
        await pilot.pause()
        await pilot.press(*"foster carers", "enter")
        await settle(pilot)
        result = app.screen.result
        rows = app.screen.query_one("#results", CitationList)
        total = len(result.questions) + len(result.undertakings) + len(result.recommendations)
        assert total > 0 and len(rows.entries) == total


async def test_unanswerable_question_abstains(tui_settings: Settings, assistant) -> None:
    app = create_app(tui_settings, assistant, show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "What is the recipe for chocolate cake?")
        result = app.conversation.exchanges[0].result
        assert result is not None and result.abstained and not result.citations
        view = app.screen.query_one(".exchange")
        assert view.has_class("-abstained")
        sources = app.screen.query_one("#sources", CitationList)
        assert [e.citation for e in sources.entries] == list(result.related)
        assert "[1]" not in sources.border_title
