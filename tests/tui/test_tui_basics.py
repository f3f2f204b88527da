"""Fast TUI tests over an in-memory fake facade: prompt, busy state, errors, views, export."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from tui_helpers import FakeAssistant, ask, screen_text, settle

from indexer.config import Settings, default_index_dir
from indexer.errors import IndexMissingError, QueryError
from retriever.results import Filters
from tui.app import create_app
from tui.conversation import Conversation
from tui.errors import explain
from tui.screens.document import DocumentScreen
from tui.screens.filters import FiltersScreen
from tui.screens.prepare import PrepareScreen
from tui.screens.resolutions import ResolutionsScreen
from tui.widgets import BusyIndicator, CitationList, DocumentBody, ErrorNotice, PromptInput

pytestmark = pytest.mark.anyio


async def test_up_recalls_previous_questions(fake_settings: Settings) -> None:
    app = create_app(fake_settings, FakeAssistant(), show_timings=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await ask(pilot, "foster carers recruited?")
        await ask(pilot, "CAMHS waiting times?")
        prompt = app.screen.query_one("#prompt", PromptInput)
        assert prompt.has_focus and prompt.value == ""
        await pilot.press("up")
        assert prompt.value == "CAMHS waiting times?"
        await pilot.press("up")
        assert prompt.value == "foster carers recruited?"
        await pilot.press("down", "down")
        assert prompt.value == ""


async def test_busy_indicator_while_answering(fake_settings: Settings) -> None:
    gate = threading.Event()
    app = create_app(fake_settings, FakeAssistant(gate=gate), show_timings=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        prompt = app.screen.query_one("#prompt", PromptInput)
        prompt.value = "foster carers?"
        await pilot.press("enter")
        await pilot.pause()
        status = app.screen.query_one("#status", BusyIndicator)
        assert status.is_busy and "Searching" in status.text
        assert status.query_one(".spinner").display
        gate.set()
        await settle(pilot)
        assert not status.is_busy
        assert app.conversation.exchanges[0].result is not None


async def test_prompt_usable_while_index_opens(fake_settings: Settings) -> None:
    gate = threading.Event()

    def slow_open(settings: Settings) -> FakeAssistant:
        gate.wait(10)
        return FakeAssistant()

    app = create_app(fake_settings, opener=slow_open, show_timings=False, warm_up=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        status = app.screen.query_one("#status", BusyIndicator)
        assert "Opening the index" in status.text
        await pilot.press(*"foster carers?")
        prompt = app.screen.query_one("#prompt", PromptInput)
        assert prompt.value == "foster carers?"
        await pilot.press("enter")  # waits for the index, then answers
        gate.set()
        await settle(pilot)
        assert app.conversation.exchanges[0].result is not None
        assert "Ready" in status.text


async def test_failed_query_keeps_question(fake_settings: Settings) -> None:
    failing = FakeAssistant(fail_with=QueryError("The query is too long; shorten it."))
    app = create_app(fake_settings, failing, show_timings=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await ask(pilot, "a question that fails")
        notice = app.screen.query_one("#error", ErrorNotice)
        assert notice.display and notice.problem is not None
        assert "too long" in notice.problem.message
        assert app.screen.query_one("#prompt", PromptInput).value == "a question that fails"
        assert len(app.conversation) == 0
        failing.fail_with = None
        await pilot.press("enter")  # the kept question can be asked again as it is
        await settle(pilot)
        assert not notice.display and app.conversation.exchanges[0].result is not None


async def test_missing_index_message_and_retry(tmp_path: Path) -> None:
    def opener(settings: Settings) -> FakeAssistant:
        raise IndexMissingError(f"No index at {settings.index_dir}. Build it with "
                                "`scrutiny index`.")

    app = create_app(Settings(index_dir=tmp_path / "none"), opener=opener)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        notice = app.screen.query_one("#error", ErrorNotice)
        assert notice.display and notice.problem
        assert notice.problem.fix == f"scrutiny index --index {tmp_path / 'none'}"
        assert "scrutiny index" in screen_text(app)


async def test_filters_dialog_and_clear(fake_settings: Settings) -> None:
    app = create_app(fake_settings, FakeAssistant(), show_timings=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FiltersScreen)
        dialog.query_one("#council").value = "Barnsley"
        dialog.query_one("#year_from").value = "2013"
        await pilot.click("#apply")
        await settle(pilot)
        assert app.filters == Filters(council="Barnsley", since="2013-01-01")
        assert "council: Barnsley" in screen_text(app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.filters.is_empty()
        assert not app.screen.query_one("#filter-bar").display


async def test_resolutions_and_prepare_views(fake_settings: Settings) -> None:
    app = create_app(fake_settings, FakeAssistant(), show_timings=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, ResolutionsScreen)
        rows = app.screen.query_one("#results", CitationList)
        assert [e.citation.date for e in rows.entries] == ["2014-01-14", "2012-09-13"]
        await pilot.press("tab", "enter")  # Tab from the topic box into the list
        await settle(pilot)
        assert isinstance(app.screen, DocumentScreen)
        assert app.screen.query_one(DocumentBody).highlighted_text.startswith("It was agreed")
        await pilot.press("escape", "escape", "ctrl+b")
        await pilot.pause()
        assert isinstance(app.screen, PrepareScreen)
        await pilot.press(*"foster carers", "enter")
        await settle(pilot)
        rows = app.screen.query_one("#results", CitationList)
        assert len(rows.entries) == 2
        text = screen_text(app)
        assert "Questions members asked before" in text
        assert "Undertakings and promises by officers" in text


async def test_copy_answer_and_theme(fake_settings: Settings) -> None:
    app = create_app(fake_settings, FakeAssistant(), show_timings=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await ask(pilot, "foster carers recruited?")
        await pilot.press("ctrl+y")
        assert "[1]" in app.clipboard and "227/12 Foster carers" in app.clipboard
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is not dark


async def test_narrow_terminal_stacks_sources(fake_settings: Settings) -> None:
    app = create_app(fake_settings, FakeAssistant(), show_timings=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await ask(pilot, "foster carers recruited?")
        assert app.screen.has_class("-narrow")
        sources = app.screen.query_one("#sources")
        conversation = app.screen.query_one("#conversation")
        assert sources.region.y > conversation.region.y
        assert sources.region.height >= 4


def test_markdown_export_format(tmp_path: Path) -> None:
    fake = FakeAssistant()
    conversation = Conversation()
    exchange = conversation.add("foster carers recruited?", Filters(council="Walsall"))
    exchange.result = fake.ask("foster carers recruited?")
    path = conversation.export(tmp_path, index_dir="/idx")
    text = path.read_text()
    assert text.startswith("# Scrutiny assistant: conversation")
    assert "## 1. foster carers recruited?" in text and "*Filters: council: Walsall*" in text
    assert ("[1] Walsall · Children and Young People Scrutiny Panel · 2012-09-13 · "
            "227/12 Foster carers (walsall-2012.txt, characters") in text
    assert "> Members asked how many foster carers" in text
    assert conversation.history() == [
        {"role": "user", "content": "foster carers recruited?"},
        {"role": "assistant", "content": exchange.result.answer},
    ]


async def test_typing_anywhere_goes_to_prompt(fake_settings: Settings) -> None:
    app = create_app(fake_settings, FakeAssistant(), show_timings=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await ask(pilot, "foster carers recruited?")
        await pilot.press("tab")
        assert isinstance(app.focused, CitationList)
        await pilot.press(*"and then?")
        prompt = app.screen.query_one("#prompt", PromptInput)
        assert prompt.has_focus and prompt.value == "and then?"


async def test_answer_marker_click_opens_source(fake_settings: Settings) -> None:
    app = create_app(fake_settings, FakeAssistant(), show_timings=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await ask(pilot, "foster carers recruited?")
        lines = screen_text(app).splitlines()
        y, x = next((y, line.find("[1]")) for y, line in enumerate(lines)
                    if "[1]" in line and "Walsall" not in line)
        await pilot.click(offset=(x + 1, y))
        await settle(pilot)
        assert isinstance(app.screen, DocumentScreen)
        assert app.screen.query_one(DocumentBody).highlighted_text.startswith("Members asked")


async def test_prompt_focused_after_filters(fake_settings: Settings) -> None:
    app = create_app(fake_settings, FakeAssistant(), show_timings=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await ask(pilot, "foster carers recruited?")
        await pilot.press("tab", "ctrl+f")
        await pilot.pause()
        app.screen.query_one("#council").value = "Walsall"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.filters.council == "Walsall"
        assert isinstance(app.focused, PromptInput)


def test_fix_command_names_the_index(tmp_path: Path) -> None:
    missing = IndexMissingError("No index here. Build one with `scrutiny index`.")
    assert explain(missing, default_index_dir()).fix == "scrutiny index"
    assert explain(missing, tmp_path / "idx").fix == f"scrutiny index --index {tmp_path / 'idx'}"
    failed = explain(RuntimeError("boom"), default_index_dir())
    assert "boom" in failed.message and failed.fix and "try again" in failed.fix
