"""``scrutiny fetch moderngov URL``: a council's published minutes into the corpus folder.

ModernGov sites (about 330 UK councils) answer a web service, ``mgWebService.asmx``: committees,
their meetings between two dates, and each meeting's agenda items with the minutes text. One
meeting becomes one text document (its minute items as numbered headings, attendance at the
top) with a sidecar naming council, committee, date and the meeting page's address, so every
citation of it carries a link. Where the web service is switched off or refused, the public
pages are read instead and the printed minutes PDF is downloaded.

A state file in the site's folder remembers what was fetched, so a second run asks only for
meetings it does not have; meetings whose minutes are not yet published are asked for again
on later runs until they are. One failing meeting is reported and the rest go on.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

from ..errors import FetchError
from . import moderngov_parse as mp
from .http import Client, HttpError
from .moderngov_write import write_meeting

ProgressFn = Callable[[str, int, int], None]
STATE_FILE = ".moderngov-state.json"
DEFAULT_COMMITTEE_WORDS = ("scrutiny", "overview")
SERVICE = "mgWebService.asmx"


@dataclass(slots=True)
class FetchOptions:
    committees: list[str] = field(default_factory=list)  # title words; default: scrutiny
    since: str | None = None  # ISO
    until: str | None = None  # ISO
    reports: bool = False
    council: str | None = None  # overrides the name read from the site
    refresh: bool = False  # ask again for meetings already fetched (minutes corrected since)


@dataclass(slots=True)
class FetchReport:
    site: str
    folder: str = ""  # under the corpus folder
    council: str = ""
    mode: str = "web service"  # or "pages" when the web service refused
    committees: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)  # corpus-relative files written
    unchanged: int = 0  # meetings already fetched, not asked for again
    pending: list[str] = field(default_factory=list)  # meetings without published minutes
    reports: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # one line each
    requests: int = 0

    @property
    def all_failed(self) -> bool:
        return bool(self.failures) and not (self.fetched or self.unchanged or self.pending)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalise_base(url: str) -> str:
    """``https://host[/path]`` with any page name (``mgListCommittees.aspx``) taken off."""
    raw = url.strip()
    if "://" not in raw:
        raw = "https://" + raw
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or \
            not re.fullmatch(r"[A-Za-z0-9.-]+(?::\d{1,5})?", parsed.netloc):
        raise FetchError(f"{url!r} is not a web address; give the site's address, e.g. "
                         "https://democracy.yourcouncil.gov.uk")
    path = parsed.path
    if re.search(r"\.(?:aspx|asmx|html?)$", path, re.I):
        path = path.rsplit("/", 1)[0]
    return f"{parsed.scheme}://{parsed.netloc}{path.rstrip('/')}"


def site_folder(base: str) -> str:
    parsed = urlparse(base)
    return re.sub(r"[^a-z0-9]+", "-", (parsed.netloc + parsed.path).lower()).strip("-")


def _ddmmyyyy(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


class State:
    """What a site has given us, written after every meeting so an interrupted run loses
    nothing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = {"meetings": {}, "reports": {}}
        if path.is_file():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    self.data.update(loaded)
            except (OSError, ValueError):
                pass  # a damaged state file costs a re-fetch, nothing worse

    @property
    def meetings(self) -> dict[str, dict[str, Any]]:
        return self.data["meetings"]

    @property
    def reports(self) -> dict[str, str]:
        return self.data["reports"]

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(self.data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


class ModernGovFetcher:
    def __init__(self, base_url: str, corpus_dir: Path, client: Client,
                 options: FetchOptions, progress: ProgressFn | None = None) -> None:
        self.base = normalise_base(base_url)
        self.corpus = Path(corpus_dir)
        self.folder = site_folder(self.base)
        self.client = client
        self.options = options
        self.progress = progress or (lambda stage, done, total: None)
        self.state = State(self.corpus / self.folder / STATE_FILE)
        self.report = FetchReport(site=self.base, folder=self.folder)

    # -- addresses -------------------------------------------------------------------------
    def _url(self, page: str, **params: str) -> str:
        return f"{self.base}/{page}" + (f"?{urlencode(params)}" if params else "")

    def meeting_url(self, committee_id: str, meeting_id: str) -> str:
        return self._url("ieListDocuments.aspx", CId=committee_id, MId=meeting_id)

    # -- the run ---------------------------------------------------------------------------
    def run(self) -> FetchReport:
        start = self.client.requests
        try:
            committees, use_service = self._committees()
            self.report.mode = "web service" if use_service else "pages"
            self.report.council = self._council()
            chosen = [c for c in committees if self._wanted(c.title)]
            self.report.committees = [c.title for c in chosen]
            todo: list[tuple[mp.Committee, mp.MeetingStub]] = []
            for committee in chosen:
                todo.extend((committee, s) for s in self._meetings(committee, use_service))
            self.progress("meetings", 0, len(todo))
            for n, (committee, stub) in enumerate(todo, start=1):
                self._one(committee, stub, use_service)
                self.progress("meetings", n, len(todo))
        finally:
            self.report.requests = self.client.requests - start
        return self.report

    def _committees(self) -> tuple[list[mp.Committee], bool]:
        try:
            response = self.client.get(self._url(f"{SERVICE}/GetCommittees"))
            committees = mp.parse_committees(response.body)
            if committees:
                return committees, True
            reason = "the web service listed no committees"
        except HttpError as exc:
            reason = f"the web service refused ({exc.reason})"
        except ValueError:
            reason = "the web service did not answer in XML"
        page_url = self._url("mgListCommittees.aspx")
        try:
            page = self.client.get(page_url).text()
        except HttpError as exc:
            raise FetchError(f"Cannot read {self.base}: {reason}, and the committee list page "
                             f"failed too ({exc.reason}). Is it a ModernGov site?") from None
        self.state.data["site_name"] = mp.site_name(page) or self.state.data.get("site_name")
        committees = mp.page_committees(page, page_url)
        if not committees:
            raise FetchError(f"Cannot read {self.base}: {reason}, and {page_url} lists no "
                             "committees. Is it a ModernGov site?")
        return committees, False

    def _council(self) -> str:
        """The council as the index names it: the gazetteer's formal name for the site's own
        name, so filters match documents recognised from their text."""
        from ..gazetteer import detect_council

        if self.options.council:
            return self.options.council
        name = self.state.data.get("site_name")
        if not name:
            try:
                page = self.client.get(self._url("mgListCommittees.aspx")).text()
                name = mp.site_name(page)
            except HttpError:
                name = ""
            self.state.data["site_name"] = name
        known = detect_council(name) if name else None
        return known.formal if known else (name or urlparse(self.base).netloc)

    def _wanted(self, title: str) -> bool:
        words = self.options.committees or list(DEFAULT_COMMITTEE_WORDS)
        return any(w.lower() in title.lower() for w in words)

    def _meetings(self, committee: mp.Committee, use_service: bool) -> list[mp.MeetingStub]:
        since = self.options.since or "2000-01-01"
        until = self.options.until or dt.date.today().isoformat()
        try:
            if use_service:
                body = self.client.get(self._url(
                    f"{SERVICE}/GetMeetings", lCommitteeId=committee.id,
                    sFromDate=_ddmmyyyy(since), sToDate=_ddmmyyyy(until))).body
                stubs = mp.parse_meetings(body, committee.id)
            else:
                url = self._url("ieListMeetings.aspx", CommitteeId=committee.id)
                stubs = mp.page_meetings(self.client.get(url).text(), url, committee.id)
        except (HttpError, ValueError) as exc:
            self.report.failures.append(f"{committee.title}: meetings list failed ({exc})")
            return []
        out = []
        for stub in stubs:
            if stub.date and not since <= stub.date <= until:
                continue
            known = self.state.meetings.get(stub.id, {})
            if known.get("status") == "done" and not self.options.refresh:
                self.report.unchanged += 1
                continue
            out.append(stub)
        return out

    def _one(self, committee: mp.Committee, stub: mp.MeetingStub, use_service: bool) -> None:
        label = f"{committee.title}, {stub.date or 'undated'} (meeting {stub.id})"
        page_url = self.meeting_url(committee.id, stub.id)
        try:
            if use_service:
                body = self.client.get(self._url(f"{SERVICE}/GetMeeting",
                                                 lMeetingId=stub.id)).body
                meeting = mp.parse_meeting(body, stub.id)
            else:
                meeting = mp.page_documents(self.client.get(page_url).text(), page_url, stub.id)
            meeting.date = meeting.date or stub.date
            written = write_meeting(self, committee, meeting, page_url)
        except (HttpError, ValueError, OSError) as exc:
            self.report.failures.append(f"{label}: {exc}")
            self.state.meetings.setdefault(stub.id, {})["status"] = "failed"
            self.state.save()
            return
        entry = {"committee": committee.title, "date": meeting.date, "url": page_url}
        if written is None:
            self.report.pending.append(label)
            entry["status"] = "pending"
        else:
            path, changed = written
            entry.update(status="done", file=path)
            if changed:
                self.report.fetched.append(path)
            else:
                self.report.unchanged += 1
        self.state.meetings[stub.id] = {**self.state.meetings.get(stub.id, {}), **entry}
        self.state.save()


def fetch_moderngov(base_url: str, corpus_dir: Path, options: FetchOptions, *,
                    client: Client, progress: ProgressFn | None = None) -> FetchReport:
    """Fetch new minutes from one ModernGov site into ``corpus_dir/<site>/``."""
    return ModernGovFetcher(base_url, corpus_dir, client, options, progress).run()
