"""Children's-services vocabulary: acronyms users and records mix freely, stopwords, and how
two forms of a word are matched ("improving" ~ "improvement", "led" ~ "lead").

Expansion runs both ways: "CAMHS" in a question finds "Child and Adolescent Mental Health
Services" in a report, and the long form finds the acronym. Acronyms defined in the corpus
itself are learned at index time and added to these.
"""

from __future__ import annotations

import re

from indexer.acronyms import ACRONYMS

STOPWORDS = frozenset("""
a about above after again against all am an and any are aren't as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it its
itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own same she should so some such than that the their theirs them themselves
then there these they this those through to too under until up very was we were what when where
which while who whom why will with would you your yours yourself yourselves tell say said says
give gave shown show anything something was were been please know find anyone any many much
happen happened
""".split())


# Words in the names of councils and their bodies: they say whose record a passage is, not
# what it says.
GENERIC_WORDS = frozenset({"council", "councils", "borough", "metropolitan", "county", "city",
                           "district", "committee", "panel", "group", "london"})
# Words that point at what is asked for without saying what it is about ("the one thing",
# "which two areas").
VAGUE_WORDS = frozenset("""thing things one ones two three four five area areas aspect aspects
part parts""".split())


def expansions_for(token: str, learned: dict[str, set[str]]) -> list[str]:
    """Long forms for an acronym (case as written matters: "SEND" is not "send")."""
    out: list[str] = []
    for acronym, forms in ACRONYMS.items():
        if token == acronym or (token.upper() == acronym.upper() and token[:1].isupper()
                                and len(token) > 2 and token != token.lower()):
            out.extend(forms)
    for form in learned.get(token, ()):
        out.append(form.lower())
    return list(dict.fromkeys(out))


def acronyms_in(text: str, learned: dict[str, set[str]]) -> list[str]:
    """Acronyms whose long form appears in ``text`` (the reverse direction)."""
    lowered = " ".join(text.lower().replace("-", " ").split())
    found = [a for a, forms in ACRONYMS.items() if any(f.replace("-", " ") in lowered
                                                        for f in forms)]
    found += [a for a, forms in learned.items() if any(f.lower() in lowered for f in forms)]
    return list(dict.fromkeys(found))


def word_set(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z0-9]+", text)}


# English verbs whose past tense shares no prefix with the rest of the verb ("led" ~ "lead").
IRREGULAR = {"led": "lead", "held": "hold", "met": "meet", "took": "take", "made": "make",
              "gave": "give", "found": "find", "saw": "see", "said": "say", "began": "begin",
              "chose": "choose", "wrote": "write", "went": "go", "told": "tell", "sat": "sit",
              "kept": "keep", "left": "leave", "brought": "bring", "thought": "think",
              "sought": "seek", "taught": "teach", "bought": "buy", "spent": "spend",
              "sent": "send", "paid": "pay", "rose": "rise", "fell": "fall", "won": "win"}


class Words:
    """A sentence's words, indexed for crude stemming by shared prefix ("improving" ~
    "improvement", "chaired" ~ "chair"): two words match when equal, when both have six
    letters or more and share the first six, or when the shorter (four letters or more)
    begins the longer. Prefix sets make each test a few lookups instead of a scan."""

    __slots__ = ("all", "p4", "p5", "p6", "w4", "w5")

    def __init__(self, words: set[str]) -> None:
        self.all = words
        self.p4 = {w[:4] for w in words if len(w) >= 4}
        self.p5 = {w[:5] for w in words if len(w) >= 5}
        self.p6 = {w[:6] for w in words if len(w) >= 6}
        self.w4 = {w for w in words if len(w) == 4}
        self.w5 = {w for w in words if len(w) == 5}

    def has(self, t: str) -> bool:
        n = len(t)
        if t in self.all or IRREGULAR.get(t, t) in self.all:
            return True
        if n >= 6:
            return t[:6] in self.p6 or t[:4] in self.w4 or t[:5] in self.w5
        if n == 5:
            return t in self.p5 or t[:4] in self.w4
        if n == 4:
            return t in self.p4
        return False
