"""The social map as HSDS 3.0's tabular data package: one CSV per HSDS table and a Frictionless
`datapackage.json` describing them, out and in.

No second mapping: the tables are the JSON document of directory/hsds (`export_document`)
flattened, and a package is read by nesting its rows back into that document and handing it to
`import_document`. Every HSDS table is written (an empty one as its header only), so every
foreign key of the package names a resource of the package.

The table names, paths, columns (names and order), types, enums and required fields come from
HSDS's own tabular schema (schema/compiled/tabular.json, copied unchanged; CC BY-SA 4.0, see
../LICENSE). Foreign keys follow HSDS's naming (`service_id` names a service, and so on; an
attribute's `link_id` and metadata's `resource_id` point at more than one table and have none).

"Required" in a CSV means a cell that is not empty. The Dutch profile cannot fill four fields
that HSDS requires (PROFILE_OPTIONAL): an organisation or taxonomy term may lack a description
(the JSON document carries it as ""), Dutch addresses have no state or province, and the
profile's own attributes (sector, partner, ...) are not taxonomy terms.
"""

import csv
import datetime
import io
import json
import pathlib
import zipfile

from directory.hsds import KINDS, PROFILE_URI, SCHEMA_DIR, VERSION

TABULAR = SCHEMA_DIR / "compiled" / "tabular.json"
DATAPACKAGE = "datapackage.json"
PROFILE_OPTIONAL = {
    ("organization", "description"),
    ("taxonomy_term", "description"),
    ("address", "state_province"),
    ("attribute", "taxonomy_term_id"),
}
# The column naming another table, and that table.
REFERENCES = {
    "organization_id": "organization",
    "parent_organization_id": "organization",
    "program_id": "program",
    "service_id": "service",
    "location_id": "location",
    "contact_id": "contact",
    "service_at_location_id": "service_at_location",
    "phone_id": "phone",
    "taxonomy_term_id": "taxonomy_term",
    "taxonomy_id": "taxonomy",
    "parent_id": "taxonomy_term",
}
# The document's top-level lists (directory/hsds KINDS) and their tables.
TOP = {key: schema.removesuffix(".json") for key, schema in KINDS.items()}
# A nested list of the document (its key) and the table of its items.
NESTED = {
    "phones": "phone",
    "contacts": "contact",
    "organization_identifiers": "organization_identifier",
    "attributes": "attribute",
    "schedules": "schedule",
    "addresses": "address",
    "service_areas": "service_area",
    "languages": "language",
    "service_at_locations": "service_at_location",
    "accessibility": "accessibility",
    "cost_options": "cost_option",
    "required_documents": "required_document",
    "funding": "funding",
    "metadata": "metadata",
}
# Where a row of a nested table belongs: the first of its columns that is filled names the parent.
PARENT_COLUMNS = ["contact_id", "service_at_location_id", "service_id", "location_id", "organization_id"]


def _tables() -> dict:
    return json.loads(TABULAR.read_text())["properties"]


def _field(table: str, name: str, spec: dict, required: set) -> dict:
    field = {"name": name, "type": spec.get("datapackage_type", spec["type"])}
    if spec.get("format") in ("uuid", "email", "uri") and field["type"] == "string":
        field["format"] = spec["format"]
    if spec.get("description"):
        field["description"] = spec["description"]
    constraints = {}
    if name in required and (table, name) not in PROFILE_OPTIONAL:
        constraints["required"] = True
    if spec.get("constraints", {}).get("unique") and name == "id":
        constraints["unique"] = True
    if spec.get("enum"):
        constraints["enum"] = spec["enum"]
    if constraints:
        field["constraints"] = constraints
    return field


def datapackage() -> dict:
    """The package's descriptor: a tabular data resource per HSDS table."""
    tables = _tables()
    resources = []
    ordered = sorted(tables.items(), key=lambda item: item[1]["items"]["datapackage_metadata"]["order"])
    for table, spec in ordered:
        items = spec["items"]
        required = set(items.get("required", [])) | set(items.get("tabular_required", []))
        columns = {name: s for name, s in items["properties"].items() if s["type"] != "array"}
        schema = {
            "fields": [_field(table, name, s, required) for name, s in columns.items()],
            "primaryKey": ["id"],
        }
        foreign = [
            {"fields": [name], "reference": {"resource": REFERENCES[name], "fields": ["id"]}}
            for name in columns
            if name in REFERENCES and REFERENCES[name] in tables
        ]
        if foreign:
            schema["foreignKeys"] = foreign
        resources.append(
            {
                "name": table,
                "path": items["path"],
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "sociale-kaart",
        "title": "Sociale kaart (HSDS 3.0)",
        "hsds_version": VERSION,
        "hsds_profile": PROFILE_URI,
        "licenses": [
            {
                "name": "CC-BY-SA-4.0",
                "path": "https://creativecommons.org/licenses/by-sa/4.0/",
                "title": "HSDS tabular schema: Creative Commons Attribution-ShareAlike 4.0 (Open Referral)",
            }
        ],
        "resources": resources,
    }


# --- Out: the document flattened ----------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _flatten(table: str, item: dict, rows: dict) -> None:
    row = {}
    for key, value in item.items():
        if isinstance(value, list):
            for child in value:
                _flatten(NESTED[key], child, rows)
        elif isinstance(value, dict):
            raise ValueError(f"{table}.{key}: a nested object has no table")
        else:
            row[key] = value
    rows[table].append(row)


def tables_of(document: dict) -> dict[str, list[dict]]:
    """The rows of every HSDS table, in the document's order."""
    rows = {table: [] for table in _tables()}
    for key, table in TOP.items():
        for item in document.get(key, []):
            _flatten(table, item, rows)
    return rows


def write(document: dict) -> dict[str, bytes]:
    """The package's files: {path: content}."""
    package = datapackage()
    files = {DATAPACKAGE: (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode()}
    rows = tables_of(document)
    for resource in package["resources"]:
        columns = [field["name"] for field in resource["schema"]["fields"]]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows[resource["name"]]:
            unknown = set(row) - set(columns)
            if unknown:
                raise ValueError(f"{resource['name']}: no column for {sorted(unknown)}")
            writer.writerow([_cell(row.get(name)) for name in columns])
        files[resource["path"]] = out.getvalue().encode()
    return files


def save(files: dict[str, bytes], target) -> None:
    """Into a folder, or a .zip file when the path ends so (or a file object)."""
    if hasattr(target, "write") or str(target).endswith(".zip"):
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in files.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, content)
        return
    folder = pathlib.Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)


# --- Checking a package against its descriptor ---------------------------------------------------


def _typed(field: dict, text: str):
    """The value of a non-empty cell per its field's type (ValueError when it is not one)."""
    kind = field["type"]
    if kind == "string":
        return text
    if kind == "integer":
        return int(text)
    if kind == "number":
        number = float(text)
        return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
    if kind == "boolean":
        if text not in ("true", "false"):
            raise ValueError(text)
        return text == "true"
    if kind == "date":
        datetime.date.fromisoformat(text)
        return text
    if kind == "time":
        datetime.time.fromisoformat(text)
        return text
    if kind == "datetime":
        datetime.datetime.fromisoformat(text)
        return text
    raise ValueError(f"type {kind}")


def read(source) -> dict[str, bytes]:
    """A package's files from a folder, a .zip file or an open zip file: {path: content}."""
    if hasattr(source, "read") or zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            return {
                name: archive.read(name)
                for name in archive.namelist()
                if not name.endswith("/") and "/" not in name.strip("/")
            }
    folder = pathlib.Path(source)
    if not folder.is_dir():
        raise ValueError(f"{source}: not a folder or a .zip file")
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}


def rows_of(files: dict[str, bytes]) -> tuple[dict, dict[str, tuple[list, list[dict]]]]:
    """The descriptor, and per resource its header and rows (dicts of text)."""
    try:
        package = json.loads(files[DATAPACKAGE])
    except KeyError:
        raise ValueError("the package has no datapackage.json") from None
    tables = {}
    for resource in package.get("resources", []):
        content = files.get(resource["path"])
        if content is None:
            raise ValueError(f"{resource['path']}: missing from the package")
        reader = csv.reader(io.StringIO(content.decode("utf-8-sig")))
        header = next(reader, [])
        rows = [dict(zip(header, line, strict=False)) for line in reader if line]
        tables[resource["name"]] = (header, rows)
    return package, tables


def problems(files: dict[str, bytes]) -> list[str]:
    """Every breach of the package's own descriptor: the header (names and order of the fields),
    each cell's type, required, enum and unique constraints, and every foreign key resolving to a
    row of the table it names. Empty when the package is valid."""
    package, tables = rows_of(files)
    found = []
    keys = {}
    for resource in package["resources"]:
        name, fields = resource["name"], resource["schema"]["fields"]
        header, rows = tables[name]
        if header != [field["name"] for field in fields]:
            found.append(f"{resource['path']}: header {header} is not the schema's fields")
            continue
        seen = set()
        for number, row in enumerate(rows, start=2):
            for field in fields:
                text = row.get(field["name"], "")
                constraints = field.get("constraints", {})
                where = f"{resource['path']} row {number} {field['name']}"
                if text == "":
                    if constraints.get("required"):
                        found.append(f"{where}: required")
                    continue
                try:
                    _typed(field, text)
                except ValueError:
                    found.append(f"{where}: not a {field['type']}: {text!r}")
                if "enum" in constraints and text not in constraints["enum"]:
                    found.append(f"{where}: {text!r} is not one of {constraints['enum']}")
            key = row.get("id", "")
            if key in seen:
                found.append(f"{resource['path']} row {number}: id {key} twice")
            seen.add(key)
        keys[name] = seen
    for resource in package["resources"]:
        _header, rows = tables[resource["name"]]
        for foreign in resource["schema"].get("foreignKeys", []):
            (column,), target = foreign["fields"], foreign["reference"]["resource"]
            for number, row in enumerate(rows, start=2):
                if row.get(column) and row[column] not in keys.get(target, set()):
                    found.append(
                        f"{resource['path']} row {number} {column}: no {target} with id {row[column]}"
                    )
    return found


# --- In: the rows nested back into the document --------------------------------------------------


def _item(table: str, row: dict, fields: dict, required: set) -> dict:
    item = {}
    for name, text in row.items():
        if text == "":
            if name in required:
                item[name] = ""  # the document carries a required field even when empty
            continue
        field = fields[name]
        item[name] = _typed(field, text) if field["type"] in ("integer", "number", "boolean") else text
    return item


def document_of(files: dict[str, bytes]) -> dict:
    """The JSON document of a package (its rows nested back under their parents)."""
    found = problems(files)
    if found:
        raise ValueError("; ".join(found[:10]))
    package, tables = rows_of(files)
    schemas = {t: spec["items"] for t, spec in _tables().items()}
    items: dict[str, list[dict]] = {}
    for resource in package["resources"]:
        table = resource["name"]
        fields = {field["name"]: field for field in resource["schema"]["fields"]}
        required = set(schemas.get(table, {}).get("required", []))
        items[table] = [_item(table, row, fields, required) for row in tables[resource["name"]][1]]
    by_id = {table: {item["id"]: item for item in rows} for table, rows in items.items()}
    key_of = {table: key for key, table in NESTED.items()}
    top = set(TOP.values())
    # Children before parents are nested: a contact's phones, then the contact under its owner.
    order = [t for t in items if t not in top]
    order.sort(key=lambda t: t != "phone")
    for table in order:
        for item in items[table]:
            parent = _parent(table, item, by_id)
            if parent is None:
                raise ValueError(f"{table} {item['id']}: no parent in the package")
            parent.setdefault(key_of[table], []).append(item)
    document = {"version": package.get("hsds_version", VERSION), "profile": package.get("hsds_profile", "")}
    for key, table in TOP.items():
        document[key] = items.get(table, [])
    return document


def _parent(table: str, item: dict, by_id: dict) -> dict | None:
    if table == "attribute":
        return by_id.get(item.get("link_entity", ""), {}).get(item.get("link_id"))
    for column in PARENT_COLUMNS:
        if column in item and column.removesuffix("_id") != table:
            return by_id.get(REFERENCES[column], {}).get(item[column])
    return None
