"""Children's-services vocabulary: acronyms users and records mix freely, and stopwords.

Expansion runs both ways: "CAMHS" in a question finds "Child and Adolescent Mental Health
Services" in a report, and the long form finds the acronym. Acronyms defined in the corpus
itself are learned at index time and added to these.
"""

from __future__ import annotations

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
