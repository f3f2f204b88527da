"""A clear, dismissable error panel: what went wrong and the command that fixes it."""

from __future__ import annotations

import re

from textual.content import Content
from textual.widgets import Static

from ..errors import Problem

_COMMAND = re.compile(r"`([^`]+)`")


def with_commands(message: str) -> Content:
    """The message with each `command` shown in bold instead of between backticks."""
    parts: list[Content | tuple[str, str]] = []
    last = 0
    for match in _COMMAND.finditer(message):
        parts.append(Content(message[last:match.start()]))
        parts.append((match.group(1), "bold"))
        last = match.end()
    parts.append(Content(message[last:]))
    return Content.assemble(*parts)


class ErrorNotice(Static):
    """Hidden until ``show_problem``; ``clear`` hides it again."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self.problem: Problem | None = None

    def on_mount(self) -> None:
        self.display = self.problem is not None

    def show_problem(self, problem: Problem) -> None:
        self.problem = problem
        self.border_title = problem.title
        parts: list[Content | str | tuple[str, str]] = [with_commands(problem.message)]
        if problem.fix:
            parts += ["\n", ("To fix: ", "bold"), (problem.fix, "bold $warning")]
        self.update(Content.assemble(*parts))
        self.display = True

    def clear(self) -> None:
        self.problem = None
        self.display = False
