"""The conversation as data: questions, answers, citations, and its Markdown export.

Pure Python (no Textual), so export and history are easy to test and reuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from retriever.results import AskResult, Citation, CitedQuote, Filters

HISTORY_MESSAGES = 6  # the last three exchanges are enough context for a follow-up


def describe_filters(filters: Filters) -> str:
    """``council: Barnsley · since 2014-01-01`` style summary, or an empty string."""
    parts: list[str] = []
    if filters.council:
        parts.append(f"council: {filters.council}")
    if filters.committee:
        parts.append(f"committee: {filters.committee}")
    if filters.doc_type:
        parts.append(f"type: {filters.doc_type.replace('_', ' ')}")
    if filters.since:
        parts.append(f"since {filters.since}")
    if filters.until:
        parts.append(f"until {filters.until}")
    return " · ".join(parts)


def citation_reference(citation: Citation) -> str:
    """The full reference a briefing note needs: label, source file and character span."""
    where = f"{citation.source or citation.doc_id}, characters {citation.char_start}–" \
            f"{citation.char_end}"
    if citation.page:
        where += f", page {citation.page}"
    if citation.url:
        where += f", {citation.url}"
    return f"{citation.label()} ({where})"


def quote_block(text: str) -> str:
    lines = text.strip().splitlines() or [""]
    return "\n".join(f"> {line}".rstrip() for line in lines)


@dataclass(slots=True)
class Exchange:
    """One question and what came back for it (an answer, or an error to show)."""

    question: str
    filters: Filters = field(default_factory=Filters)
    result: AskResult | None = None
    error: str | None = None

    @property
    def answered(self) -> bool:
        return self.result is not None

    @property
    def citations(self) -> list[CitedQuote]:
        return list(self.result.citations) if self.result else []

    def to_markdown(self, number: int | None = None) -> str:
        head = f"## {number}. {self.question}" if number else f"## {self.question}"
        out = [head, ""]
        scope = describe_filters(self.filters)
        if scope:
            out += [f"*Filters: {scope}*", ""]
        if self.result is None:
            out += [f"*No answer: {self.error or 'not answered yet'}*", ""]
            return "\n".join(out)
        out += [self.result.answer.strip(), ""]
        if self.result.citations:
            out += ["**Sources**", ""]
            for cq in self.result.citations:
                out.append(f"[{cq.n}] {citation_reference(cq.citation)}")
                out.append("")
                out.append(quote_block(cq.quote))
                out.append("")
        if self.result.related:
            out += ["**Related records (not cited)**", ""]
            out += [f"- {citation_reference(c)}" for c in self.result.related]
            out.append("")
        return "\n".join(out)


@dataclass
class Conversation:
    exchanges: list[Exchange] = field(default_factory=list)

    def add(self, question: str, filters: Filters | None = None) -> Exchange:
        exchange = Exchange(question=question, filters=filters or Filters())
        self.exchanges.append(exchange)
        return exchange

    def clear(self) -> None:
        self.exchanges.clear()

    def __len__(self) -> int:
        return len(self.exchanges)

    def history(self) -> list[dict[str, str]]:
        """``[{role, content}]`` of the answered exchanges so far, most recent last."""
        messages: list[dict[str, str]] = []
        for exchange in self.exchanges:
            if exchange.result is not None:
                messages.append({"role": "user", "content": exchange.question})
                messages.append({"role": "assistant", "content": exchange.result.answer})
        return messages[-HISTORY_MESSAGES:]

    def last_answered(self) -> Exchange | None:
        for exchange in reversed(self.exchanges):
            if exchange.result is not None:
                return exchange
        return None

    def to_markdown(self, *, index_dir: Path | str | None = None,
                    when: datetime | None = None) -> str:
        when = when or datetime.now()
        out = ["# Scrutiny assistant: conversation", "",
               f"Exported {when:%d %B %Y at %H:%M}."]
        if index_dir is not None:
            out[-1] += f" Records from the index at `{index_dir}`."
        out += ["Every quote below is the exact text of the record it cites.", ""]
        if not self.exchanges:
            out += ["*No questions were asked.*", ""]
        for number, exchange in enumerate(self.exchanges, start=1):
            out.append(exchange.to_markdown(number))
        return "\n".join(out).rstrip() + "\n"

    def export(self, directory: Path, *, index_dir: Path | str | None = None,
               when: datetime | None = None) -> Path:
        """Write the Markdown to a new file in ``directory`` and return its path."""
        when = when or datetime.now()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"scrutiny-conversation-{when:%Y%m%d-%H%M%S}.md"
        counter = 1
        while path.exists():
            counter += 1
            path = directory / f"scrutiny-conversation-{when:%Y%m%d-%H%M%S}-{counter}.md"
        path.write_text(self.to_markdown(index_dir=index_dir, when=when), encoding="utf-8")
        return path
