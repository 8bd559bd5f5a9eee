"""One language and one voice: every page of every role, in Dutch, shows no English UI phrase and
never says "je" (the app says "u"; README, Conventions).

The pages come from the permission matrix (every app URL with a GET page, for every role that may
open it) and the account pages of tests/test_accessibility.py, so a new page is checked the day
its row is added. Also: forms sent back with their errors, the history and the access log with
rows in them. The English vocabulary is that of the catalogues (tests/language.py).
"""

import pytest
from django.urls import reverse
from django.utils import translation

from cases.models import AccessEvent
from cases.tests.factories import ReferralFactory
from teams.models import User
from tests import language
from tests.demo_objects import DEMO_ACCOUNTS, DemoObjects
from tests.test_accessibility import ACCOUNT_PAGES, NOT_A_PAGE
from tests.test_permission_matrix import MATRIX, OK, ONLY_POST, USERS, Objects
from tests.test_step_up import log_in_for_real

ROLES = ["anonymous", "partner", "worker", "coordinator", "manager", "admin"]

# Forms posted empty (sent back with their errors), per role.
EMPTY_POSTS = {
    "worker": ["cases:household_create", "cases:action_add", "cases:follow_up_decide", "cases:person_add"],
    "coordinator": ["cases:referral_create", "teams:position_add"],
    "manager": ["mandates:add"],
    "partner": ["cases:partner_referral_send"],
}


def _pages(role: str) -> list[str]:
    names = [
        name
        for name, methods in MATRIX.items()
        if "GET" in methods and methods["GET"] != ONLY_POST and name not in NOT_A_PAGE
        if role != "anonymous" and methods["GET"][role] == OK
    ]
    return sorted(names)


def _problems(response, where: str) -> list[str]:
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return []
    return [f"{where}: {problem}" for problem in language.problems_in(response.content.decode())]


def _with_rows(objects, world) -> None:
    """The access log has a row of every action (and of objects logged by code or by model),
    and the history a change as well as a creation."""
    for action, _label in AccessEvent.Action.choices:
        for object_type in ("person", "household", "plan", "referral", "document", "walkin_visit"):
            AccessEvent.objects.create(
                user=world.worker_a,
                team=world.team_a,
                household=objects.household,
                action=action,
                object_type=object_type,
            )
    objects.person.first_name = "Gewijzigd"
    objects.person._change_reason = "Naam verbeterd"
    objects.person.save()


def _log_in(client, user) -> list[str]:
    """Through the login form, as a person does: the step-up pages (the printable export) open
    without asking the password again, and the welcome message is checked on the start page."""
    log_in_for_real(client, user)
    return _problems(client.get(reverse("home"), follow=True), f"{user.username} after logging in")


def _walk(client, role: str, user, objects, world) -> list[str]:
    ReferralFactory(team=world.team_a, status="received")  # the triage forms on the queue
    _with_rows(objects, world)
    found = _log_in(client, user) if user is not None else []
    for name in _pages(role):
        url = reverse(name, kwargs=objects.kwargs(name))
        found += _problems(client.get(url), f"{role} {name}")
    for name, opener in ACCOUNT_PAGES:
        if opener == role:
            found += _problems(client.get(reverse(name)), f"{role} {name}")
    for name in EMPTY_POSTS.get(role, []):
        url = reverse(name, kwargs=objects.kwargs(name))
        found += _problems(client.post(url, {}), f"{role} {name} posted empty")
    if role == "anonymous":
        login = client.post(reverse("account_login"), {"login": "niemand", "password": "fout"})
        found += _problems(login, "login with an error")
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_is_dutch_in_one_voice(client, world, role):
    """On factory data. A test per role, so that the suite's processes (pytest-xdist) share them."""
    user = getattr(world, USERS[role]) if role in USERS else None
    found = _walk(client, role, user, Objects(world), world)
    assert found == [], "\n" + "\n".join(found)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["worker", "coordinator", "manager", "partner"])
def test_every_page_of_the_role_is_dutch_in_one_voice_on_the_demo(client, demo, role):
    """On the demo's data (seed_demo): the figures, histories and logs of a team at work."""
    objects = DemoObjects()
    user = User.objects.get(username=DEMO_ACCOUNTS[role])
    found = _walk(client, role, user, objects, objects.world)
    assert found == [], "\n" + "\n".join(found)


def test_the_check_finds_english_and_je():
    """The check can fail: planted English phrases, an informal sentence and a radio button
    for the empty choice are reported."""
    page = """<html><head><title>Huishoudens</title><style>.x{content:"Created"}</style></head>
    <body><main><h1>Huishoudens</h1><p>Gewijzigd door u</p>
    <select><option value="">- Select an option -</option></select>
    <input type="submit" value="Change password"><a title="Created">+</a>
    <input type="radio" name="who" value="" id="w0"><label for="w0">— Kies —</label>
    <input type="radio" name="who" value="worker" id="w1"><label for="w1">Medewerker</label>
    <input type="radio" name="service" value="" id="s0"><label for="s0">Geen dienst</label>
    <p>Je bent nu ingelogd.</p><script>var label = "Delete";</script></main></body></html>"""
    english = {hit.split(" in ")[0] for hit in language.english_in(page)}
    assert english >= {"'select an option'", "'change password'", "'created'"}
    assert "'delete'" not in english  # a script's text is not read
    assert language.informal_in(page) == ["Je bent nu ingelogd."]
    assert language.empty_radios(page) == ["who"]
    assert language.english_in("<p>Gewijzigd door u · Status · Team · Partner</p>") == []


def test_the_vocabulary_is_read_from_every_catalogue():
    """Each catalogue adds its English (Django, the admin, allauth, django-filter, simple-history
    and our own), and words that Dutch uses as well are not in it."""
    known = language.vocabulary()
    for phrase in (
        "select an option",
        "authenticators",
        "created",
        "you have signed out",
        "task results",
        "my caseload",
    ):
        assert tuple(phrase.split()) in known, phrase
    for word in ("status", "team", "partner", "home", "export"):
        assert (word,) not in known, word


def test_our_catalogue_and_the_allauth_messages_we_show_say_u():
    """The Dutch of our catalogue never says "je", nor does any allauth message a user of this
    project can see (their Dutch comes from our catalogue: wijkteam/voice.py)."""
    informal = [
        entry.msgid
        for entry in language.own_catalogue()
        for text in (entry.msgstr, *entry.msgstr_plural.values())
        if language.INFORMAL.search(text)
    ]
    assert informal == []
    with translation.override("nl"):
        shown = [
            (msgid, translated)
            for msgid, translated in language.allauth_shown()
            if language.INFORMAL.search(translated)
        ]
    assert shown == []


def test_everything_the_access_log_names_has_a_dutch_name():
    """What was read is named in words, in the log and the resident's export ("Export · person"
    was shown): every code the gateway writes, a model's name or a code of its own."""
    import re
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings

    from cases.templatetags.access_tags import OBJECTS, object_label

    ours = ("cases", "teams", "mandates", "documents", "directory", "walkin")
    models = [model for app in ours for model in apps.get_app_config(app).get_models()]
    # A model's name is logged when the gateway shows its object (history tables never are).
    names = {model._meta.model_name for model in models}
    codes = set(OBJECTS) | {name for name in names if not name.startswith("historical")}
    for app in ours:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            codes.update(re.findall(r'object_type="(\w+)"', path.read_text(encoding="utf-8")))
    with translation.override("nl"):
        unnamed = {
            code: object_label(code)
            for code in sorted(codes)
            if "_" in object_label(code) or language.english_in(f"<p>{object_label(code)}</p>")
        }
    assert unnamed == {}
