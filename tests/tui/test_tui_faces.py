"""Issue 15's TUI fixes: the chat follows each new answer, idle screens show no busy dots,
Tab leads into result lists, each source can be copied, and Quit stays in the footer at 80x24.
Snapshots of the changed screens at 120x36 and 80x24."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, LoadingIndicator
from tui_helpers import FakeAssistant, ask, screen_text, settle

from indexer.config import Settings
from retriever.results import AskResult, Filters
from tui.app import create_app
from tui.screens.document import DocumentScreen
from tui.screens.prepare import PrepareScreen
from tui.widgets import CitationList
from tui.widgets.conversation_log import ConversationLog

SIZES = [(120, 36), (80, 24)]


class WordyAssistant(FakeAssistant):
    """Answers at length, so a new answer ends below the fold unless the chat follows it."""

    def ask(self, question: str, history: list[dict[str, str]] | None = None,
            filters: Filters | None = None, k: int = 8) -> AskResult:
        result = super().ask(question, history, filters, k)
        result.answer = "\n".join([result.answer] * 8)
        return result


@pytest.mark.anyio
@pytest.mark.parametrize("size", SIZES)
async def test_the_chat_shows_the_end_of_every_new_answer(fake_settings: Settings,
                                                           size: tuple[int, int]) -> None:
    app = create_app(fake_settings, WordyAssistant(), show_timings=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        log = app.screen.query_one("#conversation", ConversationLog)
        for question in ("foster carers recruited?", "CAMHS waiting times?",
                         "foster carers again?"):
            await ask(pilot, question)
            await pilot.pause()
            assert log.scroll_y == log.max_scroll_y
        assert log.max_scroll_y > 0


@pytest.mark.anyio
async def test_prepare_shows_no_busy_dots_before_a_topic(fake_settings: Settings) -> None:
    app = create_app(fake_settings, FakeAssistant(), show_timings=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, PrepareScreen)
        assert not app.screen.query_one("#status").query_one(LoadingIndicator).display
        assert "Type a topic and press Enter." in screen_text(app)
        await pilot.press(*"foster carers", "enter")
        await settle(pilot)
        assert "1 question, 1 undertaking, 0 recommendations" in screen_text(app)


@pytest.mark.anyio
async def test_tab_leads_from_the_topic_into_resolutions_and_enter_opens(
        fake_settings: Settings) -> None:
    assistant = FakeAssistant()
    app = create_app(fake_settings, assistant, show_timings=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press(*"report", "enter")
        await settle(pilot)
        assert isinstance(app.screen.focused, Input)  # Enter in the box searched
        await pilot.press("tab")
        assert isinstance(app.screen.focused, CitationList)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DocumentScreen)
        await pilot.press("escape")
        await pilot.pause()
        app.screen.query_one("#topic", Input).focus()
        await pilot.press("down")
        assert isinstance(app.screen.focused, CitationList)


@pytest.mark.anyio
async def test_each_source_can_be_copied_with_its_reference(fake_settings: Settings) -> None:
    app = create_app(fake_settings, FakeAssistant(), show_timings=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await ask(pilot, "What was said about foster carers and CAMHS waiting times?")
        await pilot.press("tab", "down", "ctrl+c")
        copied = app.clipboard
        assert copied.startswith("[2] “Officers reported that waiting times for CAMHS")
        assert "Barnsley" in copied and "characters" in copied and "[1]" not in copied


@pytest.mark.anyio
@pytest.mark.parametrize("screen_key", [None, "ctrl+r", "ctrl+b"])
async def test_quit_stays_in_the_footer_at_80x24(fake_settings: Settings,
                                                 screen_key: str | None) -> None:
    app = create_app(fake_settings, FakeAssistant(), show_timings=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await ask(pilot, "foster carers recruited?")
        if screen_key:
            await pilot.press("escape", screen_key)
            await settle(pilot)
        await pilot.press("tab")  # a focused list adds its own keys to the footer
        await pilot.pause()
        assert "^q Quit" in screen_text(app).splitlines()[-1]


# -- snapshots of the changed screens -----------------------------------------------------------

def _app(settings: Settings, assistant: Any = None) -> Any:
    return create_app(settings, assistant or FakeAssistant(), show_timings=False)


async def _steady(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_chat_after_two_answers(snap_compare: Any, fake_settings: Settings,
                                         size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await ask(pilot, "foster carers recruited?")
        await ask(pilot, "What was said about foster carers and CAMHS waiting times?")
        await _steady(pilot)

    assert snap_compare(_app(fake_settings, WordyAssistant()), terminal_size=size,
                        run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_answer_says_what_it_took_from_the_question(
        snap_compare: Any, fake_settings: Settings, size: tuple[int, int]) -> None:
    """The council named in the question is shown under the answer ("Understood from the
    question: ..."), so a councillor sees what was applied."""
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await ask(pilot, "What did Walsall say about foster carers?")
        await _steady(pilot)

    assert snap_compare(_app(fake_settings), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_prepare_before_a_topic(snap_compare: Any, fake_settings: Settings,
                                         size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+b")
        await _steady(pilot)

    assert snap_compare(_app(fake_settings), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_prepare_with_results(snap_compare: Any, fake_settings: Settings,
                                       size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+b")
        await pilot.pause()
        await pilot.press(*"foster carers", "enter")
        await _steady(pilot)

    assert snap_compare(_app(fake_settings), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_resolutions_list_focused(snap_compare: Any, fake_settings: Settings,
                                           size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("tab")
        await _steady(pilot)

    assert snap_compare(_app(fake_settings), terminal_size=size, run_before=run_before)
