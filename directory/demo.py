# ruff: noqa: E501 - the demo directory is a table, one service a row
"""A realistic social map of Zwolle for `seed_demo`: about 40 services of the 14 demo
organisations, debt help among them ("schulden"), two of them due for a check. Idempotent: a
service is found by organisation and name; through the services, so the history says why."""

import datetime

from django.utils import timezone

from directory import services, taxonomy
from directory.models import (
    Contact,
    Location,
    OpeningHours,
    OrganisationProfile,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from teams.models import Organisation

REASON = "Demo data"
NOORD, ZUID = ["WK019330", "WK019331"], ["WK019350", "WK019351"]  # as the teams (seed_demo)

# organisation: (KvK, description, website, update e-mail)
PROFILES = {
    "Schuldhulp Zwolle": (
        "41025148",
        "Gemeentelijke schuldhulpverlening van Zwolle.",
        "https://schuldhulp.zwolle.example",
        "kaart@schuldhulp.zwolle.example",
    ),
    "Humanitas afdeling Zwolle": (
        "40409352",
        "Vrijwilligers die naast mensen staan.",
        "https://humanitas.example/zwolle",
        "zwolle@humanitas.example",
    ),
    "Wmo-loket Zwolle": (
        "",
        "Het loket voor zorg en ondersteuning thuis.",
        "https://zwolle.example/wmo",
        "wmo@zwolle.example",
    ),
    "GGZ Noord-Oost": (
        "05081234",
        "Geestelijke gezondheidszorg voor volwassenen en jeugd.",
        "https://ggz-no.example",
        "kaart@ggz-no.example",
    ),
    "MEE Oost": (
        "08123456",
        "Ondersteuning bij leven met een beperking.",
        "https://mee-oost.example",
        "info@mee-oost.example",
    ),
}

# (organisation, name, domains, groups, (min, max age), how to refer, costs, area, description)
# fmt: off
SERVICES = [
    ("Schuldhulp Zwolle", "Schuldhulpverlening", ["financien"], ["volwassenen", "ouders"], (18, None),
     "Aanmelden via het online formulier of bel 038 498 2000; een verwijzing van het wijkteam mag ook (met toestemming).",
     "Gratis", [], "Hulp bij problematische schulden: overzicht, budgetplan en een minnelijke schuldregeling."),
    ("Schuldhulp Zwolle", "Budgetcoaching", ["financien", "instrumentele-adl"], ["volwassenen"], (18, None),
     "Via de schuldhulpverlener of het wijkteam.", "Gratis", [], "Een coach helpt een jaar lang met de administratie en de post, om nieuwe schulden te voorkomen."),
    ("Schuldhulp Zwolle", "Vroegsignalering betalingsachterstanden", ["financien"], ["volwassenen"], (18, None),
     "Geen aanmelding: woningcorporaties en energieleveranciers melden achterstanden; wij gaan langs.", "Gratis", [],
     "Bij een achterstand in huur, energie of zorgverzekering komen wij op huisbezoek, voordat er schulden ontstaan."),
    ("Schuldhulp Zwolle", "Jongeren en schulden", ["financien", "werk-opleiding"], ["jongeren"], (18, 27),
     "Bellen of appen met het jongerenteam: 06 1234 5678.", "Gratis", [], "Schulden van jongeren aanpakken, samen met school of werk."),
    ("Humanitas afdeling Zwolle", "Thuisadministratie", ["financien", "instrumentele-adl"], ["volwassenen", "ouderen"], (None, None),
     "Aanmelden via zwolle@humanitas.example of 038 421 0000; ook door het wijkteam.", "Gratis", NOORD + ZUID,
     "Een vrijwilliger helpt thuis de papieren op orde te brengen en te houden; ook bij schulden, naast de schuldhulp."),
    ("Humanitas afdeling Zwolle", "Maatje bij eenzaamheid", ["sociaal-netwerk"], ["volwassenen", "ouderen"], (18, None),
     "Aanmelden bij de coördinator.", "Gratis", [], "Een vaste vrijwilliger komt wekelijks langs voor een praatje of een wandeling."),
    ("Humanitas afdeling Zwolle", "Home-Start gezinsondersteuning", ["huiselijke-relaties"], ["ouders"], (None, None),
     "Ouders melden zich zelf aan, of via JGZ of wijkteam.", "Gratis", [], "Een ervaren ouder ondersteunt gezinnen met jonge kinderen."),
    ("Humanitas afdeling Zwolle", "Rouwverwerking", ["geestelijke-gezondheid"], ["volwassenen"], (18, None),
     "Aanmelden via de website.", "Gratis", [], "Gespreksgroepen voor mensen die iemand verloren."),
    ("Wmo-loket Zwolle", "Huishoudelijke ondersteuning", ["basale-adl", "instrumentele-adl"], ["ouderen", "beperking"], (18, None),
     "Melding bij het Wmo-loket (038 498 9999); een keukentafelgesprek volgt binnen zes weken.", "Eigen bijdrage (CAK)", [],
     "Hulp bij het schoonhouden van het huis als dat zelf niet meer lukt."),
    ("Wmo-loket Zwolle", "Woningaanpassing en hulpmiddelen", ["huisvesting", "lichamelijke-gezondheid"], ["ouderen", "beperking"], (None, None),
     "Melding bij het Wmo-loket.", "Eigen bijdrage (CAK)", [], "Een traplift, rolstoel of aanpassing van de woning."),
    ("Wmo-loket Zwolle", "Mantelzorgondersteuning", ["sociaal-netwerk"], ["mantelzorgers"], (None, None),
     "Bellen met het steunpunt mantelzorg.", "Gratis", [], "Advies, respijtzorg en de jaarlijkse mantelzorgwaardering."),
    ("Wmo-loket Zwolle", "Bijzondere bijstand", ["financien"], ["volwassenen"], (18, None),
     "Aanvraag via Mijn Zwolle of aan de balie, met bewijsstukken.", "Gratis", [], "Vergoeding van noodzakelijke kosten bij een laag inkomen."),
    ("Wmo-loket Zwolle", "Beschermd wonen", ["huisvesting", "geestelijke-gezondheid"], ["volwassenen"], (18, None),
     "Via de centrumgemeente; het wijkteam helpt met de aanvraag.", "Eigen bijdrage (CAK)", [], "Wonen met begeleiding voor mensen met psychische problemen."),
    ("GGZ Noord-Oost", "Basis-ggz", ["geestelijke-gezondheid"], ["volwassenen"], (18, None),
     "Verwijzing van de huisarts nodig.", "Eigen risico zorgverzekering", [], "Kortdurende behandeling bij depressie, angst of spanning."),
    ("GGZ Noord-Oost", "Crisisdienst", ["geestelijke-gezondheid"], ["volwassenen", "jongeren"], (None, None),
     "Alleen via huisarts, huisartsenpost of politie; dag en nacht.", "Vergoed", [], "Acute psychiatrische hulp."),
    ("GGZ Noord-Oost", "Verslavingszorg ambulant", ["middelengebruik"], ["volwassenen"], (18, None),
     "Zelf aanmelden of via de huisarts.", "Vergoed", [], "Hulp bij alcohol, drugs en gokken."),
    ("GGZ Noord-Oost", "Jeugd-ggz", ["geestelijke-gezondheid"], ["kinderen", "jongeren"], (0, 18),
     "Verwijzing van huisarts of wijkteam (jeugdwet).", "Gratis", [], "Behandeling voor kinderen en jongeren."),
    ("Jeugdzorg Overijssel", "Ambulante gezinsbegeleiding", ["huiselijke-relaties"], ["ouders", "kinderen"], (0, 18),
     "Beschikking van de gemeente nodig; het wijkteam vraagt die aan.", "Gratis", [], "Begeleiding thuis bij opvoedproblemen."),
    ("Jeugdzorg Overijssel", "Pleegzorg", ["huiselijke-relaties", "huisvesting"], ["kinderen"], (0, 18),
     "Via de jeugdbescherming of het wijkteam.", "Gratis", [], "Tijdelijk opgroeien in een ander gezin."),
    ("Jeugdzorg Overijssel", "Opvoedsteunpunt", ["huiselijke-relaties"], ["ouders"], (None, None),
     "Vrij toegankelijk, bellen of mailen.", "Gratis", [], "Vragen over opvoeden, een paar gesprekken."),
    ("JGZ IJsselland", "Consultatiebureau", ["lichamelijke-gezondheid"], ["kinderen", "ouders"], (0, 4),
     "Uitnodiging volgt na de geboorte.", "Gratis", [], "Groei en ontwikkeling van jonge kinderen volgen."),
    ("JGZ IJsselland", "Jeugdarts op school", ["lichamelijke-gezondheid", "geestelijke-gezondheid"], ["kinderen", "jongeren"], (4, 18),
     "Via school of zelf een afspraak maken.", "Gratis", [], "Gezondheidsonderzoek en spreekuur op school."),
    ("JGZ IJsselland", "Stevig Ouderschap", ["huiselijke-relaties"], ["ouders"], (None, None),
     "De verloskundige of jeugdverpleegkundige meldt aan.", "Gratis", [], "Extra huisbezoeken in het eerste levensjaar."),
    ("MEE Oost", "Cliëntondersteuning", ["maatschappelijke-participatie"], ["beperking"], (None, None),
     "Zelf bellen of via het wijkteam.", "Gratis", [], "Onafhankelijke ondersteuning bij vragen over zorg, school en werk."),
    ("MEE Oost", "Schulden en een beperking", ["financien"], ["beperking"], (18, None),
     "Aanmelden via MEE of de schuldhulp.", "Gratis", [], "Begeleiding bij schulden, aangepast aan mensen met een licht verstandelijke beperking."),
    ("MEE Oost", "Steunouders", ["huiselijke-relaties"], ["ouders", "beperking"], (None, None),
     "Aanmelden bij MEE.", "Gratis", [], "Een vast gastgezin voor weekenden."),
    ("Woonstichting Thuis aan de IJssel", "Huurachterstand? Bel ons", ["financien", "huisvesting"], ["volwassenen"], (18, None),
     "Bel 038 455 0000 zodra er een achterstand is; een betalingsregeling is bijna altijd mogelijk.", "Gratis", [],
     "Een regeling voor huurachterstanden en doorverwijzing naar schuldhulp, om uitzetting te voorkomen."),
    ("Woonstichting Thuis aan de IJssel", "Buurtbemiddeling", ["sociaal-netwerk", "huisvesting"], ["volwassenen"], (None, None),
     "Zelf aanmelden of via de corporatie.", "Gratis", NOORD + ZUID, "Vrijwillige bemiddelaars helpen buren bij conflicten."),
    ("Woonstichting Thuis aan de IJssel", "Urgentie en wonen met begeleiding", ["huisvesting"], ["volwassenen", "dak-thuislozen"], (18, None),
     "Aanvraag via het wijkteam met een onderbouwing.", "Gratis", [], "Voorrang bij een woning in een noodsituatie."),
    ("Vrijwilligerscentrale Zwolle", "Vrijwilligerswerk vinden", ["tijdsbesteding", "maatschappelijke-participatie"], ["volwassenen", "nieuwkomers"], (16, None),
     "Vrije inloop op dinsdag en donderdag.", "Gratis", [], "Een passende plek als vrijwilliger, ook als opstap naar werk."),
    ("Vrijwilligerscentrale Zwolle", "Taalmaatje", ["werk-opleiding", "maatschappelijke-participatie"], ["nieuwkomers", "laaggeletterden"], (16, None),
     "Aanmelden bij het Taalhuis.", "Gratis", [], "Wekelijks samen Nederlands oefenen."),
    ("Vrijwilligerscentrale Zwolle", "Klussendienst", ["huisvesting"], ["ouderen"], (65, None),
     "Bellen met de centrale.", "Materiaalkosten", NOORD, "Vrijwilligers doen kleine klussen in huis."),
    ("Welzijn aan de Vecht", "Buurthuis De Kroon: inloop", ["sociaal-netwerk", "tijdsbesteding"], ["volwassenen", "ouderen"], (None, None),
     "Gewoon binnenlopen.", "Gratis", NOORD, "Koffie, activiteiten en een luisterend oor."),
    ("Welzijn aan de Vecht", "Ouderenadviseur", ["basale-adl", "sociaal-netwerk"], ["ouderen"], (65, None),
     "Bellen met Welzijn aan de Vecht.", "Gratis", [], "Advies en een huisbezoek voor ouderen die vragen hebben over zelfstandig wonen."),
    ("Welzijn aan de Vecht", "Jongerenwerk", ["tijdsbesteding", "justitie"], ["jongeren"], (12, 23),
     "Via de jongerenwerker in de wijk.", "Gratis", ZUID, "Activiteiten en begeleiding van jongeren op straat en in het jongerencentrum."),
    ("Welzijn aan de Vecht", "Formulierenhulp", ["financien", "instrumentele-adl"], ["volwassenen", "laaggeletterden"], (None, None),
     "Spreekuur op maandag en woensdag, zonder afspraak.", "Gratis", [], "Hulp bij formulieren, toeslagen en brieven; ook bij schulden de eerste stap."),
    ("Gemeente Zwolle", "Werk en inkomen", ["werk-opleiding", "financien"], ["volwassenen"], (18, None),
     "Aanvraag bijstandsuitkering via Mijn Zwolle.", "Gratis", [], "Uitkering en begeleiding naar werk."),
    ("Gemeente Zwolle", "Leerplicht en RMC", ["werk-opleiding"], ["jongeren"], (5, 23),
     "School meldt verzuim; het wijkteam kan contact opnemen.", "Gratis", [], "Aanpak van schoolverzuim en voortijdig schoolverlaten."),
    ("Huisartsenpraktijk Assendorp", "Praktijkondersteuner ggz (POH-ggz)", ["geestelijke-gezondheid"], ["volwassenen"], (18, None),
     "Afspraak via de assistente.", "Gratis (geen eigen risico)", ZUID, "Gesprekken bij psychische klachten in de huisartsenpraktijk."),
    ("Politie basisteam IJsselland", "Wijkagent", ["justitie"], ["volwassenen", "jongeren"], (None, None),
     "Bel 0900-8844 of spreek de wijkagent aan.", "Gratis", NOORD + ZUID, "Aanspreekpunt voor veiligheid in de wijk."),
    ("OBS De Regenboog", "Schoolmaatschappelijk werk", ["huiselijke-relaties"], ["kinderen", "ouders"], (4, 12),
     "Via de intern begeleider.", "Gratis", NOORD, "Gesprekken met ouders en kinderen over zorgen thuis of op school."),
    ("OBS De Regenboog", "Ontbijt op school", ["basale-adl"], ["kinderen"], (4, 12),
     "Kinderen kunnen gewoon aanschuiven.", "Gratis", NOORD, "Elke ochtend een gezond ontbijt voor wie dat thuis niet kreeg."),
]
# fmt: on
STALE = {"Bijzondere bijstand", "Klussendienst"}
CONTACTS = {
    "Schuldhulpverlening": (
        "Ilse Brouwer",
        "Consulent schuldhulp",
        "038 498 2010",
        "i.brouwer@schuldhulp.zwolle.example",
    ),
    "Thuisadministratie": (
        "Gert Mulder",
        "Coördinator vrijwilligers",
        "038 421 0001",
        "g.mulder@humanitas.example",
    ),
    "Huurachterstand? Bel ons": (
        "Samira Bakkali",
        "Huurconsulent",
        "038 455 0010",
        "s.bakkali@thuisaandeijssel.example",
    ),
}
LOCATIONS = [
    (
        "Schuldhulp Zwolle",
        "Stadskantoor",
        "Lübeckplein 2",
        "8017 JZ",
        False,
        ["Schuldhulpverlening", "Budgetcoaching"],
    ),
    (
        "Welzijn aan de Vecht",
        "Buurthuis De Kroon",
        "Kroonstraat 10",
        "8021 AB",
        False,
        ["Buurthuis De Kroon: inloop", "Formulierenhulp"],
    ),
    (
        "Humanitas afdeling Zwolle",
        "Steunpunt (adres vertrouwelijk)",
        "Postbus 100",
        "8000 AA",
        True,
        ["Maatje bij eenzaamheid"],
    ),
]


def seed_directory() -> None:
    _seed_services()
    seed_referrals()


def _seed_services() -> None:
    taxonomy.ensure()
    terms = {term.code: term for term in TaxonomyTerm.objects.all()}
    organisations = {o.name: o for o in Organisation.objects.all()}
    today = timezone.localdate()
    for name, (kvk, description, website, email) in PROFILES.items():
        if (
            name in organisations
            and not OrganisationProfile.objects.filter(organisation=organisations[name]).exists()
        ):
            profile = OrganisationProfile(
                organisation=organisations[name],
                kvk=kvk,
                description=description,
                website=website,
                update_email=email,
            )
            profile._change_reason = REASON
            profile.save()
    by_name = {}
    for index, (org, name, domains, groups, (low, high), refer, costs, area, description) in enumerate(
        SERVICES
    ):
        organisation = organisations.get(org)
        if organisation is None:
            continue
        service = Service.objects.filter(organisation=organisation, name=name).first()
        if service is None:
            verified = (
                today - datetime.timedelta(days=400 + index)
                if name in STALE
                else today - datetime.timedelta(days=20 * (index % 15))
            )
            service = services.service_save(
                service=Service(
                    organisation=organisation,
                    name=name,
                    description=description,
                    how_to_refer=refer,
                    costs=costs,
                    minimum_age=low,
                    maximum_age=high,
                    area_codes=area,
                    languages="Nederlands" if index % 3 else "Nederlands, Engels, Arabisch",
                    last_verified=verified,
                    status=Service.Status.TEMPORARILY_CLOSED
                    if name == "Steunouders"
                    else Service.Status.ACTIVE,
                ),
                by=None,
                reason=REASON,
                life_domains=[terms[code] for code in domains],
                target_groups=[terms[code] for code in groups],
            )
        by_name[name] = service
    for service_name, (person, role, phone, email) in CONTACTS.items():
        service = by_name.get(service_name)
        if service is not None and not service.contacts.exists():
            services.contact_save(
                contact=Contact(
                    organisation=service.organisation,
                    service=service,
                    name=person,
                    role=role,
                    phone=phone,
                    email=email,
                ),
                by=None,
                reason=REASON,
            )
    for org, name, street, postcode, confidential, offered in LOCATIONS:
        organisation = organisations.get(org)
        if organisation is None or Location.objects.filter(organisation=organisation, name=name).exists():
            continue
        location = Location(
            organisation=organisation,
            name=name,
            street=street,
            postcode=postcode,
            city="Zwolle",
            municipality_code="GM0193",
            confidential=confidential,
        )
        location._change_reason = REASON
        location.save()
        for weekday in range(1, 6):
            hours = OpeningHours(
                location=location,
                weekday=weekday,
                opens_at=datetime.time(9),
                closes_at=datetime.time(17 if weekday < 5 else 12),
            )
            hours._change_reason = REASON
            hours.save()
        for service_name in offered:
            if service_name in by_name:
                link = ServiceAtLocation(service=by_name[service_name], location=location)
                link._change_reason = REASON
                link.save()


def seed_referrals() -> None:
    """Some partner actions of the demo plans refer to a service of their organisation, with what
    came of it: the service page shows the coordinator what the team learns. Once only."""
    from cases.models import Action, Plan

    if Action.objects.filter(service__isnull=False).exists():
        return
    first = {}
    for service in Service.objects.order_by("name"):
        first.setdefault(service.organisation_id, service)
    actions = Action.objects.filter(
        who=Action.Who.PARTNER, plan__status=Plan.Status.CURRENT, organisation_id__in=list(first)
    ).order_by("id")[:8]
    outcomes = ["helped", "helped", "not_helped", ""]
    for index, action in enumerate(actions):
        action.service = first[action.organisation_id]
        action.service_outcome = outcomes[index % len(outcomes)]
        action._change_reason = REASON
        action.save()
