"""What a file is comes from its content: the allow-list, the clean name, markup refused."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import intake

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 40
HEIC_BYTES = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 40


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", intake.ODT, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hallo")
    return buffer.getvalue()


def upload(content: bytes, name: str = "bestand") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")  # the browser's claim: ignored


@pytest.mark.parametrize(
    "content, expected",
    [
        (PDF_BYTES, intake.PDF),
        (PNG_BYTES, intake.PNG),
        (JPEG_BYTES, intake.JPEG),
        (HEIC_BYTES, intake.HEIC),
        (docx_bytes(), intake.DOCX),
        (odt_bytes(), intake.ODT),
        ("Beste mevrouw Jansen,\nUw aanvraag is ontvangen. Groet, Één medewerker\n".encode(), intake.TEXT),
    ],
    ids=["pdf", "png", "jpeg", "heic", "docx", "odt", "text"],
)
def test_allowed_types_are_read_from_the_content(content, expected):
    assert intake.detect(upload(content)) == expected


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"  <svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        plain_zip(),
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",  # a Windows program
        b"GIF89a\x01\x00\x01\x00",
        b"tekst met \x00 nul-bytes \x01\x02",
    ],
    ids=["html", "svg", "zip", "exe", "gif", "binary"],
)
def test_other_content_is_refused(content):
    assert intake.detect(upload(content)) is None
    with pytest.raises(ValidationError, match="niet geaccepteerd|not accepted"):
        intake.inspect(upload(content, "brief.pdf"))


def test_a_pdf_renamed_jpg_is_a_pdf_with_a_pdf_name():
    inspected = intake.inspect(upload(PDF_BYTES, "foto van de brief.jpg"))
    assert inspected.content_type == intake.PDF
    assert inspected.file_name == "foto van de brief.pdf"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd", "passwd.txt"),
        ("C:\\Users\\jan\\Brief\u202egnp.txt", "Briefgnp.txt"),
        ("   .txt", "document.txt"),
        ("a" * 300 + ".txt", "a" * 100 + ".txt"),
    ],
)
def test_the_name_is_cleaned(name, expected, settings):
    settings.LANGUAGE_CODE = "en"
    assert intake.clean_name(name, intake.TEXT) == expected


def test_too_large_and_empty_files_are_refused(settings):
    settings.DOCUMENTS_MAX_SIZE = 100
    with pytest.raises(ValidationError) as error:
        intake.inspect(upload(b"x" * 101))
    assert error.value.code == "too_large"
    with pytest.raises(ValidationError) as error:
        intake.inspect(upload(b""))
    assert error.value.code == "empty"


def test_the_limit_is_never_above_what_clamd_reads(settings):
    settings.DOCUMENTS_MAX_SIZE = 20 * 1024 * 1024
    settings.CLAMD_STREAM_MAX_LENGTH = 2 * 1024 * 1024
    assert intake.max_size() == 2 * 1024 * 1024
