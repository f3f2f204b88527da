"""Pilot tests of the Documents screen (F2): add a file by its path, remove the highlighted
document, and a refused file, over a real index built with the fake embedder."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import screen_text, settle

from indexer.config import Settings
from retriever import Assistant
from tests.northshire import NEW, indexed_corpus
from tui.app import create_app
from tui.screens.library import LibraryScreen
from tui.widgets import BusyIndicator, DocumentList, ErrorNotice

pytestmark = pytest.mark.anyio

SIZE = (110, 30)


@pytest.fixture
def library(tmp_path: Path):
    settings, embedder = indexed_corpus(tmp_path)
    assistant = Assistant.open(settings.index_dir, settings=settings, embedder=embedder)
    yield settings, assistant
    assistant.close()


async def _open_library(pilot) -> LibraryScreen:  # noqa: ANN001 - textual Pilot
    await settle(pilot)
    await pilot.press("f2")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, LibraryScreen)
    return screen


async def _add(pilot, path: Path) -> None:  # noqa: ANN001
    box = pilot.app.screen.query_one("#add-path")
    box.focus()
    box.value = str(path)
    await pilot.press("enter")
    await settle(pilot)


async def test_add_by_path_then_remove_the_highlighted_document(library, tmp_path: Path
                                                                ) -> None:
    settings, assistant = library
    new = tmp_path / "CPB minutes 2019.txt"
    new.write_text(NEW, encoding="utf-8")
    app = create_app(settings, assistant, show_timings=False, warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_library(pilot)
        listing = screen.query_one("#documents", DocumentList)
        assert [d.doc_id for d in listing.documents] == ["scrutiny-2014-01-14"]

        await _add(pilot, new)
        added = next(d for d in listing.documents if d.source == "CPB-minutes-2019.txt")
        assert len(listing.documents) == 2 and listing.selected == added
        status = screen.query_one("#status", BusyIndicator)
        assert status.text.startswith(f"Added {new.name} as {added.doc_id}")
        assert added.doc_id in screen_text(app)
        assert app.health is not None and app.health.documents == 2  # the app serves it
        assert (settings.corpus_dir / "CPB-minutes-2019.txt").read_text() == NEW

        listing.focus()
        await pilot.press("delete")
        await settle(pilot)
        assert "Press Delete again" in status.text and len(listing.documents) == 2
        await pilot.press("delete")
        await settle(pilot)
        assert [d.doc_id for d in listing.documents] == ["scrutiny-2014-01-14"]
        assert status.text.startswith(f"Removed {added.doc_id}")
        assert not (settings.corpus_dir / "CPB-minutes-2019.txt").exists()
        assert list((settings.corpus_dir / ".scrutiny-trash").rglob("CPB-minutes-2019.txt"))
        assert [d.doc_id for d in assistant.documents()] == ["scrutiny-2014-01-14"]


async def test_escape_cancels_a_removal(library) -> None:
    settings, assistant = library
    app = create_app(settings, assistant, show_timings=False, warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_library(pilot)
        screen.query_one("#documents", DocumentList).focus()
        await pilot.press("delete", "escape", "delete")
        await settle(pilot)
        assert "Press Delete again" in screen.query_one("#status", BusyIndicator).text
        assert len(assistant.documents()) == 1 and app.screen is screen


async def test_a_refused_file_shows_why_and_changes_nothing(library, tmp_path: Path) -> None:
    settings, assistant = library
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj<<>>\ntruncated")
    before = sorted(p.name for p in settings.corpus_dir.iterdir())
    app = create_app(settings, assistant, show_timings=False, warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_library(pilot)
        await _add(pilot, broken)
        notice = screen.query_one("#error", ErrorNotice)
        assert notice.display and notice.problem is not None
        assert notice.problem.title == "The file was not added"
        assert "broken.pdf" in notice.problem.message
        assert screen.query_one("#status", BusyIndicator).text == "Nothing was changed."
        assert len(screen.query_one("#documents", DocumentList).documents) == 1
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == before


def test_snapshot_removal_asks_first(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    """The Documents screen with a removal awaiting its second Delete (fake facade, so the
    picture shows the layout, not retrieval)."""
    from textual.widgets import Input
    from tui_helpers import FakeAssistant

    settings = Settings(index_dir=tmp_path / "unused-index", corpus_dir=Path("/srv/minutes"))
    app = create_app(settings, FakeAssistant(), show_timings=False)

    async def run_before(pilot) -> None:  # noqa: ANN001
        await _open_library(pilot)
        pilot.app.screen.query_one("#documents", DocumentList).focus()
        await pilot.press("down", "delete")
        await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
