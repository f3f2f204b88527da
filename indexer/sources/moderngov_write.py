"""Writing fetched meetings into the corpus: files the indexer reads well, with sidecars.

A meeting from the web service becomes plain text laid out the way minutes are printed (the
council and committee on top, the meeting date, attendance, then each minute item as a
numbered heading followed by its text), so the indexer's ordinary rules find its items,
decisions and attendance. The sidecar carries what the text cannot: the meeting page's
address. Files are rewritten only when their content changed, so the next index run
re-embeds nothing that did not change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import moderngov_parse as mp
from .http import HttpError

if TYPE_CHECKING:
    from .moderngov import ModernGovFetcher

_ROLES = {"present": "Present", "in attendance": "Present", "attended": "Present",
          "apologies": "Apologies", "apologies received": "Apologies",
          "sent apologies": "Apologies"}


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def long_date(iso: str | None) -> str:
    if not iso:
        return "date not given"
    day = dt.date.fromisoformat(iso)
    return f"{day:%A} {day.day} {day:%B %Y}"


def _ref(number: str, position: int) -> str:
    number = number.strip()
    if not number:
        return f"{position}."
    return f"{number}." if re.fullmatch(r"\d+", number) else number


def _attendance_lines(attendees: list[mp.Attendee]) -> list[str]:
    groups: dict[str, list[str]] = {}
    for person in attendees:
        label = _ROLES.get(person.attendance.strip().lower())
        if label is None and "apolog" in person.attendance.lower():
            label = "Apologies"
        if label is None:
            continue  # expected, absent, or not recorded: not evidence of attendance
        name = person.name if not person.role else f"{person.name} ({person.role})"
        groups.setdefault(label, []).append(name)
    return [f"{label}: {', '.join(names)}" for label, names in groups.items()]


def meeting_text(council: str, committee: str, meeting: mp.Meeting) -> str:
    held = f"Minutes of the meeting held on {long_date(meeting.date)}"
    if meeting.time:
        held += f" at {meeting.time}"
    if meeting.location:
        held += f", {meeting.location}"
    parts = [f"{council}\n{committee}\n{held}"]
    attendance = _attendance_lines(meeting.attendees)
    if attendance:
        parts.append("\n".join(attendance))
    for position, item in enumerate(meeting.items, start=1):
        parts.append(f"{_ref(item.number, position)} {item.title}\n\n{item.text}")
    return "\n\n".join(parts) + "\n"


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def _sidecar(path: Path, meta: dict[str, Any]) -> bool:
    clean = {k: v for k, v in meta.items() if v}
    data = json.dumps(clean, indent=1, ensure_ascii=False).encode("utf-8") + b"\n"
    return _write_if_changed(path.with_name(path.name + ".meta.json"), data)


def _download_pdf(fetcher: ModernGovFetcher, url: str) -> bytes:
    response = fetcher.client.get(url)
    if not response.body.startswith(b"%PDF"):
        raise ValueError(f"{url} is not a PDF ({response.content_type or 'unknown type'})")
    return response.body


def write_meeting(fetcher: ModernGovFetcher, committee: mp.Committee, meeting: mp.Meeting,
                  page_url: str) -> tuple[str, bool] | None:
    """Write one meeting; returns (corpus-relative path, changed), or None when its minutes
    are not published yet."""
    council = fetcher.report.council
    stem = f"{meeting.date or 'undated'}-{meeting.id}"
    folder = fetcher.corpus / fetcher.folder / mp_slug(committee.title)
    meta = {"title": f"{committee.title}, {long_date(meeting.date)}", "council": council,
            "committee": committee.title, "doc_type": "minutes", "date": meeting.date,
            "url": page_url}
    if meeting.items:
        path = folder / f"{stem}.txt"
        data = meeting_text(council, committee.title, meeting).encode("utf-8")
    elif meeting.minutes_pdf is not None:
        path = folder / f"{stem}.pdf"
        data = _download_pdf(fetcher, meeting.minutes_pdf.url)
        meta["published"] = meeting.minutes_pdf.published
    else:
        return None
    changed = _sidecar(path, meta)
    changed = _write_if_changed(path, data) or changed
    if fetcher.options.reports:
        for doc in meeting.reports:
            _write_report(fetcher, committee, meeting, doc, folder / f"{stem}-reports")
    return path.relative_to(fetcher.corpus).as_posix(), changed


def _write_report(fetcher: ModernGovFetcher, committee: mp.Committee, meeting: mp.Meeting,
                  doc: mp.LinkedDoc, folder: Path) -> None:
    if doc.url in fetcher.state.reports:
        return
    try:
        data = _download_pdf(fetcher, doc.url)
    except (HttpError, ValueError, OSError) as exc:  # the meeting itself is kept
        fetcher.report.failures.append(f"report {doc.title!r}: {exc}")
        return
    path = folder / f"{mp_slug(doc.title, 80)}.pdf"
    n = 2
    while path.is_file() and path.read_bytes() != data:
        path = folder / f"{mp_slug(doc.title, 80)}-{n}.pdf"
        n += 1
    _write_if_changed(path, data)
    _sidecar(path, {"title": doc.title, "council": fetcher.report.council,
                    "committee": committee.title, "doc_type": "report", "date": meeting.date,
                    "published": doc.published, "url": doc.url})
    rel = path.relative_to(fetcher.corpus).as_posix()
    fetcher.state.reports[doc.url] = rel
    fetcher.report.reports.append(rel)


def mp_slug(text: str, limit: int = 60) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-") or "untitled"
