"""Acronyms defined inside documents: "Public Law Outline (PLO)" and glossary lines such as
"BSCB – Barnsley Safeguarding Children Board". Learned at index time so that a question using
either form finds passages using the other.
"""

from __future__ import annotations

import re

_PAREN = re.compile(r"\b((?:[A-Z][\w'’&-]*\s+(?:(?:and|of|for|the|in|&)\s+)*){1,8})\((?P<a>[A-Z]"
                    r"[A-Za-z0-9]{1,7})\)")
_GLOSSARY = re.compile(r"^[ \t]*(?:[-•*][ \t]+)?(?P<a>[A-Z][A-Za-z]{1,7})[ \t]*[-–—:=][ \t]*"
                       r"(?P<full>[A-Z][^\n]{3,90})$", re.M)


def _initials_fit(acronym: str, words: list[str]) -> bool:
    letters = [w[0].upper() for w in words if w[0].isalpha() and w.lower() not in
               ("and", "of", "for", "the", "in")]
    caps = [c for c in acronym if c.isupper()]
    if not caps or not letters:
        return False
    j = 0
    for letter in letters:
        if j < len(caps) and letter == caps[j]:
            j += 1
    return j >= max(2, len(caps) - 1)


def learn_acronyms(text: str) -> dict[str, str]:
    """Acronym -> expansion, only where the initials plausibly match the words."""
    found: dict[str, str] = {}
    for m in _PAREN.finditer(text):
        acronym = m["a"]
        words = m.group(1).split()
        # Keep the shortest tail of words whose initials cover the acronym.
        for size in range(1, len(words) + 1):
            tail = words[-size:]
            if _initials_fit(acronym, tail):
                found.setdefault(acronym, " ".join(tail))
                break
    for m in _GLOSSARY.finditer(text):
        full = m["full"].strip().rstrip(".;,")
        words = re.split(r"[\s,]+", full)
        if _initials_fit(m["a"], words[:10]):
            found.setdefault(m["a"], full)
    return found
