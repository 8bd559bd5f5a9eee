"""What an uploaded file is, read from its content: never from its name or the browser's claim.

The allow-list: PDF, JPEG, PNG, HEIC, DOCX, ODT and plain text. `filetype` reads the magic bytes;
DOCX and ODT are both zip files, told apart by what the zip holds ([Content_Types].xml and
word/document.xml; an ODT's first entry `mimetype`), read from the zip's directory without
unpacking anything. Plain text is UTF-8 without control characters and without markup (an HTML
page renamed .txt or .pdf is refused).

The name the user gave is kept only as a label, cleaned: no path, no control characters, at most
100 characters, and the extension of what the file really is (a PDF renamed `scan.jpg` is stored
as `scan.pdf`, and served as a PDF).
"""

import dataclasses
import re
import unicodedata
import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
TEXT = "text/plain"

# Allowed type → the extension its clean name gets.
ALLOWED = {PDF: "pdf", JPEG: "jpg", PNG: "png", HEIC: "heic", DOCX: "docx", ODT: "odt", TEXT: "txt"}
# What the file input offers (a hint for the browser and the phone; the server decides).
ACCEPT = ".pdf,.jpg,.jpeg,.png,.heic,.docx,.odt,.txt,application/pdf,image/*"

HEAD = 8192
MARKUP = re.compile(rb"^\s*(<!doctype|<html|<head|<body|<script|<svg|<\?xml|<iframe|<object)", re.I)


@dataclasses.dataclass(frozen=True)
class Inspected:
    content_type: str
    file_name: str
    size: int


def max_size() -> int:
    """The largest file accepted: the configured limit, and never more than clamd scans."""
    return min(settings.DOCUMENTS_MAX_SIZE, settings.CLAMD_STREAM_MAX_LENGTH)


def _zip_kind(upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                with archive.open("mimetype") as entry:
                    if entry.read(100).strip() == ODT.encode():
                        return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return None
    finally:
        upload.seek(0)
    return None


def _is_text(upload) -> bool:
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(0)
    if not head or MARKUP.match(head):
        return False
    # A multi-byte character may be cut at the end of the sample.
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:
            return False
        text = head[: error.start].decode("utf-8")
    return not any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text)


def detect(upload) -> str | None:
    """The allowed type the content is, or None."""
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime in (PDF, JPEG, PNG, HEIC):
        return mime
    if mime is not None and (mime.startswith("application/vnd.") or mime in ("application/zip",)):
        return _zip_kind(upload)
    if mime is None and _is_text(upload):
        return TEXT
    return None


def clean_name(name: str, content_type: str) -> str:
    """The user's file name as a label: no folders, no control characters, the real extension."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"\s+", " ", stem).strip(" .") or _("document")
    return f"{stem[:100]}.{ALLOWED[content_type]}"


def inspect(upload) -> Inspected:
    """Check an uploaded file against the limit and the allow-list (ValidationError otherwise)."""
    limit = max_size()
    if upload.size > limit:
        raise ValidationError(
            _("This file is %(size)s; at most %(limit)s is accepted.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("This file is empty."), code="empty")
    content_type = detect(upload)
    if content_type is None:
        raise ValidationError(
            _("This kind of file is not accepted. Use PDF, JPEG, PNG, HEIC, DOCX, ODT or plain text."),
            code="type",
        )
    return Inspected(
        content_type=content_type, file_name=clean_name(upload.name or "", content_type), size=upload.size
    )
