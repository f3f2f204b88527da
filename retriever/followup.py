"""Follow-up questions: "and what did Walsall decide?" and "when was that?" lean on the
conversation for their topic and filters; a new question that stands on its own does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .query import keyword_terms

_FOLLOW = re.compile(r"^\s*(?:and|but|also|so|then|what about|how about|and what|what else|"
                     r"when was (?:that|this|it)|what happened (?:next|then|after)|why|who)\b"
                     r"|\b(?:that|this|it|they|them|those|these|then|there|he|she|its|their)\b",
                     re.I)


@dataclass(slots=True)
class Turn:
    search_text: str  # what to retrieve with: the question plus the topic it continues
    previous: str | None  # the previous user question this one follows, if any


def last_user_question(history: list[dict[str, str]]) -> str | None:
    for message in reversed(history or []):
        if isinstance(message, dict) and message.get("role") == "user":
            content = str(message.get("content") or "").strip()
            if content:
                return content
    return None


def resolve(question: str, history: list[dict[str, str]]) -> Turn:
    previous = last_user_question(history)
    if not previous or previous.strip() == question.strip():
        return Turn(question, None)
    own_terms = keyword_terms(question)
    is_follow = bool(_FOLLOW.search(question)) and len(own_terms) <= 4
    if not is_follow and len(own_terms) > 2:
        return Turn(question, None)
    topic = " ".join(t for t in keyword_terms(previous) if t.lower() not in
                     {w.lower() for w in own_terms})
    return Turn(f"{question} {topic}".strip(), previous)
