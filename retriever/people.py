"""Whether a sentence names a person: an honorific, or a run of capitalised words that is
not a job title, a body or a place. "Who chaired ...?" is answered only by such a sentence."""

from __future__ import annotations

import re

from indexer.dates import MONTHS

from .grades import GRADE_WORDS
from .vocabulary import GENERIC_WORDS, IRREGULAR, STOPWORDS, Words, word_set

_HONORIFIC = re.compile(r"\b(?:Councillors?|Cllr|Mr|Mrs|Ms|Miss|Dr|Professor|Sir|Dame)\.?\s+"
                        r"[A-Z]")
# Two or more capitalised words followed by what follows a name in a record: "Jane Haywood
# MBE,", "Susan Southworth (in the Chair)", "Lead inspector: Steve Lowe".
# A name may also stand on a line of its own inside a unit: a letter's signature.
_NAME_RUN = re.compile(r"\b([A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+)+)\s*(?:\(|,|HMI\b|[A-Z]{2,4}\b)|"
                       r":\s*([A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+)+)|"
                       r"\n[ \t]*([A-Z][a-z’'-]+(?:[ \t]+[A-Z][a-z’'-]+){1,3})[ \t]*(?=\n|$)")
# Words of job titles and bodies: a capitalised run made only of these is a role, not a person.
_ROLE_WORDS = frozenset("""assistant director deputy head chief executive officer manager
service services social care council board panel committee group team interim senior
principal lead inspector inspectors strategic corporate finance children young people
families family health education safeguarding partnership authority local independent
chair chairman chairwoman vice member members cabinet portfolio holder his her majesty
majesty’s majesty's the of and for""".split())


# A capitalised run that carries on a longer title across "and" / "of" / "for" ("Family
# Support and Advice Line", "Director of Children's Services") names a thing or a post.
_TITLE_GOES_ON = re.compile(r"[A-Z][a-z’'-]+\s+(?:and|of|for)\s+$")


# Nouns that make a capitalised run the name of a body or a place, never of a person.
_ORG_WORDS = frozenset("""council county borough city district board trust commission nhs
partnership authority department university college school academy hospital agency office
ofsted icb government ministry association foundation society limited ltd plc""".split())

_ACRONYM_AFTER = re.compile(r"\s*\([A-Z][A-Za-z&]{1,7}\)")


class Person:
    """Whether a sentence names a person (an honorific, or a name that is not a job title)."""

    @staticmethod
    def search(text: str) -> bool:
        if _HONORIFIC.search(text):
            return True
        for m in _NAME_RUN.finditer(text):
            if m.group(1) and _ACRONYM_AFTER.match(text, m.end(1)):
                continue  # "Care Quality Commission (CQC)": a body introduces its acronym
            words = (m.group(1) or m.group(2) or m.group(3)).lower().split()
            if _ORG_WORDS.intersection(words):
                continue  # "Suffolk County Council,", "NHS Norfolk and Waveney ICB": a body
            if m.group(1) and _TITLE_GOES_ON.search(text, 0, m.start(1)):
                continue  # "the Family Support and Advice Line,": the end of a thing's name
            if m.group(1) and text[max(0, m.start(1) - 1):m.start(1)] in ("‘", "“", "'", '"'):
                continue  # "the ‘Hampshire Approach’,": a name in quotes names a thing
            if any(w not in _ROLE_WORDS for w in words):
                return True
        return False


PERSON = Person()


# A body named in a sentence: capitalised words, which may be joined by "for", "of", "and" or
# "the" ("Achieving for Children", "Royal Borough of Kensington and Chelsea"), or an acronym
# ("(AfC)", "WCF took over ...").
_BODY_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b([A-Z][a-z’'-]+(?:\s+(?:(?:for|of|and|the)\s+)?"
                        r"[A-Z][a-z’'-]+)+)|\(?\b([A-Z][A-Za-z&]*[A-Z][A-Za-z&]*)\b\)?")


class Body:
    """Whether a sentence names a body other than those the question names: asked which
    organisation delivers a council's services, the answer names another one."""

    def __init__(self, named: set[str], called: bool = False) -> None:
        self.named = named  # the question's own words, lower case
        self.called = called  # asks what something is called: a name of one word will do

    def search(self, text: str) -> bool:
        if self.called and self._one_word_name(text.strip()):
            return True
        for m in _BODY_NAME.finditer(text.strip()):
            if m.group(2):
                if m.group(2).lower() not in self.named:
                    return True
                continue
            words = {w.lower().strip("’'s") for w in re.findall(r"[A-Za-z’'-]+", m.group(1))}
            if words - self.named - GENERIC_WORDS - {"for", "of", "and", "the", "royal"}:
                return True
        return False

    def _one_word_name(self, text: str) -> bool:
        """A capitalised word inside a sentence, beside a word of the question: "its shared
        partnership framework Flourish", "the Mockingbird programme"."""
        words = re.findall(r"[A-Za-z’'-]+", text)
        for i, w in enumerate(words):
            if (i == 0 or not _ONE_NAME.fullmatch(w) or w.lower() in self.named
                    or w.lower() in GENERIC_WORDS or w.lower() in _NOT_NAMES):
                continue
            near = {x.lower() for x in words[max(0, i - 2):i] + words[i + 1:i + 3]}
            if near & (self.named - _FUNCTION):
                return True
        return False


_ONE_NAME = re.compile(r"[A-Z][a-z]{3,}")
# Capitalised words that are not names of things: months, grades, the inspectorate.
_NOT_NAMES = (set(MONTHS) | set(GRADE_WORDS)
              | {"monday", "tuesday", "wednesday", "thursday", "friday", "england", "ofsted",
                 "council", "however", "effective"})
_FUNCTION = STOPWORDS | {"called", "named", "known", "s"}


# Nouns naming a role, each a different one: a question naming one does not ask for another.
_ROLES = {"member", "inspector", "chair", "chairman", "director", "officer", "councillor",
          "leader", "executive", "mayor", "manager", "adviser", "advisor", "secretary"}


def label_asked(label: str, asked: Words) -> bool:
    """Whether the question uses one of the label's words itself, its plural, or the verb of
    the role ("led" the lead, "chaired" the chair, "inspected" the inspector): a role is
    named exactly ("leader" is not "lead", "inspection" is not "inspector")."""
    forms = set(asked.all) | {IRREGULAR.get(w, w) for w in asked.all}
    roles = {w for w in word_set(label) if w in _ROLES}
    if roles and (_ROLES & forms) and not roles & forms:
        return False  # "Lead inspector" does not answer who the lead member was
    for w in asked.all:
        if w.endswith("ed"):
            forms |= {w[:-2], w[:-2] + "or", w[:-2] + "er", w[:-1] + "r"}
    return any(w in forms or w + "s" in forms for w in word_set(label) if len(w) >= 4)
