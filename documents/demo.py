"""Demo documents: a letter and a small PDF decision on the demo worker's first households.

The files are made here (plain text and a one-page PDF), so they are known to be harmless and
are stored as scanned clean: the demo runs without a virus scanner. Idempotent: only when the
team has no document yet.
"""

from django.core.files.base import ContentFile
from django.utils import timezone

from cases.management.demo_people import demo_user
from cases.models import Household
from documents import services
from documents.models import Document
from teams.models import Team

REASON = "Demo data"


def small_pdf(text: str) -> bytes:
    """A valid one-page PDF with one line of text (Helvetica, ASCII)."""
    safe = text.encode("ascii", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 14 Tf 72 760 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


DOCUMENTS = [
    (
        "Brief woningcorporatie: huurachterstand",
        Document.Kind.LETTER_IN,
        "brief-woningcorporatie.txt",
        "text/plain",
        b"Geachte bewoner,\n\nUit onze administratie blijkt een huurachterstand van twee maanden.\n"
        b"Neem contact met ons op voor een betalingsregeling.\n\nMet vriendelijke groet,\nWoonstede\n",
    ),
    (
        "Beschikking Wmo: huishoudelijke hulp",
        Document.Kind.DECISION,
        "beschikking-wmo.pdf",
        "application/pdf",
        small_pdf("Beschikking Wmo - huishoudelijke hulp toegekend (demo)"),
    ),
]


def seed_documents(team: Team) -> None:
    if Document.objects.filter(household__team=team).exists():
        return
    worker = demo_user(team, "worker")
    households = list(
        Household.objects.filter(team=team, lead_worker=worker, status=Household.Status.OPEN).order_by(
            "name"
        )[:2]
    )
    for household in households:
        for title, kind, name, content_type, content in DOCUMENTS:
            key = services.storage().save(services.new_key(), ContentFile(content))
            document = Document(
                household=household,
                title=title,
                kind=kind,
                date=timezone.localdate(),
                added_by=worker,
                file_name=name,
                content_type=content_type,
                size=len(content),
                storage_key=key,
                scan_status=Document.ScanStatus.CLEAN,
                scanned_at=timezone.now(),
            )
            document._change_reason = REASON
            document._history_user = worker
            document.full_clean()
            document.save()
