"""CBS wijk and buurt codes: their names, whether a code exists, and reading a municipality's list.

Every wijk and buurt code carries its municipality: BU01933000 lies in WK019330, in GM0193.
A municipality with a loaded list (CbsArea) accepts only the codes on it; one without keeps the
format check alone. Names are looked up per municipality, a whole list in one query, so a page
costs the same for one code as for many (docs/domain.md, "Areas").
"""

import csv
import re
from collections import defaultdict
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import ngettext

from areas.models import CbsArea

DEMO_FILE = Path(__file__).resolve().parent / "data" / "cbs_GM0193.csv"
WIJK_CODE = re.compile(r"^WK\d{6}$")
BUURT_CODE = re.compile(r"^BU\d{8}$")


def kind_of(code: str) -> str | None:
    """CbsArea.Kind of a well-formed wijk or buurt code; None for anything else."""
    if WIJK_CODE.match(code or ""):
        return CbsArea.Kind.WIJK
    if BUURT_CODE.match(code or ""):
        return CbsArea.Kind.BUURT
    return None


def municipality_of(code: str) -> str:
    return f"GM{code[2:6]}"


def names_by_municipality(municipality_codes) -> dict[str, dict[str, str]]:
    """{municipality: {code: name}} for these municipalities, in one query; an empty dict for a
    municipality without a loaded list."""
    names: dict[str, dict[str, str]] = {code: {} for code in municipality_codes}
    if names:
        rows = CbsArea.objects.filter(municipality_code__in=names).values_list(
            "municipality_code", "code", "name"
        )
        for municipality, code, name in rows:
            names[municipality][code] = name
    return names


def label(code: str, name: str | None) -> str:
    """ "Holtenbroek (WK019330)"; the code alone where no name is known."""
    return f"{name} ({code})" if name else code


class AreaNames:
    """The names a page shows, a municipality's list loaded once (areas.templatetags)."""

    def __init__(self):
        self.names: dict[str, dict[str, str]] = {}

    def load(self, codes) -> None:
        wanted = {municipality_of(code) for code in codes if kind_of(code)} - set(self.names)
        if wanted:
            self.names.update(names_by_municipality(wanted))

    def label(self, code: str) -> str:
        if not kind_of(code):
            return code
        self.load([code])
        return label(code, self.names[municipality_of(code)].get(code))


def unknown_codes(codes, municipality_code: str | None = None) -> list[str]:
    """The wijk and buurt codes that are not on their municipality's list (one query); with
    municipality_code, also those of another municipality. GM codes pass."""
    area_codes = [code for code in codes if kind_of(code)]
    lists = names_by_municipality({municipality_of(code) for code in area_codes})
    return [
        code
        for code in area_codes
        if (municipality_code and municipality_of(code) != municipality_code)
        or (lists[municipality_of(code)] and code not in lists[municipality_of(code)])
    ]


def refuse_unknown(codes, municipality=None) -> None:
    """A ValidationError (Dutch, for the field) naming the codes that do not exist; with a
    Municipality, also the codes of another one."""
    unknown = unknown_codes(codes, municipality.cbs_code if municipality else None)
    if not unknown:
        return
    if municipality:
        message = ngettext(
            "Not a wijk or buurt of %(municipality)s: %(codes)s.",
            "Not wijken or buurten of %(municipality)s: %(codes)s.",
            len(unknown),
        )
    else:
        message = ngettext(
            "This CBS code does not exist: %(codes)s.",
            "These CBS codes do not exist: %(codes)s.",
            len(unknown),
        )
    names = {"codes": ", ".join(unknown), "municipality": municipality.name if municipality else ""}
    raise ValidationError(message % names, code="unknown_cbs_code")


def buurt_choices(areas) -> list:
    """The buurten of these areas grouped by wijk, by name: choices of a select."""
    wijken = {area.code: area.name for area in areas if area.kind == CbsArea.Kind.WIJK}
    grouped = defaultdict(list)
    for area in sorted(areas, key=lambda area: area.name):
        if area.kind == CbsArea.Kind.BUURT:
            grouped[area.wijk_code].append((area.code, label(area.code, area.name)))
    return [
        (label(wijk, wijken.get(wijk)), grouped[wijk])
        for wijk in sorted(grouped, key=lambda wijk: wijken.get(wijk, wijk))
    ]


# --- Reading a list ---------------------------------------------------------------------------

# The columns of our own file (code;name;kind) and of CBS's "Kerncijfers wijken en buurten":
# the kwb-YYYY.csv download (gwb_code_10, regio, recs) and StatLine's CSV (Codering_3,
# WijkenEnBuurten, SoortRegio_2). Compared lower-case, without spaces and underscores.
CODE_COLUMNS = ("code", "gwbcode10", "gwbcode", "codering3", "codering")
NAME_COLUMNS = ("name", "naam", "regio", "wijkenenbuurten")
KIND_COLUMNS = ("kind", "soort", "recs", "soortregio2", "soortregio")
KINDS = {"wijk": CbsArea.Kind.WIJK, "buurt": CbsArea.Kind.BUURT}


class AreaFileError(ValueError):
    """A file that is not a list of CBS areas, or has a wrong row: nothing is imported."""


def _column(header: dict[str, str], candidates) -> str | None:
    return next((header[name] for name in candidates if name in header), None)


def read_areas(text: str) -> list[CbsArea]:
    """The wijken and buurten of a code;name[;kind] file or a CBS kerncijfers CSV (';' or ',').
    Lines starting with # are comments; rows of a municipality or the country are skipped."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise AreaFileError("the file is empty")
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.DictReader(lines, delimiter=delimiter)
    header = {re.sub(r"[\s_]", "", name.lower()): name for name in reader.fieldnames or []}
    code_column, name_column = _column(header, CODE_COLUMNS), _column(header, NAME_COLUMNS)
    kind_column = _column(header, KIND_COLUMNS)
    if not (code_column and name_column):
        raise AreaFileError(f"no code and name columns in {list(reader.fieldnames or [])}")
    areas, seen = [], set()
    for row in reader:
        code = (row.get(code_column) or "").strip().upper()
        if code.startswith(("GM", "NL")):
            continue
        kind = kind_of(code)
        if kind is None:
            raise AreaFileError(f"{code!r} is not a CBS wijk (WK + 6 digits) or buurt (BU + 8) code")
        given = (row.get(kind_column) or "").strip().lower() if kind_column else ""
        if given and KINDS.get(given) != kind:
            raise AreaFileError(f"{code} is a {kind}, the file says {given!r}")
        name = (row.get(name_column) or "").strip()
        if not name:
            raise AreaFileError(f"{code} has no name")
        if code in seen:
            raise AreaFileError(f"{code} is in the file twice")
        seen.add(code)
        wijk = f"WK{code[2:8]}" if kind == CbsArea.Kind.BUURT else ""
        areas.append(
            CbsArea(code=code, name=name, kind=kind, municipality_code=municipality_of(code), wijk_code=wijk)
        )
    return areas


def read_file(path) -> list[CbsArea]:
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")  # CBS's downloads are not always UTF-8
    return read_areas(text)


@transaction.atomic
def import_areas(areas: list[CbsArea], municipality_code: str | None = None) -> dict[str, int]:
    """Replace the lists of the municipalities in `areas` (or of the one given) as a whole.
    Returns the number of areas per municipality."""
    if municipality_code:
        areas = [area for area in areas if area.municipality_code == municipality_code]
    counts: dict[str, int] = defaultdict(int)
    for area in areas:
        counts[area.municipality_code] += 1
    CbsArea.objects.filter(municipality_code__in=counts).delete()
    CbsArea.objects.bulk_create(areas)
    return dict(counts)


def load_demo_areas() -> dict[str, int]:
    """The demo municipality's list (Zwolle, GM0193) from the file the project ships."""
    return import_areas(read_file(DEMO_FILE))


def buurten_by_wijk(municipality_code: str) -> dict[str, list[str]]:
    """{wijk code: [buurt codes]} of a municipality's list."""
    buurten = defaultdict(list)
    rows = CbsArea.objects.filter(municipality_code=municipality_code, kind=CbsArea.Kind.BUURT)
    for wijk, code in rows.order_by("code").values_list("wijk_code", "code"):
        buurten[wijk].append(code)
    return dict(buurten)
