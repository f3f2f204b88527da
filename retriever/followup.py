"""Follow-up questions: "and what did Walsall decide?" and "when was that?" lean on the
conversation for their topic and filters; a new question that stands on its own does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .query import keyword_terms

_FOLLOW = re.compile(r"^\s*(?:and|but|also|so|then|what about|how about|and what|what else|"
                     r"when was (?:that|this|it)|what happened (?:next|then|after)|why|who else)\b"
                     r"|\b(?:that|this|it|they|them|those|these|then|there|he|she|his|her|its|"
                     r"their|either|neither|both)\b", re.I)
_PERSONAL = re.compile(r"\b(?:he|she|him|her|his|hers|they|them|their|either|neither|both)\b",
                       re.I)
# A person's or body's name in an earlier answer: two or more capitalised words.
_NAME = re.compile(r"\b[A-Z][a-z’'-]+(?:\s+(?:and\s+)?[A-Z][a-z’'-]+)+\b")


@dataclass(slots=True)
class Turn:
    search_text: str  # what to retrieve with: the question plus the topic it continues
    previous: str | None  # the previous user question, if the conversation has one
    follows: bool = False  # whether this question leans on it for its topic
    names: list[str] = field(default_factory=list)  # names a pronoun may point to


def _last(history: list[dict[str, str]], role: str) -> str | None:
    for message in reversed(history or []):
        if isinstance(message, dict) and message.get("role") == role:
            content = str(message.get("content") or "").strip()
            if content:
                return content
    return None


def last_user_question(history: list[dict[str, str]]) -> str | None:
    return _last(history, "user")


def resolve(question: str, history: list[dict[str, str]]) -> Turn:
    previous = last_user_question(history)
    if not previous or previous.strip() == question.strip():
        return Turn(question, None)
    names: list[str] = []
    answer = _last(history, "assistant")
    if answer and _PERSONAL.search(question):
        names = list(dict.fromkeys(m.group(0) for m in _NAME.finditer(answer[:2000])))[:6]
    own_terms = keyword_terms(question)
    is_follow = bool(_FOLLOW.search(question)) and len(own_terms) <= 5
    if not is_follow and len(own_terms) > 2:
        return Turn(question, previous, names=names)
    own = {w.lower() for w in own_terms}
    topic = " ".join(t for t in keyword_terms(previous) if t.lower() not in own)
    return Turn(f"{question} {topic}".strip(), previous, True, names)
