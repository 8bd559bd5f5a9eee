"""The art. 15 export with the files: the JSON and the person's documents in one zip.

Which documents: those the export lists (cases/export.py, the "documents" section): of the
person's household, that the exporting user may open, naming the person or nobody. Only files
found clean and not deleted by retention are included; the JSON lists the others.
"""

import json
import tempfile
import zipfile

from django.http import FileResponse
from django.utils import timezone

from documents import services
from documents.models import Document


def about(person, user):
    """The person's documents as the export lists them, with their files present."""
    household = person.household
    documents = (
        Document.objects.filter(household=household)
        .readable_by(user, household)
        .prefetch_related("persons")
        .order_by("date", "added_at")
    )
    return [
        d
        for d in documents
        if d.downloadable and (not d.persons.all() or any(p.pk == person.pk for p in d.persons.all()))
    ]


def zip_response(data: dict, person, user, generated_at) -> FileResponse:
    """inzage-<date>.zip: inzage.json and bestanden/<date>-<name> for each file."""
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    names = set()
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("inzage.json", json.dumps(data, ensure_ascii=False, indent=2))
        for document in about(person, user):
            name = f"bestanden/{document.date:%Y-%m-%d}-{document.file_name}"
            stem, dot, ext = name.rpartition(".")
            number = 1
            while name in names:
                number += 1
                name = f"{stem} ({number}){dot}{ext}"
            names.add(name)
            with services.storage().open(document.storage_key, "rb") as stream:
                archive.writestr(name, stream.read())
    spool.seek(0)
    filename = f"inzage-{timezone.localdate(generated_at):%Y-%m-%d}.zip"
    return FileResponse(spool, as_attachment=True, filename=filename, content_type="application/zip")
