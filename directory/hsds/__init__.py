"""The social map as Open Referral HSDS 3.0, out and in, with the Dutch profile (PROFILE_URI).

`export_document()` gives the whole directory as one JSON document: the profile, the taxonomies
and their terms, the organisations (with their KvK/AGB identifiers and contacts), the locations
(addresses, opening hours as weekly schedules) and the services (with service areas as CBS codes
and PC4 areas, the taxonomy terms as attributes, their contacts and where they are offered).
Every object validates against the HSDS schema of its kind (`validate`, schemas in schema/).

`import_document()` loads such a document (into an empty directory: the ids are kept), and
exporting again gives the same document (the round trip test).

The Dutch profile:
- organisation identifiers: scheme "NL-KVK" (KvK number) and "NL-AGB" (AGB code, Vektis);
- service areas: extent_type "cbs" (GMxxxx, WKxxxxxx, BUxxxxxxxx) or "pc4" (four-digit postcode);
- attributes with link_type "sector", "partner", "employer", "update_email" (organisation),
  "life_domain"/"target_group" (service, with taxonomy_term_id), "accessibility",
  "verification_months" (service), "confidential" (location);
- a location's external_identifier is its CBS municipality code (type "cbs_gemeentecode").

What leaves through the API (directory/api.py) is the same document of one service, without
contact persons for a token without the scope "directory:contacts", and without the address
of a confidential location. The same document as HSDS's tabular data package (a CSV per table and
datapackage.json): directory/hsds/tabular.py.
"""

import datetime
import json
import pathlib
import uuid

from django.db import transaction
from django.utils.dateparse import parse_datetime

from directory import services as directory_services
from directory.models import (
    PROFILE_URI,
    Contact,
    Location,
    OpeningHours,
    OrganisationProfile,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from directory.taxonomy import NAMESPACE, TAXONOMIES
from teams.models import Organisation

SCHEMA_DIR = pathlib.Path(__file__).resolve().parent / "schema"
VERSION = "3.0"
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
REASON = "HSDS import"


def _id(*parts) -> str:
    """A stable id for a record the directory keeps inside another (a phone, an address)."""
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


def _drop_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in ("", None, [])}


# --- Out ------------------------------------------------------------------------------------------


def organisation_id(organisation: Organisation) -> str:
    profile = getattr(organisation, "directory_profile", None)
    return str(profile.pk) if profile is not None else _id("organisation", organisation.name)


AREA_CBS, AREA_PC4 = "service_area_cbs", "service_area_pc4"


def _attribute(link_id, link_entity: str, link_type: str, value, term=None) -> dict:
    attribute = {
        "id": _id(link_id, link_type, term.pk if term else value),
        "link_id": str(link_id),
        "link_type": link_type,
        "link_entity": link_entity,
        "value": str(value),
    }
    if term is not None:
        attribute["taxonomy_term_id"] = str(term.pk)
    return attribute


def _phones(owner_key: str, owner_id, number: str) -> list:
    return [{"id": _id(owner_id, "phone"), owner_key: str(owner_id), "number": number}] if number else []


def contact_document(contact: Contact, organisation_uuid: str) -> dict:
    data = {
        "id": str(contact.pk),
        "organization_id": organisation_uuid,
        "service_id": str(contact.service_id) if contact.service_id else "",
        "name": contact.name,
        "title": contact.role,
        "email": contact.email,
        "phones": _phones("contact_id", contact.pk, contact.phone),
    }
    return _drop_empty(data)


def organisation_document(organisation: Organisation, contacts: list, *, with_contacts: bool) -> dict:
    pk = organisation_id(organisation)
    profile = getattr(organisation, "directory_profile", None)
    identifiers = []
    if profile is not None and profile.kvk:
        identifiers.append(
            {
                "id": _id(pk, "kvk"),
                "organization_id": pk,
                "identifier_scheme": "NL-KVK",
                "identifier_type": "KvK-nummer",
                "identifier": profile.kvk,
            }  # fmt: skip
        )
    if profile is not None and profile.agb:
        identifiers.append(
            {
                "id": _id(pk, "agb"),
                "organization_id": pk,
                "identifier_scheme": "NL-AGB",
                "identifier_type": "AGB-code",
                "identifier": profile.agb,
            }  # fmt: skip
        )
    attributes = [
        _attribute(pk, "organization", "sector", organisation.sector),
        _attribute(pk, "organization", "partner", str(organisation.is_partner).lower()),
        _attribute(pk, "organization", "employer", str(organisation.is_employer).lower()),
    ]
    if profile is not None and profile.update_email:
        attributes.append(_attribute(pk, "organization", "update_email", profile.update_email))
    data = {
        "id": pk,
        "name": organisation.name,
        "description": profile.description if profile is not None else "",
        "email": organisation.email,
        "website": profile.website if profile is not None else "",
        "phones": _phones("organization_id", pk, organisation.phone),
        "organization_identifiers": identifiers,
        "contacts": [contact_document(c, pk) for c in contacts] if with_contacts else [],
        "attributes": attributes,
    }
    return {"description": data["description"], **_drop_empty(data)}


def location_document(location: Location, organisation_uuid: str, *, public: bool) -> dict:
    pk = str(location.pk)
    data = {
        "id": pk,
        "location_type": "physical",
        "organization_id": organisation_uuid,
        "name": location.name,
        "external_identifier": location.municipality_code,
        "external_identifier_type": "cbs_gemeentecode" if location.municipality_code else "",
        "schedules": [
            {
                "id": str(hours.pk),
                "location_id": pk,
                "freq": "WEEKLY",
                "byday": WEEKDAYS[hours.weekday - 1],
                "opens_at": hours.opens_at.strftime("%H:%M"),
                "closes_at": hours.closes_at.strftime("%H:%M"),
            }
            for hours in location.opening_hours.all()
        ],
        "attributes": ([_attribute(pk, "location", "confidential", "true")] if location.confidential else [])
        # HSDS 3.0 gives service areas to services only (openreferral#497): a location's own area
        # goes out as its attributes, one per CBS code and per postcode area.
        + [_attribute(pk, "location", AREA_CBS, code) for code in location.area_codes]
        + [_attribute(pk, "location", AREA_PC4, code) for code in location.postcode_areas],
    }
    if not (public and location.confidential):
        data["addresses"] = [
            {
                "id": _id(pk, "address"),
                "location_id": pk,
                "address_1": location.street,
                "city": location.city,
                "state_province": "",
                "postal_code": location.postcode,
                "country": "NL",
                "address_type": "physical",
            }
        ]
    return _drop_empty(data)


def service_document(service: Service, organisation_uuid: str, *, with_contacts: bool) -> dict:
    pk = str(service.pk)
    areas = [
        {"id": _id(pk, "area", code), "service_id": pk, "name": code, "extent_type": "cbs"}
        for code in service.area_codes
    ] + [
        {"id": _id(pk, "area", code), "service_id": pk, "name": code, "extent_type": "pc4"}
        for code in service.postcode_areas
    ]
    attributes = [
        _attribute(pk, "service", Taxonomy.LIFE_DOMAIN, term.code, term)
        for term in service.life_domains.all()
    ] + [
        _attribute(pk, "service", Taxonomy.TARGET_GROUP, term.code, term)
        for term in service.target_groups.all()
    ]
    attributes.append(_attribute(pk, "service", "verification_months", service.verification_months))
    if service.accessibility:
        attributes.append(_attribute(pk, "service", "accessibility", service.accessibility))
    languages = [name.strip() for name in service.languages.split(",") if name.strip()]
    data = {
        "id": pk,
        "organization_id": organisation_uuid,
        "name": service.name,
        "description": service.description,
        "url": service.url,
        "email": service.email,
        "status": service.status,
        "application_process": service.how_to_refer,
        "fees_description": service.costs,
        "eligibility_description": service.eligibility,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "assured_date": service.last_verified.isoformat() if service.last_verified else "",
        "last_modified": service.modified_at.isoformat(),
        "phones": _phones("service_id", pk, service.phone),
        "service_areas": areas,
        "languages": [
            {"id": _id(pk, "language", name), "service_id": pk, "name": name} for name in languages
        ],
        "service_at_locations": [
            {"id": str(link.pk), "service_id": pk, "location_id": str(link.location_id)}
            for link in service.at_locations.all()
        ],
        "contacts": [contact_document(c, organisation_uuid) for c in service.contacts.all()]
        if with_contacts
        else [],
        "attributes": attributes,
    }
    return _drop_empty(data)


def taxonomy_documents() -> tuple[list, list]:
    taxonomies = [
        {
            "id": str(spec["id"]),
            "name": spec["name"],
            "description": spec["description"],
            "uri": spec["uri"],
            "version": spec["version"],
        }  # fmt: skip
        for spec in TAXONOMIES.values()
    ]
    terms = [
        _drop_empty(
            {
                "id": str(term.pk),
                "code": term.code,
                "name": term.name,
                "description": term.description,
                "taxonomy": TAXONOMIES[term.taxonomy]["name"],
                "taxonomy_id": str(TAXONOMIES[term.taxonomy]["id"]),
                "language": "nl",
            }
        )
        | {"description": term.description}
        for term in TaxonomyTerm.objects.order_by("taxonomy", "position", "code")
    ]
    return taxonomies, terms


def services_for_export():
    return (
        Service.objects.select_related("organisation__directory_profile")
        .prefetch_related("life_domains", "target_groups", "contacts", "at_locations")
        .order_by("organisation__name", "name", "id")
    )


def export_document(*, with_contacts: bool = True) -> dict:
    """The whole directory: every organisation that offers a service or has a profile."""
    taxonomies, terms = taxonomy_documents()
    services = list(services_for_export())
    organisations = (
        Organisation.objects.select_related("directory_profile")
        .filter(
            pk__in={s.organisation_id for s in services}
            | set(OrganisationProfile.objects.values_list("organisation_id", flat=True))
        )
        .order_by("name")
    )
    contacts_of = {}
    for contact in Contact.objects.filter(service__isnull=True).order_by("name", "id"):
        contacts_of.setdefault(contact.organisation_id, []).append(contact)
    organisation_uuids = {}
    organisation_docs = []
    for organisation in organisations:
        document = organisation_document(
            organisation, contacts_of.get(organisation.pk, []), with_contacts=with_contacts
        )
        organisation_uuids[organisation.pk] = document["id"]
        organisation_docs.append(document)
    locations = (
        Location.objects.select_related("organisation__directory_profile")
        .prefetch_related("opening_hours")
        .order_by("organisation__name", "name", "id")
    )
    return {
        "version": VERSION,
        "profile": PROFILE_URI,
        "taxonomies": taxonomies,
        "taxonomy_terms": terms,
        "organizations": organisation_docs,
        "locations": [
            location_document(loc, organisation_id(loc.organisation), public=False) for loc in locations
        ],
        "services": [
            service_document(s, organisation_uuids[s.organisation_id], with_contacts=with_contacts)
            for s in services
        ],
    }


# --- Validation -----------------------------------------------------------------------------------

KINDS = {
    "taxonomies": "taxonomy.json",
    "taxonomy_terms": "taxonomy_term.json",
    "organizations": "organization.json",
    "locations": "location.json",
    "services": "service.json",
}


def _registry():
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = []
    for path in SCHEMA_DIR.glob("*.json"):
        if path.name == "openapi.json":
            continue
        contents = json.loads(path.read_text())
        resources.append((path.name, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


def validator(schema_name: str):
    from jsonschema import Draft202012Validator

    schema = json.loads((SCHEMA_DIR / schema_name).read_text())
    return Draft202012Validator(
        schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def errors(document: dict) -> list[str]:
    """Every object of the document against its HSDS schema: the errors, empty when valid."""
    found = []
    for key, schema_name in KINDS.items():
        check = validator(schema_name)
        for index, item in enumerate(document.get(key, [])):
            for error in check.iter_errors(item):
                found.append(f"{key}[{index}] {'/'.join(map(str, error.absolute_path))}: {error.message}")
    return found


# --- In -------------------------------------------------------------------------------------------


def _attributes(item: dict, link_type: str) -> list[dict]:
    return [a for a in item.get("attributes", []) if a.get("link_type") == link_type]


def _value(item: dict, link_type: str, default=""):
    found = _attributes(item, link_type)
    return found[0]["value"] if found else default


def _values(item: dict, link_type: str) -> list[str]:
    return [attribute["value"] for attribute in _attributes(item, link_type)]


def _phone(item: dict) -> str:
    return item["phones"][0]["number"] if item.get("phones") else ""


def _audited(obj):
    obj._history_user = None
    obj._change_reason = REASON
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def import_document(document: dict) -> dict:
    """Load an HSDS document of the Dutch profile. Records keep their ids; an organisation is
    matched by name (teams.Organisation's unique key). Raises ValueError on an invalid document."""
    problems = errors(document)
    if problems:
        raise ValueError("; ".join(problems[:10]))
    counts = dict.fromkeys(("taxonomy_terms", "organizations", "locations", "services", "contacts"), 0)
    taxonomy_of = {str(spec["id"]): key for key, spec in TAXONOMIES.items()}
    positions: dict[str, int] = {}
    for item in document.get("taxonomy_terms", []):
        taxonomy = taxonomy_of[item["taxonomy_id"]]
        positions[taxonomy] = positions.get(taxonomy, 0) + 1
        term = TaxonomyTerm.objects.filter(pk=item["id"]).first() or TaxonomyTerm(id=item["id"])
        term.taxonomy, term.code, term.name = taxonomy, item["code"], item["name"]
        term.description, term.position = item.get("description", ""), positions[taxonomy]
        _audited(term)
        counts["taxonomy_terms"] += 1
    organisations = {}
    for item in document.get("organizations", []):
        organisation = Organisation.objects.filter(name=item["name"]).first() or Organisation(
            name=item["name"]
        )
        organisation.sector = _value(item, "sector", "other")
        organisation.is_partner = _value(item, "partner", "true") == "true"
        organisation.is_employer = _value(item, "employer", "false") == "true"
        organisation.email = item.get("email", "")
        organisation.phone = _phone(item)
        _audited(organisation)
        profile = OrganisationProfile.objects.filter(organisation=organisation).first()
        if profile is None:
            profile = OrganisationProfile(id=item["id"], organisation=organisation)
        identifiers = {
            i["identifier_scheme"]: i["identifier"] for i in item.get("organization_identifiers", [])
        }
        profile.description, profile.website = item.get("description", ""), item.get("website", "")
        profile.kvk, profile.agb = identifiers.get("NL-KVK", ""), identifiers.get("NL-AGB", "")
        profile.update_email = _value(item, "update_email")
        _audited(profile)
        organisations[item["id"]] = organisation
        for contact in item.get("contacts", []):
            _import_contact(contact, organisation, None)
            counts["contacts"] += 1
        counts["organizations"] += 1
    for item in document.get("locations", []):
        location = Location.objects.filter(pk=item["id"]).first() or Location(id=item["id"])
        address = (item.get("addresses") or [{}])[0]
        location.organisation = organisations[item["organization_id"]]
        location.name = item.get("name", "")
        location.street, location.city = address.get("address_1", ""), address.get("city", "")
        location.postcode = address.get("postal_code", "")
        location.municipality_code = item.get("external_identifier", "")
        location.confidential = _value(item, "confidential", "false") == "true"
        location.area_codes = _values(item, AREA_CBS)
        location.postcode_areas = _values(item, AREA_PC4)
        _audited(location)
        for schedule in item.get("schedules", []):
            hours = OpeningHours.objects.filter(pk=schedule["id"]).first() or OpeningHours(id=schedule["id"])
            hours.location = location
            hours.weekday = WEEKDAYS.index(schedule["byday"]) + 1
            hours.opens_at = datetime.time.fromisoformat(schedule["opens_at"])
            hours.closes_at = datetime.time.fromisoformat(schedule["closes_at"])
            _audited(hours)
        counts["locations"] += 1
    for item in document.get("services", []):
        _import_service(item, organisations)
        counts["services"] += 1
        counts["contacts"] += len(item.get("contacts", []))
    return counts


def _import_contact(item: dict, organisation, service) -> Contact:
    contact = Contact.objects.filter(pk=item["id"]).first() or Contact(id=item["id"])
    contact.organisation, contact.service = organisation, service
    contact.name, contact.role = item.get("name", ""), item.get("title", "")
    contact.email, contact.phone = item.get("email", ""), _phone(item)
    return _audited(contact)


def _import_service(item: dict, organisations: dict) -> Service:
    service = Service.objects.filter(pk=item["id"]).first() or Service(id=item["id"])
    service.organisation = organisations[item["organization_id"]]
    service.name, service.description = item["name"], item.get("description", "")
    service.status = item["status"]
    service.url, service.email, service.phone = item.get("url", ""), item.get("email", ""), _phone(item)
    service.how_to_refer = item.get("application_process", "")
    service.costs = item.get("fees_description", "")
    service.eligibility = item.get("eligibility_description", "")
    service.minimum_age, service.maximum_age = item.get("minimum_age"), item.get("maximum_age")
    assured = item.get("assured_date")
    service.last_verified = datetime.date.fromisoformat(assured) if assured else None
    service.verification_months = int(_value(item, "verification_months", "12"))
    service.accessibility = _value(item, "accessibility")
    service.languages = ", ".join(language["name"] for language in item.get("languages", []))
    areas = item.get("service_areas", [])
    service.area_codes = [a["name"] for a in areas if a.get("extent_type") == "cbs"]
    service.postcode_areas = [a["name"] for a in areas if a.get("extent_type") == "pc4"]
    terms = {
        str(a.get("taxonomy_term_id")): a["link_type"]
        for a in item.get("attributes", [])
        if a.get("taxonomy_term_id")
    }
    known = {str(t.pk): t for t in TaxonomyTerm.objects.filter(pk__in=list(terms))}
    directory_services.service_save(
        service=service,
        by=None,
        reason=REASON,
        life_domains=[
            known[pk] for pk, kind in terms.items() if kind == Taxonomy.LIFE_DOMAIN and pk in known
        ],
        target_groups=[
            known[pk] for pk, kind in terms.items() if kind == Taxonomy.TARGET_GROUP and pk in known
        ],
    )
    # The date it was last changed where it came from, not the moment of the import.
    modified = parse_datetime(item.get("last_modified", "")) if item.get("last_modified") else None
    if modified is not None:
        service.modified_at = modified
        service._history_user, service._change_reason = None, REASON
        service.save(update_fields=["modified_at"])
    for link in item.get("service_at_locations", []):
        if not ServiceAtLocation.objects.filter(pk=link["id"]).exists():
            _audited(ServiceAtLocation(id=link["id"], service=service, location_id=link["location_id"]))
    for contact in item.get("contacts", []):
        _import_contact(contact, service.organisation, service)
    return service
