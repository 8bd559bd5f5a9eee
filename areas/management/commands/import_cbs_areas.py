"""Load the CBS wijken and buurten of one or more municipalities (README, "CBS areas")."""

from django.core.management.base import BaseCommand, CommandError

from areas.cbs import AreaFileError, import_areas, read_file


class Command(BaseCommand):
    help = (
        "Import CBS wijk and buurt codes with their names from CBS's 'Kerncijfers wijken en buurten' "
        "CSV (gwb_code_10/regio/recs or Codering_3/WijkenEnBuurten/SoortRegio_2) or a code;name;kind "
        "file. Each municipality in the file gets exactly the file's list."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--municipality", help="only this municipality, e.g. GM0193")

    def handle(self, *args, **options):
        municipality = (options["municipality"] or "").strip().upper() or None
        try:
            areas = read_file(options["file"])
        except (OSError, AreaFileError) as error:
            raise CommandError(f"{options['file']}: {error}; nothing imported") from error
        counts = import_areas(areas, municipality)
        if not counts:
            raise CommandError(
                f"{options['file']}: no wijken or buurten of {municipality or 'any municipality'}"
            )
        for code, count in sorted(counts.items()):
            self.stdout.write(f"{code}: {count} wijken and buurten")
