"""Turn a file into exact text (and page starts for PDFs), or say precisely why not.

Offsets everywhere else refer to the text returned here, so readers must be deterministic.
Each reader is bounded: oversized files and decompression bombs are refused with a reason,
never allowed to exhaust memory.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ReadError
from .pdftext import clean_pages

SUPPORTED = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")
MB = 1024 * 1024
MAX_DOCX_UNCOMPRESSED = 256 * MB  # all parts, images included
MAX_DOCX_XML = 25 * MB  # word/document.xml: python-docx holds ~80 bytes per byte of it
MAX_HTML_DEPTH_CHARS = 50 * MB
MAX_TEXT_MB = 10  # extracted text per document; a 1,000-page report is ~4 MB
MAX_GARBAGE_SHARE = 0.10  # undecodable or control characters: a binary file named .txt


@dataclass(slots=True)
class ReadResult:
    text: str
    page_starts: list[int] = field(default_factory=list)
    title_hint: str = ""
    furniture: list[str] = field(default_factory=list)  # running header/footer lines removed
    created: str = ""  # the file's own creation date (PDF metadata), ISO


def read_document(path: Path, max_bytes: int = 256 * MB,
                  max_text_mb: int = MAX_TEXT_MB) -> ReadResult:
    """Read one file; raises ``ReadError`` with a reason a user can act on.

    Both limits bound the time and memory one file may cost: every later stage is linear in
    the text, and the text limit is checked before any of them runs.
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise ReadError(f"unsupported file type {suffix or '(none)'}; supported: "
                        + ", ".join(SUPPORTED))
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from None
    if size == 0:
        raise ReadError("empty file")
    if size > max_bytes:
        raise ReadError(f"file is {size // (1024 * 1024)} MB; the limit is "
                        f"{max_bytes // (1024 * 1024)} MB (SCRUTINY_MAX_FILE_MB)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from None
    if suffix == ".pdf":
        result = _read_pdf(data, max_text_mb)
    elif suffix == ".docx":
        result = _read_docx(data)
    elif suffix in (".html", ".htm"):
        result = _read_html(_decode_text(data, max_text_mb))
    else:
        result = ReadResult(text=normalise_text(_decode_text(data, max_text_mb)))
    _check_length(result.text, max_text_mb)
    if not result.text.strip():
        raise ReadError("no text found (a scanned PDF without a text layer needs OCR first)"
                        if suffix == ".pdf" else "no text found")
    return result


def _check_length(text: str, max_text_mb: int) -> None:
    if len(text) > max_text_mb * MB:
        raise ReadError(f"the document's text is {len(text) // MB} MB; the limit is "
                        f"{max_text_mb} MB of text per document (SCRUTINY_MAX_TEXT_MB)")


def _decode_text(data: bytes, max_text_mb: int) -> str:
    """Decode a text or HTML file, refusing what is not text before any costly stage."""
    text = decode_bytes(data)
    _check_length(text, max_text_mb)
    sample = text[:MB]
    if sample:
        bad = sample.count("\ufffd") + len(_CONTROL.findall(sample))
        if bad / len(sample) > MAX_GARBAGE_SHARE:
            raise ReadError(f"not text: {100 * bad // len(sample)}% of its characters are "
                            "undecodable or control characters (a binary file named as text?)")
    return text


def decode_bytes(data: bytes) -> str:
    """Decode text of unknown encoding; never fails (undecodable bytes become U+FFFD)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    utf16 = _bomless_utf16(data[:4096])
    if utf16:
        return data.decode(utf16, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 4 * 1024 * 1024]).best()
    encoding = best.encoding if best is not None else "cp1252"
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("cp1252", errors="replace")


def _bomless_utf16(head: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark (some Windows exports): Latin text then has a
    NUL in every other byte, which would otherwise decode as UTF-8 full of control codes."""
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalise_text(text: str) -> str:
    """Unify line endings and drop control characters; everything else is kept verbatim."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(" ", text)


def _read_pdf(data: bytes, max_text_mb: int = MAX_TEXT_MB) -> ReadResult:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ReadError("not a PDF file (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise ReadError("password-protected PDF")
            except ReadError:
                raise
            except Exception:
                raise ReadError("password-protected PDF") from None
        parts: list[str] = []
        offset = 0
        for page in reader.pages:
            page_text = normalise_text(page.extract_text() or "")
            parts.append(page_text)
            offset += len(page_text) + 2
            if offset > max_text_mb * MB:  # stop extracting as soon as the limit is passed
                raise ReadError(f"the document's text is over {max_text_mb} MB; the limit is "
                                f"{max_text_mb} MB of text per document (SCRUTINY_MAX_TEXT_MB)")
        title, created = "", ""
        try:
            info = reader.metadata or {}
            title = str(info.get("/Title") or "")
            created = str(info.get("/CreationDate") or info.get("/ModDate") or "")
        except Exception:
            title = ""
    except ReadError:
        raise
    except (PdfReadError, Exception) as exc:  # pypdf raises many types on damaged files
        raise ReadError(f"corrupt or truncated PDF ({type(exc).__name__})") from None
    # Running headers and footers out, lines reflowed: see pdftext for why the cleaned text is
    # the stored text (quotes stay exact slices; page_starts index the cleaned text).
    cleaned = clean_pages(parts)
    return ReadResult(text=cleaned.text, page_starts=cleaned.page_starts, title_hint=title,
                      furniture=cleaned.furniture, created=_pdf_date(created))


def _pdf_date(value: str) -> str:
    """``D:20240723101500+01'00'`` as ISO ``2024-07-23``, or "" when it is not a date."""
    m = re.match(r"(?:D:)?((?:19|20)\d\d)([01]\d)([0-3]\d)", value.strip())
    return "-".join(m.groups()) if m else ""


def _read_docx(data: bytes) -> ReadResult:
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(info.file_size for info in zf.infolist())
            if total > MAX_DOCX_UNCOMPRESSED:
                raise ReadError(f"DOCX expands to more than {MAX_DOCX_UNCOMPRESSED // MB} MB "
                                "(possible zip bomb)")
            if "word/document.xml" not in zf.namelist():
                raise ReadError("corrupt DOCX (no word/document.xml)")
            if zf.getinfo("word/document.xml").file_size > MAX_DOCX_XML:
                raise ReadError(f"DOCX body expands to more than {MAX_DOCX_XML // MB} MB "
                                "(possible zip bomb, or split the document)")
    except zipfile.BadZipFile:
        raise ReadError("corrupt DOCX (not a zip archive)") from None
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in _docx_blocks(document):
            lines.append(block)
        title = document.core_properties.title or ""
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError(f"corrupt DOCX ({type(exc).__name__})") from None
    return ReadResult(text=normalise_text("\n\n".join(lines)), title_hint=title)


def _docx_blocks(document: object) -> list[str]:
    """Paragraphs and table rows in document order (minutes often put items in tables)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks: list[str] = []
    body = document.element.body  # type: ignore[attr-defined]
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, document).text.strip()  # type: ignore[arg-type]
            if text:
                blocks.append(text)
        elif tag == "tbl":
            table = Table(child, document)  # type: ignore[arg-type]
            for row in table.rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = cell.text.strip()
                    if value and (not cells or cells[-1] != value):
                        cells.append(value)
                if cells:
                    blocks.append("  ".join(cells))
    return blocks


_BLOCK_TAGS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
               "article", "br", "dt", "dd", "blockquote", "pre", "ul", "ol")
_DROP_TAGS = ("script", "style", "nav", "header", "footer", "noscript", "form", "aside",
              "button", "iframe", "svg", "menu")
_DROP_HINTS = re.compile(r"(^|[-_ ])(nav|menu|breadcrumb|footer|header|cookie|skip|search|"
                         r"sidebar|banner)([-_ ]|$)", re.I)


_ITEM_NUMBER = re.compile(r"(?:[A-Z]{1,6}[ .]?)?\d{1,4}[a-z]?(?:[./]\d{1,4})*\.?")


def _read_html(html: str) -> ReadResult:
    """Main content of a council web page (e.g. ModernGov), items kept on their own lines."""
    if len(html) > MAX_HTML_DEPTH_CHARS:
        raise ReadError("HTML page larger than 50 MB")
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(html, "lxml")
    except Exception as exc:
        raise ReadError(f"unparseable HTML ({type(exc).__name__})") from None
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(attrs={"id": _DROP_HINTS}):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": re.compile("navigation|banner|contentinfo")}):
        tag.decompose()
    root = (soup.find("main") or soup.find(id=re.compile("content|modgov", re.I))
            or soup.body or soup)
    lines: list[str] = []
    current: list[str] = []

    def flush(final: bool = False) -> None:
        line = re.sub(r"[ \t\u00a0]+", " ", "".join(current)).strip()
        if not final and _ITEM_NUMBER.fullmatch(line):
            current[:] = [line, " "]  # a ModernGov number cell: keep it with its title
            return
        if line:
            lines.append(line)
        current.clear()

    for element in root.descendants:
        name = getattr(element, "name", None)
        if name is None:
            current.append(str(element).replace("\n", " "))
        elif name in _BLOCK_TAGS or name in ("td", "th"):
            if name in ("td", "th"):
                current.append("  ")
            else:
                flush()
    flush(final=True)
    return ReadResult(text=normalise_text("\n\n".join(lines)), title_hint=title)
