"""Snapshots of the main states at 100x30 (regenerate with ``pytest --snapshot-update``).

They run over ``FakeAssistant`` so that they show the UI's layout and do not change whenever
retrieval is tuned; the pilot tests check the same states over the real bundled corpus.
Timings are hidden and every worker has finished before the picture is taken.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import FakeAssistant, ask, settle

from indexer.config import Settings, default_index_dir
from indexer.errors import IndexMissingError
from tui.app import ScrutinyApp, create_app

SIZE = (100, 30)


def make_app(settings: Settings, **kwargs: Any) -> ScrutinyApp:
    kwargs.setdefault("show_timings", False)
    if "opener" not in kwargs:
        kwargs["assistant"] = FakeAssistant()
    return create_app(settings, **kwargs)


async def steady(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_empty(snap_compare: Any, fake_settings: Settings) -> None:
    assert snap_compare(make_app(fake_settings), terminal_size=SIZE, run_before=steady)


def test_answered(snap_compare: Any, fake_settings: Settings) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await ask(pilot, "What was said about foster carers and CAMHS waiting times?")
        await steady(pilot)

    assert snap_compare(make_app(fake_settings), terminal_size=SIZE, run_before=run_before)


def test_document_viewer(snap_compare: Any, fake_settings: Settings) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await ask(pilot, "What did officers promise about CAMHS waiting times?")
        await pilot.press("tab", "enter")
        await steady(pilot)

    assert snap_compare(make_app(fake_settings), terminal_size=SIZE, run_before=run_before)


def test_filters_dialog(snap_compare: Any, fake_settings: Settings) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        pilot.app.screen.query_one("#council").value = "Barnsley"
        await steady(pilot)

    assert snap_compare(make_app(fake_settings), terminal_size=SIZE, run_before=run_before)


def test_filtered_answer(snap_compare: Any, fake_settings: Settings) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        pilot.app.screen.query_one("#council").value = "Barnsley"
        await pilot.click("#apply")
        await settle(pilot)
        await ask(pilot, "What was said about foster carers and CAMHS waiting times?")
        await steady(pilot)

    assert snap_compare(make_app(fake_settings), terminal_size=SIZE, run_before=run_before)


def test_no_index_error(snap_compare: Any, fake_settings: Settings) -> None:
    def opener(settings: Settings) -> FakeAssistant:
        raise IndexMissingError("No index at .scrutiny-index. Build one with `scrutiny index` "
                                "(or `scrutiny index PATH --index .scrutiny-index`).")

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await ask(pilot, "When was the improvement notice lifted?")
        await steady(pilot)

    # the default index directory, so the suggested command is the same on every machine
    settings = Settings(index_dir=default_index_dir(), corpus_dir=fake_settings.corpus_dir)
    app = make_app(settings, opener=opener, warm_up=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_answered_light_theme(snap_compare: Any, fake_settings: Settings) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await ask(pilot, "What was said about foster carers and CAMHS waiting times?")
        await steady(pilot)

    app = make_app(fake_settings, theme="textual-light")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
