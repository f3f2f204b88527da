"""Where a record states a rated field's grade in words.

A report's judgement table says "The experiences and progress of care leavers: Good"; the report
says it again in its own words: in the sentence under the field, where the same line heads its
section, in a heading that states the grade as a sentence, or in the summary under the table
("... and care leavers benefit from good services"). That sentence is what a reader quotes, and
it says what the inspectors meant by the grade, so a rated field is quoted from there when the
record has it.
"""

from __future__ import annotations

import re

from indexer.sentences import split_sentences

from .evidence import is_heading
from .grades import GRADE, field_grade, gives_grade
from .vocabulary import STOPWORDS

LOOK_AHEAD = 600  # characters searched for the sentence after a quote
_PARAGRAPH_NUMBER = re.compile(r"\d{1,3}\.")
_SPACE = r"[ \t]+"  # between words on one line
_FIELD_LINE = re.compile(rf"(?m)^[^\n]{{3,200}}:[ \t]*{GRADE}[ \t]*\.?[ \t]*$", re.I)
_SUMMARY_SPAN = 1500  # characters of the summary under a judgement table that are read


def adjacent(text: str, a: int, b: int, gap: str) -> bool:
    """Whether the sentence text[a:b] can join a quote: only space between them (``gap``),
    and a sentence, not a fragment or a heading."""
    return not gap.strip() and len(text[a:b].split()) >= 4 and not is_heading(text[a:b])


def with_restatement(text: str, start: int, end: int, quote: str,
                     rank: int | None = None) -> tuple[int, str]:
    """A rated field ("Overall effectiveness: Good") is quoted with the sentence right after it
    when that sentence gives the same grade in the record's own words ("Children and families
    in Milton Keynes now receive a consistently good service, ..."): the grade, and what the
    inspectors meant by it, in one quote. ``rank``: the grade of a heading that states it in
    a sentence ("... and care leavers is outstanding")."""
    rank = field_grade(quote) if rank is None else rank
    if rank is None:
        return end, quote
    after = split_sentences(text[end:end + LOOK_AHEAD], end)
    if not after:
        return end, quote
    a, b = after[0]
    gap = text[end:a]
    if _PARAGRAPH_NUMBER.fullmatch(gap.strip()):
        gap = ""  # "18. Children who are in the care of ...": a numbered paragraph
    sentence = text[a:b]
    if (not adjacent(text, a, b, gap) or field_grade(sentence) is not None
            or not gives_grade(sentence, rank)):
        return end, quote
    return b, text[start:b]


def restated_elsewhere(text: str, start: int, quote: str) -> tuple[int, int, str] | None:
    """The same rated field where the record states it again, with the sentence that gives
    the grade in words: a report's judgement table says "The experiences and progress of
    children in care: Outstanding"; the section it heads repeats it with "Children who are in
    the care of the City of London receive an outstanding service". Or the section's own
    heading states it as a sentence ("The impact of leaders on social work practice with
    children and families is good", as reports of 2018-19 have it). The table's line alone
    says less, and is not where the report says it."""
    rank = field_grade(quote)
    if rank is None:
        return None
    label, grade = (part.split() for part in quote.lower().rsplit(":", 1))
    # The same line elsewhere (any spacing or case), quoted with its restatement.
    on_line, spaced = _words(label, _SPACE), _words(grade, _SPACE)
    same = re.compile(rf"(?im)^[ \t]*({on_line}[ \t]*:[ \t]*{spaced})[ \t]*$")
    for m in same.finditer(text):
        a, b = m.span(1)
        if m.start() != start:
            end, extended = with_restatement(text, a, b, text[a:b])
            if end != b:
                return a, end, extended
    # "... with children and families is good", "... and care leavers are:\n\ngood"
    across, graded = _words(label, r"\s+"), _words(grade, r"\s+").replace("requires", "requires?")
    stated = re.compile(rf"(?<![\w-]){across}\s+(?:is|are)\s*:?\s*{graded}\b(?![ \t]*\w)",
                        re.I)
    if heading := stated.search(text):
        end, extended = with_restatement(text, heading.start(), heading.end(),
                                          heading[0], rank)
        return heading.start(), end, extended
    # "Services for children who need help and protection require improvement to be good.":
    # a line of its own naming what the label is about, with the grade in words.
    about = " ".join(label).rsplit(" of ", 1)[-1].split()
    for m in re.finditer(_words(about, _SPACE), text, re.I) if len(about) >= 3 else ():
        a, b = text.rfind("\n", 0, m.start()) + 1, text.find("\n", m.end())
        line = text[a:len(text) if b < 0 else b]
        said = " ".join(line.split())
        if 10 <= len(line) <= 200 and gives_grade(said, rank) and field_grade(said) is None:
            return a, a + len(line.rstrip()), line.rstrip()
    return _in_summary(text, start, rank)


def _in_summary(text: str, start: int, rank: int) -> tuple[int, int, str] | None:
    """The summary under a judgement table restates its grades area by area ("Many children
    continue to benefit from strong practice, and care leavers benefit from good services"):
    of its first two paragraphs, the sentence that gives this field's grade in words and
    names this field's area more closely than any area graded otherwise."""
    rows = list(_FIELD_LINE.finditer(text))
    at = next((i for i, m in enumerate(rows) if m.start() <= start < m.end()), None)
    if at is None:
        return None
    # The table: rated lines with nothing but line breaks between them. A section's heading
    # that repeats the line ("The experiences and progress of care leavers: good") stands for
    # the table's row.
    same = " ".join(rows[at][0].lower().split())
    for i in [at] + [i for i, m in enumerate(rows) if " ".join(m[0].lower().split()) == same]:
        first, last = _table_around(text, rows, i)
        if last > first:
            at = i
            break
    else:
        return None
    table = rows[first:last + 1]
    labels = [_word_list(m[0].rsplit(":", 1)[0]) for m in table]
    grades = [field_grade(m[0]) for m in table]
    common = {w for label in labels for w in label
              if w in STOPWORDS or len(w) < 4 or sum(w in other for other in labels) * 2
              > len(labels)}
    end = table[-1].end()
    body = text[end:end + _SUMMARY_SPAN]
    paragraphs = [m.end() for m in re.finditer(r"\S[^\n]*", body)][:2]
    if not paragraphs:
        return None
    own = at - first
    for a, b in split_sentences(body[:paragraphs[-1]], end):
        sentence = text[a:b]
        if (len(sentence.split()) < 4 or field_grade(sentence) is not None
                or not gives_grade(sentence, rank)):
            continue
        said = _word_list(sentence)
        runs = [_shared_run(label, said, common) for label in labels]
        if runs[own] >= 2 and all(runs[own] > r for i, r in enumerate(runs)
                                  if grades[i] != rank):
            return a, b, sentence
    return None


def _table_around(text: str, rows: list[re.Match[str]], at: int) -> tuple[int, int]:
    """The first and last of the rated lines around ``at`` with only line breaks between
    them: a judgement table, where a section heading stands alone."""
    first = last = at
    while first > 0 and not text[rows[first - 1].end():rows[first].start()].strip():
        first -= 1
    while last + 1 < len(rows) and not text[rows[last].end():rows[last + 1].start()].strip():
        last += 1
    return first, last


def _word_list(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _shared_run(label: list[str], said: list[str], common: set[str]) -> int:
    """The longest run of words a label and a sentence share ("children in care and care",
    "care leavers") that holds two words of the label's own, or one in a run of three: not
    words most labels have ("experiences and progress of children"), nor a word in passing
    ("help and" of "good-quality help and support")."""
    best = 0
    for i in range(len(label)):
        for j in range(len(said)):
            k = 0
            while i + k < len(label) and j + k < len(said) and label[i + k] == said[j + k]:
                k += 1
            own = sum(w not in common for w in label[i:i + k])
            if k > best and (own >= 2 or (own and k >= 3)):
                best = k
    return best


def _words(words: list[str], gap: str) -> str:
    """A pattern for ``words`` in order, ``gap`` between them."""
    return gap.join(map(re.escape, words))
