import json
import pathlib
import zipfile

from django.core.management.base import BaseCommand, CommandError

from directory import hsds
from directory.hsds import tabular


class Command(BaseCommand):
    help = (
        "Load HSDS 3.0 (as hsds_export writes it) into the social map: a JSON document, or a tabular "
        "data package (a folder or .zip file with datapackage.json and a CSV per table)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The JSON file, or the package's folder or .zip file.")

    def handle(self, *args, path, **options):
        try:
            if pathlib.Path(path).is_dir() or zipfile.is_zipfile(path):
                document = tabular.document_of(tabular.read(path))
            else:
                with open(path, encoding="utf-8") as file:
                    document = json.load(file)
            counts = hsds.import_document(document)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(", ".join(f"{count} {kind}" for kind, count in counts.items()))
