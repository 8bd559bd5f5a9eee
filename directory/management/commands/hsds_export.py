import json

from django.core.management.base import BaseCommand, CommandError

from directory import hsds
from directory.hsds import tabular


class Command(BaseCommand):
    help = (
        "Write the whole social map as HSDS 3.0 (Dutch profile), validated: one JSON document, or "
        "(--format tabular) HSDS's tabular data package, a CSV per table and datapackage.json, into "
        "a folder or a .zip file."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-", help="File to write; - for standard output.")
        parser.add_argument("--format", choices=["json", "tabular"], default="json")
        parser.add_argument("--without-contacts", action="store_true", help="Leave contact persons out.")

    def handle(self, *args, path, format, without_contacts, **options):
        document = hsds.export_document(with_contacts=not without_contacts)
        problems = hsds.errors(document)
        if problems:
            raise CommandError("The export does not validate: " + "; ".join(problems[:10]))
        if format == "tabular":
            if path == "-":
                raise CommandError("A tabular package needs a folder or a .zip file.")
            files = tabular.write(document)
            problems = tabular.problems(files)
            if problems:
                raise CommandError("The package does not validate: " + "; ".join(problems[:10]))
            tabular.save(files, path)
            self.stdout.write(f"{len(document['services'])} services written to {path}")
            return
        text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)
        if path == "-":
            self.stdout.write(text)
        else:
            with open(path, "w", encoding="utf-8") as file:
                file.write(text)
            self.stdout.write(f"{len(document['services'])} services written to {path}")
