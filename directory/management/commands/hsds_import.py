import json

from django.core.management.base import BaseCommand, CommandError

from directory import hsds


class Command(BaseCommand):
    help = "Load an HSDS 3.0 JSON document (as hsds_export writes it) into the social map."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The JSON file to read.")

    def handle(self, *args, path, **options):
        try:
            with open(path, encoding="utf-8") as file:
                document = json.load(file)
            counts = hsds.import_document(document)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(", ".join(f"{count} {kind}" for kind, count in counts.items()))
