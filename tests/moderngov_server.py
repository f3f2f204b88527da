"""A small ModernGov look-alike on 127.0.0.1 for the fetch tests.

Two sites under one server: ``/ws`` answers the web service (``mgWebService.asmx``) in the XML
shapes real installs return (lower-case element names, dd/mm/yyyy dates, minutes as escaped
HTML, entities sometimes encoded twice, attendees as attributes); ``/pages`` refuses the web
service with 403 and publishes only the HTML meeting pages with a printed-minutes PDF. Every
request is recorded with its arrival time, so tests can count requests and check the rate.
All content is written here for the tests.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

WS_COMMITTEES = [
    ("101", "Children&amp;amp;#39;s Services Scrutiny Committee"),
    ("102", "Health Overview and Scrutiny Panel"),
    ("103", "Planning Committee"),
]


def _item(number: str, minute: str, title: str, body: str, restricted: bool = False,
          docs: str = "") -> str:
    return (f"<agendaitem><agendaitemid>{minute}0</agendaitemid>"
            f"<agendaitemtitle>{title}</agendaitemtitle>"
            f"<agendaitemnumber>{number}</agendaitemnumber>"
            f"<minutesitemnumber>{minute}</minutesitemnumber>"
            f"<isrestricted>{restricted}</isrestricted><isdisplayallowed>True</isdisplayallowed>"
            f"<minutesnonemptyhtmlbody>{body}</minutesnonemptyhtmlbody>"
            f"<linkeddocuments>{docs}</linkeddocuments></agendaitem>")


def _linked(base: str, attachment: str, title: str, restricted: bool = False) -> str:
    return (f"<linkeddoc><attachmentid>{attachment}</attachmentid><title>{title}</title>"
            f"<url>{base}/documents/s{attachment}/{title.replace(' ', '%20')}.pdf</url>"
            f"<isrestricted>{restricted}</isrestricted>"
            f"<publicationdate>03/01/2023</publicationdate></linkeddoc>")


# meeting id -> (committee id, dd/mm/yyyy, items builder(base) or None when no minutes yet)
def ws_meetings(base: str) -> dict[str, tuple[str, str, list[str]]]:
    return {
        "1001": ("101", "10/01/2023", [
            _item("1.", "31", "Apologies for Absence",
                  "&lt;p&gt;Apologies were received from Councillor Carol Clark.&lt;/p&gt;"),
            _item("4.", "34", "Children&amp;amp;#39;s Centres &amp;amp; Early Help",
                  "&lt;p&gt;The Head of Early Help presented the report on family hubs. "
                  "Members asked about waiting lists at the Northgate family hub&amp;amp;#39;s "
                  "speech &amp;amp;amp; language sessions.&lt;/p&gt;&lt;p&gt;The Head of Service "
                  "undertook to circulate figures on the waiting list.&lt;/p&gt;"
                  "&lt;p&gt;&lt;b&gt;RESOLVED&lt;/b&gt; that the report be noted.&lt;/p&gt;",
                  docs=_linked(base, "5001", "Early Help report")
                  + _linked(base, "5002", "Exempt appendix", restricted=True)),
            _item("5.", "35", "Exempt: Residential Care Contract Award",
                  "&lt;p&gt;SECRET-CONTRACT-PHRASE the preferred bidder was agreed.&lt;/p&gt;",
                  restricted=True),
        ]),
        "1002": ("101", "14/03/2023", [
            _item("4.", "52", "Fostering Recruitment",
                  "&lt;p&gt;Members asked how many foster carers had been recruited. The "
                  "Service Manager said twelve new foster carers had been approved.&lt;/p&gt;"
                  "&lt;p&gt;RESOLVED that a further update on fostering be brought in "
                  "September.&lt;/p&gt;"),
        ]),
        "1003": ("101", "16/05/2023", []),  # minutes not published yet (see published)
        "2001": ("102", "07/02/2023", [
            _item("6.", "61", "CAMHS Waiting Times",
                  "&lt;p&gt;Officers reported that CAMHS waiting times had fallen to "
                  "fourteen weeks.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Referrals rose by 9%&lt;/li&gt;"
                  "&lt;/ul&gt;"),
        ]),
        "2002": ("102", "04/04/2023", [
            _item("3.", "72", "Dental Access", "&lt;p&gt;Dental access was discussed.&lt;/p&gt;"),
        ]),
        "3001": ("103", "12/01/2023", [
            _item("1.", "81", "Land at Mill Lane",
                  "&lt;p&gt;PLANNING-ONLY-PHRASE permission was granted.&lt;/p&gt;"),
        ]),
    }


LATE_MINUTES = _item("4.", "90", "School Attendance",
                     "&lt;p&gt;Members discussed persistent absence at secondary schools."
                     "&lt;/p&gt;")


def make_pdf(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    y = 800
    for line in lines:
        pdf.drawString(60, y, line)
        y -= 18
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


class FakeModernGov:
    """The server and its knobs: ``failing`` meeting ids answer 500, ``published`` holds
    meetings whose late minutes have since appeared."""

    def __init__(self) -> None:
        self.requests: list[tuple[float, str]] = []
        self.failing: set[str] = set()
        self.published: set[str] = set()
        self._lock = threading.Lock()
        self.report_pdf = make_pdf([
            "Report to the Children's Services Scrutiny Committee",
            "Early Help and Family Hubs",
            "1. Purpose of the report",
            "1.1 The report sets out the performance of the family hubs in 2022.",
            "2. Recommendation",
            "2.1 The committee is asked to note the family hub waiting list figures.",
        ])
        self.minutes_pdf = make_pdf([
            "Rotherham Metropolitan Borough Council",
            "Adult Social Care Scrutiny Committee",
            "Minutes of the meeting held on Tuesday 14 March 2023",
            "Present: Councillor Dee Evans (Chair), Councillor Faye Green",
            "12. Day Opportunities Review",
            "Members asked about the closure of the Riverside day centre.",
            "RESOLVED that the day opportunities consultation be extended.",
        ])
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        server.daemon_threads = True
        self.server = server
        self.base = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)

    def __enter__(self) -> FakeModernGov:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def paths(self, fragment: str = "") -> list[str]:
        with self._lock:
            return [p for _, p in self.requests if fragment in p]

    # -- routing -----------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                with fake._lock:
                    fake.requests.append((time.monotonic(), self.path))
                status, ctype, body = fake.route(self.path)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def route(self, raw: str) -> tuple[int, str, bytes]:
        parts = urlsplit(raw)
        path = unquote(parts.path)
        q = {k.lower(): v[0] for k, v in parse_qs(parts.query).items()}
        xml, page = "text/xml; charset=utf-8", "text/html; charset=utf-8"
        if path.startswith("/ws/"):
            base = f"{self.base}/ws"
            rest = path[4:]
            if rest == "mgWebService.asmx/GetCommittees":
                return 200, xml, self.committees_xml()
            if rest == "mgWebService.asmx/GetMeetings":
                return 200, xml, self.meetings_xml(q)
            if rest == "mgWebService.asmx/GetMeeting":
                mid = q.get("lmeetingid", "")
                if mid in self.failing:
                    return 500, page, b"<h1>Server Error in '/' Application.</h1>"
                body = self.meeting_xml(base, mid)
                return (200, xml, body) if body else (404, page, b"no such meeting")
            if rest == "mgListCommittees.aspx":
                return 200, page, (b"<html><head><title>Committee structure - Walsall Council"
                                   b"</title></head><body></body></html>")
            if rest.startswith("documents/s5001/"):
                return 200, "application/pdf", self.report_pdf
        if path.startswith("/pages/"):
            return self.pages_route(path[7:], q)
        return 404, page, b"not found"

    def committees_xml(self) -> bytes:
        rows = "".join(f"<committee><committeeid>{cid}</committeeid><committeetitle>{title}"
                       f"</committeetitle><committeedeleted>False</committeedeleted></committee>"
                       for cid, title in WS_COMMITTEES)
        return (f'<?xml version="1.0" encoding="utf-8"?><committees><committeescount>'
                f"{len(WS_COMMITTEES)}</committeescount>{rows}</committees>").encode()

    def meetings_xml(self, q: dict[str, str]) -> bytes:
        def iso(value: str) -> str:
            return dt.datetime.strptime(value, "%d/%m/%Y").date().isoformat()

        lo, hi = iso(q["sfromdate"]), iso(q["stodate"])
        rows = "".join(
            f"<meeting><meetingid>{mid}</meetingid><meetingdate>{date}</meetingdate>"
            f"<meetingtime>18:00</meetingtime><meetingstatus>Confirmed</meetingstatus></meeting>"
            for mid, (cid, date, _) in ws_meetings("").items()
            if cid == q.get("lcommitteeid") and lo <= iso(date) <= hi)
        return f"<getmeetings><meetingscount>{rows.count('<meeting>')}</meetingscount>{rows}" \
               f"</getmeetings>".encode()

    def meeting_xml(self, base: str, mid: str) -> bytes:
        found = ws_meetings(base).get(mid)
        if found is None:
            return b""
        cid, date, items = found
        if not items and mid in self.published:
            items = [LATE_MINUTES]
        attendees = ('<attendees><attendee memberid="11" name="Councillor Alice Adams" '
                     'roledescription="Chair" attendance="Present"/><attendee memberid="12" '
                     'name="Councillor Bob Baker" roledescription="Committee Member" '
                     'attendance="Present"/><attendee memberid="13" name="Councillor Carol '
                     'Clark" roledescription="Committee Member" attendance="Apologies"/>'
                     "</attendees>")
        return (f'<?xml version="1.0" encoding="utf-8"?><meeting><meetingid>{mid}</meetingid>'
                f"<meetingdate>{date}</meetingdate><meetingtime>18:00</meetingtime>"
                f"<meetinglocation>Council House</meetinglocation><committeeid>{cid}"
                f"</committeeid>{attendees}<agendaitems>{''.join(items)}</agendaitems>"
                f"</meeting>").encode()

    def pages_route(self, rest: str, q: dict[str, str]) -> tuple[int, str, bytes]:
        page = "text/html; charset=utf-8"
        if rest.startswith("mgWebService.asmx"):
            return 403, page, b"<h1>403 - Forbidden: Access is denied.</h1>"
        if rest == "mgListCommittees.aspx":
            return 200, page, (
                b"<html><head><title>Committee structure - Rotherham Metropolitan Borough "
                b"Council</title></head><body><ul>"
                b'<li><a href="mgCommitteeDetails.aspx?ID=301">Adult Social Care Scrutiny '
                b'Committee</a></li><li><a href="mgCommitteeDetails.aspx?ID=302">Licensing '
                b"Committee</a></li></ul></body></html>")
        if rest == "ieListMeetings.aspx" and q.get("committeeid") == "301":
            return 200, page, (
                b'<html><body><ul class="mgBulletList">'
                b'<li><a href="ieListDocuments.aspx?CId=301&amp;MId=7001&amp;Ver=4">14 Mar 2023 '
                b"10.00 am</a></li>"
                b'<li><a href="ieListDocuments.aspx?CId=301&amp;MId=7002&amp;Ver=4">20 Apr 2023 '
                b"2.00 pm</a></li></ul></body></html>")
        if rest == "ieListDocuments.aspx" and q.get("mid") == "7001":
            return 200, page, (
                b'<html><body><ul class="mgActionList"><li><a href="documents/g7001/Printed '
                b'minutes 14th-Mar-2023 10.00 Adult Social Care Scrutiny Committee.pdf?T=1" '
                b'title="Link to Printed minutes">Printed minutes PDF 120 KB</a></li></ul>'
                b'<ul class="mgActionList"><li><a href="documents/g7001/Agenda frontsheet '
                b'14th-Mar-2023.pdf?T=0">Agenda frontsheet PDF 90 KB</a></li></ul>'
                b"</body></html>")
        if rest == "ieListDocuments.aspx" and q.get("mid") == "7002":
            return 200, page, (b'<html><body><ul class="mgActionList"><li><a href="documents/'
                               b'g7002/Agenda frontsheet.pdf?T=0">Agenda frontsheet PDF 80 KB'
                               b"</a></li></ul></body></html>")
        if rest.startswith("documents/g7001/Printed minutes"):
            return 200, "application/pdf", self.minutes_pdf
        if rest.startswith("documents/g7001/Agenda"):
            return 200, "application/pdf", self.report_pdf
        return 404, page, b"not found"
