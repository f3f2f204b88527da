"""Acronyms defined inside documents: "Public Law Outline (PLO)" and glossary lines such as
"BSCB – Barnsley Safeguarding Children Board". Learned at index time so that a question using
either form finds passages using the other.
"""

from __future__ import annotations

import re

# Children's-services acronyms that users and records mix freely. Shared by the indexer (to
# embed a passage together with the long forms of the acronyms it uses) and the retriever
# (to expand a question both ways).
ACRONYMS: dict[str, tuple[str, ...]] = {
    "LAC": ("looked after children", "looked after child"),
    "CiC": ("children in care", "child in care"),
    "CLA": ("children looked after",),
    "CAMHS": ("child and adolescent mental health services", "child and adolescent mental health"),
    "MASH": ("multi-agency safeguarding hub",),
    "PLO": ("public law outline",),
    "IRO": ("independent reviewing officer",),
    "LSCB": ("local safeguarding children board",),
    "BSCB": ("barnsley safeguarding children board",),
    "WSCB": ("walsall safeguarding children board",),
    "S47": ("section 47",),
    "S20": ("section 20",),
    "CP": ("child protection",),
    "CPP": ("child protection plan",),
    "CIN": ("child in need", "children in need"),
    "EHA": ("early help assessment",),
    "SEND": ("special educational needs and disabilities", "special educational needs"),
    "SEN": ("special educational needs",),
    "EHCP": ("education health and care plan",),
    "CSE": ("child sexual exploitation",),
    "CSC": ("children's social care",),
    "DfE": ("department for education",),
    "LGA": ("local government association",),
    "Ofsted": ("office for standards in education",),
    "DCS": ("director of children's services",),
    "OSC": ("overview and scrutiny committee",),
    "SCR": ("serious case review",),
    "LADO": ("local authority designated officer",),
    "NEET": ("not in education employment or training",),
    "UASC": ("unaccompanied asylum seeking children",),
    "YOT": ("youth offending team",),
    "CAFCASS": ("children and family court advisory and support service",),
    "SGO": ("special guardianship order",),
    "TF": ("troubled families",),
    "TF2": ("troubled families 2",),
    "GM": ("greater manchester",),
    "DWP": ("department for work and pensions",),
    "SPA": ("single point of access",),
    "KPI": ("key performance indicator",),
    "JTAI": ("joint targeted area inspection",),
    "ILACS": ("inspection of local authority children's services",),
    "SMART": ("specific measurable achievable realistic timely",),
    "BMBC": ("barnsley metropolitan borough council",),
    "CYP": ("children and young people",),
}


_PAREN = re.compile(r"\b((?:[A-Z][\w'’&-]*\s+(?:(?:and|of|for|the|in|&)\s+)*){1,8})\((?P<a>[A-Z]"
                    r"[A-Za-z0-9]{1,7})\)")
_GLOSSARY = re.compile(r"^[ \t]*(?:[-•*][ \t]+)?(?P<a>[A-Z][A-Za-z]{1,7})[ \t]*[-–—:=][ \t]*"
                       r"(?P<full>[A-Z][^\n]{3,90})$", re.M)


_JOINING = ("and", "of", "for", "the", "in")


def _initials_fit(acronym: str, words: list[str]) -> bool:
    """Whether the acronym's capitals are the words' initials in order. A joining word
    ("in", "and") may give a capital or not: "Children in Care Council (CICC)" and
    "Department for Education (DfE)" both fit."""
    caps = [c for c in acronym if c.isupper()]
    initials = [w[0].upper() for w in words if w[0].isalpha()]
    if not caps or not initials or words[0].lower() in _JOINING:
        return False
    j = 0
    for letter in initials:
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


_TOKEN = re.compile(r"\b[A-Za-z][A-Za-z0-9]{1,7}\b")


def gloss(text: str, learned: dict[str, str] | None = None, limit: int = 4) -> str:
    """Long forms of the acronyms a text uses, e.g. "(LAC: looked after children)".

    Appended to the text that is embedded (never to what is quoted), so a passage saying only
    "530 LAC" is found by a question about looked after children.
    """
    found: list[str] = []
    for token in dict.fromkeys(_TOKEN.findall(text)):
        forms = ACRONYMS.get(token)
        if forms is None and learned and token in learned and token.isupper():
            forms = (learned[token],)
        if forms and token != token.lower():
            found.append(f"{token}: {forms[0]}")
        if len(found) >= limit:
            break
    return f" ({'; '.join(found)})" if found else ""
