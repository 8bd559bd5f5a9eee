import json

from django.core.management.base import BaseCommand, CommandError

from directory import hsds


class Command(BaseCommand):
    help = "Write the whole social map as one HSDS 3.0 JSON document (Dutch profile), validated."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-", help="File to write; - for standard output.")
        parser.add_argument("--without-contacts", action="store_true", help="Leave contact persons out.")

    def handle(self, *args, path, without_contacts, **options):
        document = hsds.export_document(with_contacts=not without_contacts)
        problems = hsds.errors(document)
        if problems:
            raise CommandError("The export does not validate: " + "; ".join(problems[:10]))
        text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)
        if path == "-":
            self.stdout.write(text)
        else:
            with open(path, "w", encoding="utf-8") as file:
                file.write(text)
            self.stdout.write(f"{len(document['services'])} services written to {path}")
