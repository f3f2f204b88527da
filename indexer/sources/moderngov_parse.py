"""Reading what a ModernGov site returns: the web service's XML and, where that is switched
off, the public meeting pages' HTML.

Element names are matched without namespaces and case-insensitively, because installs differ
in both. Text in the XML is often entity-encoded twice (``&amp;amp;``, ``&amp;#39;``), so every
string is unescaped until it stops changing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

from lxml import etree

from ..dates import parse_date

_BLOCK_TAGS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
               "blockquote")


@dataclass(slots=True)
class Committee:
    id: str
    title: str


@dataclass(slots=True)
class MeetingStub:
    id: str
    committee_id: str
    date: str | None  # ISO


@dataclass(slots=True)
class LinkedDoc:
    title: str
    url: str
    published: str | None = None


@dataclass(slots=True)
class MinuteItem:
    number: str
    title: str
    text: str


@dataclass(slots=True)
class Attendee:
    name: str
    role: str  # "Chair", "Vice-Chair" or ""
    attendance: str  # "present", "apologies", "absent", "expected", ...


@dataclass(slots=True)
class Meeting:
    id: str
    date: str | None
    time: str = ""
    location: str = ""
    items: list[MinuteItem] = field(default_factory=list)
    attendees: list[Attendee] = field(default_factory=list)
    reports: list[LinkedDoc] = field(default_factory=list)
    minutes_pdf: LinkedDoc | None = None  # the printed minutes (pages fallback)


def clean(text: str | None) -> str:
    """Unescape until stable (double-encoded entities), non-breaking spaces to spaces."""
    value = text or ""
    for _ in range(4):
        decoded = html.unescape(value)
        if decoded == value:
            break
        value = decoded
    return value.replace("\xa0", " ").strip()


# -- the web service's XML -------------------------------------------------------------------

def parse_xml(data: bytes) -> Any:
    """The document's root; tolerant of stray HTML, never resolving entities or fetching."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                             huge_tree=False, remove_blank_text=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not XML ({exc})") from None
    if root is None:
        raise ValueError("not XML")
    return root


def _name(el: Any) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return etree.QName(tag).localname.lower()


def _iter(root: Any, name: str) -> Iterator[Any]:
    for el in root.iter():
        if _name(el) == name:
            yield el


def _child(el: Any, *names: str) -> Any | None:
    for child in el:
        if _name(child) in names:
            return child
    return None


def _field(el: Any, *names: str) -> str:
    child = _child(el, *names)
    return clean("".join(child.itertext())) if child is not None else ""


def _flag(el: Any, name: str) -> bool | None:
    value = _field(el, name).lower()
    return None if not value else value in ("true", "1", "yes")


def _inner_html(el: Any) -> str:
    """An HTML body held as escaped text (usual) or, on some installs, as raw child elements."""
    parts = [el.text or ""]
    for child in el:
        parts.append(etree.tostring(child, encoding="unicode", with_tail=True))
    return "".join(parts)


def parse_committees(data: bytes) -> list[Committee]:
    root = parse_xml(data)
    out = []
    for el in _iter(root, "committee"):
        cid, title = _field(el, "committeeid"), _field(el, "committeetitle", "committeename")
        if cid and title:
            out.append(Committee(cid, title))
    return out


def parse_meetings(data: bytes, committee_id: str) -> list[MeetingStub]:
    root = parse_xml(data)
    out = []
    for el in _iter(root, "meeting"):
        mid = _field(el, "meetingid")
        if mid:
            out.append(MeetingStub(mid, committee_id, parse_date(_field(el, "meetingdate"))))
    return out


def html_to_text(fragment: str) -> str:
    """Minutes HTML as plain paragraphs: blocks become blank-line separated, ``<br>`` a line
    break, list items keep a bullet, entities decoded (twice-encoded ones too)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(clean_markup(fragment), "lxml")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for li in soup.find_all("li"):
        li.insert(0, "- ")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_after("\n\n")
    for cell in soup.find_all(["td", "th"]):
        cell.insert_after(" ")
    text = clean(soup.get_text())
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def clean_markup(fragment: str) -> str:
    """Markup whose tags were themselves escaped (``&lt;p&gt;``) is unescaped first."""
    if "<" not in fragment and "&lt;" in fragment:
        return html.unescape(fragment)
    return fragment


def _attendance(el: Any) -> Attendee | None:
    def get(*names: str) -> str:
        for name in names:
            for key, value in el.attrib.items():
                if key.lower() == name:
                    return clean(value)
        return _field(el, *names)

    name = get("name", "fullusername", "membername")
    if not name:
        return None
    role = get("roledescription", "role")
    role = role if re.search(r"chair", role, re.I) else ""
    return Attendee(name=name, role=role, attendance=get("attendance").lower())


def parse_meeting(data: bytes, meeting_id: str) -> Meeting:
    """One meeting's minute items (restricted or hidden items left out), attendees and the
    officer reports linked from its public items."""
    root = parse_xml(data)
    meeting = root if _name(root) == "meeting" else next(_iter(root, "meeting"), root)
    out = Meeting(id=_field(meeting, "meetingid") or meeting_id,
                  date=parse_date(_field(meeting, "meetingdate")),
                  time=_field(meeting, "meetingtime"),
                  location=_field(meeting, "meetinglocation"))
    for el in _iter(meeting, "attendee"):
        person = _attendance(el)
        if person is not None:
            out.attendees.append(person)
    seen: set[str] = set()
    for item in _iter(meeting, "agendaitem"):
        if _flag(item, "isrestricted") or _flag(item, "isdisplayallowed") is False:
            continue
        body = _child(item, "minutesnonemptyhtmlbody", "minuteshtmlbody")
        text = html_to_text(_inner_html(body)) if body is not None else ""
        if text:
            number = _field(item, "minutesitemnumber") or _field(item, "agendaitemnumber")
            out.items.append(MinuteItem(number=number,
                                        title=_field(item, "agendaitemtitle") or "Item",
                                        text=text))
        for doc in _iter(item, "linkeddoc"):
            url = _field(doc, "url")
            if not url or url in seen or _flag(doc, "isrestricted"):
                continue
            seen.add(url)
            out.reports.append(LinkedDoc(title=_field(doc, "title") or "Report", url=url,
                                         published=parse_date(_field(doc, "publicationdate"))))
    return out


# -- the public pages (fallback) -------------------------------------------------------------

def site_name(page: str) -> str:
    """The council's name from a page title such as ``Committee structure - Walsall Council``."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "lxml")
    meta = soup.find("meta", attrs={"property": "og:site_name"})
    if meta is not None and meta.get("content"):
        return clean(str(meta["content"]))
    title = clean(soup.title.get_text()) if soup.title else ""
    parts = [p.strip() for p in re.split(r"\s+[-|–]\s+", title) if p.strip()]
    named = [p for p in parts if re.search(r"\b(?:council|borough|county|city|district)\b",
                                           p, re.I)]
    return named[-1] if named else (parts[-1] if parts else "")


def _links(page: str, base: str) -> Iterator[tuple[str, str]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "lxml")
    for a in soup.find_all("a", href=True):
        yield urljoin(base, clean(str(a["href"]))), clean(a.get_text(" "))


def _query(url: str) -> dict[str, str]:
    return {k.lower(): v[0] for k, v in parse_qs(urlparse(url).query).items() if v}


def page_committees(page: str, base: str) -> list[Committee]:
    out: dict[str, Committee] = {}
    for url, text in _links(page, base):
        path = urlparse(url).path.lower()
        q = _query(url)
        cid = None
        if path.endswith("mgcommitteedetails.aspx"):
            cid = q.get("id")
        elif path.endswith("ielistmeetings.aspx"):
            cid = q.get("committeeid") or q.get("cid")
        if cid and text and cid not in out:
            out[cid] = Committee(cid, text)
    return list(out.values())


def page_meetings(page: str, base: str, committee_id: str) -> list[MeetingStub]:
    out: dict[str, MeetingStub] = {}
    for url, text in _links(page, base):
        if not urlparse(url).path.lower().endswith("ielistdocuments.aspx"):
            continue
        mid = _query(url).get("mid")
        if mid and mid not in out:
            out[mid] = MeetingStub(mid, committee_id, parse_date(text))
    return list(out.values())


def _is_pdf(url: str) -> bool:
    path = urlparse(url).path.lower()
    return path.endswith(".pdf") or path.endswith("mgconvert2pdf.aspx")


def page_documents(page: str, base: str, meeting_id: str) -> Meeting:
    """The printed minutes and the reports linked from a meeting's page."""
    meeting = Meeting(id=meeting_id, date=None)
    seen: set[str] = set()
    for url, text in _links(page, base):
        if not _is_pdf(url) or url in seen:
            continue
        seen.add(url)
        title = re.sub(r"^(?:link to\s+)?", "", text, flags=re.I).strip() or "Document"
        title = re.sub(r"\s*PDF\s*\d+\s*[KM]B\s*$", "", title, flags=re.I).strip()
        if re.search(r"\bminutes\b", title, re.I) and not re.search(r"\bagenda\b|draft",
                                                                   title, re.I):
            if meeting.minutes_pdf is None or re.search(r"printed", title, re.I):
                meeting.minutes_pdf = LinkedDoc(title=title, url=url)
            continue
        meeting.reports.append(LinkedDoc(title=title, url=url))
    return meeting
