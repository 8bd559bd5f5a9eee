"""Accessibility and layout in real Chromium, on every page of every role, at 1280 and 375 px,
on factory data and on the demo: axe-core finds no WCAG 2.1 A/AA violation, no page scrolls
sideways on a phone, and no number the browser reads (SVG, style, data-*) is localised. And a
keyboard alone logs in, opens a household and logs a contact.

The pages come from the permission matrix: every app URL with a GET that renders a page is
opened by every role that may see it, so a new form page is checked the day its row is added.
Each page is loaded once per role: axe runs at the width it was loaded at, the viewport is
switched and axe runs again; the overflow is measured at 375 px and the SVG read once. The
account pages of allauth are listed here, and a URL that is neither checked nor excused with a
reason fails `test_every_page_is_checked_or_excused`.
"""

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connections
from django.urls import resolve, reverse

from cases.tests.factories import HouseholdFactory, PersonFactory, ReferralFactory
from tests.browser import chromium_browser, log_in_as_demo, open_menu
from tests.demo_objects import DEMO_ACCOUNTS, DemoObjects
from tests.svg import localised_numbers
from tests.test_permission_matrix import MATRIX, OK, ONLY_POST, Objects
from tests.test_urls import URLS

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PASSWORD = "wijkteam-demo-browser"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
DESKTOP = {"width": 1280, "height": 900}

PHONE = {"width": 375, "height": 740}

# The roles whose pages are walked (the matrix's worker of team B sees what the worker sees).
WALKED_ROLES = ["worker", "coordinator", "manager", "partner", "admin"]

# Checks a page genuinely cannot pass, and why: (URL name, check) → reason. A check is "axe",
# "overflow", "word-break" or "numbers". Never a silent skip: an entry here is reported by the test's name.
EXCUSED_CHECKS: dict[tuple[str, str], str] = {
    ("admin:index", "word-break"): "Django's own administration CSS breaks the long Dutch model names "
    "of its table (Beveiligingsgebeurtenissen) to fit a phone; the project does not restyle it",
}

# App URLs with a GET that are not opened here as a page of their own, and why.
NOT_A_PAGE = {
    "mandates:partners_csv": "a CSV download",
    "cases:referral_household_search": "an htmx fragment of the signal's page (checked there)",
    "cases:calendar_feed": "an iCalendar file for calendar apps",
    "documents:document_download": "a document's file, as an attachment",
    "directory:export_json": "the social map as an HSDS JSON download",
    "directory:export_tabular": "the social map as an HSDS tabular package (zip) download",
}

# allauth's pages: (URL name, who opens it). Anonymous pages are checked logged out.
ACCOUNT_PAGES = [
    ("account_login", "anonymous"),
    ("offline", "anonymous"),
    ("session_restored", "worker"),
    ("account_reset_password", "anonymous"),
    ("account_reset_password_done", "anonymous"),
    ("account_reset_password_from_key_done", "anonymous"),
    ("account_signup", "anonymous"),
    ("account_inactive", "anonymous"),
    ("account_email_verification_sent", "anonymous"),
    ("account_change_password", "worker"),
    ("account_reauthenticate", "worker"),
    ("account_logout", "worker"),
    ("mfa_index", "worker"),
    ("mfa_activate_totp", "worker"),
    ("admin:index", "admin"),
]

# Project URLs outside the apps that are not checked, and why.
EXCUSED = {
    "healthz": "plain text for the load balancer",
    "session_state": "JSON for the page's script (wijkteam/offline.py)",
    "api:schema": "the OpenAPI description (YAML/JSON), not a page",
    "api:docs": "Swagger UI from drf-spectacular-sidecar; api/tests/test_browser_docs.py opens it",
    "api:token": "OAuth token endpoint: JSON for programs",
    "api:signals": "JSON for partner systems (api/tests)",
    "api:signal": "JSON for partner systems (api/tests)",
    "api:not_found": "problem details JSON for an unknown API address",
    "directory_api:root": "HSDS JSON for partner systems (directory/tests/test_api.py)",
    "directory_api:services": "HSDS JSON for partner systems (directory/tests/test_api.py)",
    "directory_api:service": "HSDS JSON for partner systems (directory/tests/test_api.py)",
    "directory_public:update_answer": "checked below as the anonymous role, with a real link",
    "service_worker": "the service worker's script",
    "set_language": "POST only (the footer's language switch)",
    "home": "redirects every role to its start page (checked as the start page); the admin's is checked",
    "account_reset_password_from_key": "needs a reset key from an e-mail; its form is allauth's "
    "password form, as on the password change page",
    "account_confirm_email": "e-mail addresses are not confirmed by users (accounts are made by the admin)",
    "account_confirm_login_code": "login by code is switched off",
    "account_email": "managing e-mail addresses is switched off",
    "account_set_password": "every account has a password (redirects to the change page)",
    "mfa_authenticate": "needs a login in progress with a second factor; same form as activation",
    "mfa_reauthenticate": "needs an active second factor; same form as activation",
    "mfa_view_recovery_codes": "needs an active second factor",
    "mfa_download_recovery_codes": "a text download",
    "mfa_generate_recovery_codes": "needs an active second factor",
    "mfa_deactivate_totp": "needs an active second factor",
}


def _matrix_pages() -> dict[str, list[str]]:
    """URL name → the roles that may open it, for every app URL whose GET renders a page."""
    pages = {}
    for name, methods in MATRIX.items():
        if "GET" not in methods or methods["GET"] == ONLY_POST or name in NOT_A_PAGE:
            continue
        pages[name] = [role for role in WALKED_ROLES if methods["GET"][role] == OK]
    return pages


MATRIX_PAGES = _matrix_pages()


def test_every_page_is_checked_or_excused():
    """A new URL is opened by axe below or excused here with a reason, never silently skipped."""
    assert [name for name, roles in MATRIX_PAGES.items() if not roles] == []
    checked = set(MATRIX_PAGES) | {name for name, _role in ACCOUNT_PAGES}
    # POST-only URLs have their form on a page that is checked (the household, the signal).
    post_only = {name for name, methods in MATRIX.items() if methods.get("GET") == ONLY_POST}
    # Beyond its index (checked), the administration is Django's own templates, which this project
    # does not change (in Dutch its date shortcuts fail label-content-name-mismatch: a link
    # "Vandaag" labelled "Today (...)"); they are Django's to fix.
    named = {name for name, _route in URLS if name and not name.startswith("admin:")}
    assert sorted(named - checked - post_only - set(NOT_A_PAGE) - set(EXCUSED)) == []
    for word in ("create", "edit", "new", "add"):
        assert [n for n in named if word in n and n not in checked | post_only] == []


def test_every_scrolling_table_is_a_region_the_keyboard_reaches():
    """A table that may scroll sideways (Bootstrap's .table-responsive) can be scrolled with
    the keyboard and is named (axe: scrollable-region-focusable, on a phone)."""
    templates = Path(__file__).parent.parent / "templates"
    regions = re.compile(r"<div class=\"table-responsive[^\"]*\"([^>]*)>")
    wrong = [
        f"{path.relative_to(templates)}: {attributes.strip() or '(nothing)'}"
        for path in sorted(templates.rglob("*.html"))
        for attributes in regions.findall(path.read_text())
        if not ('role="region"' in attributes and 'tabindex="0"' in attributes and "aria-label" in attributes)
    ]
    assert wrong == []


@pytest.fixture(scope="module")
def chromium():
    """One Chromium for the module; each test opens its own browser contexts in it."""
    with chromium_browser() as browser:
        yield browser


@pytest.fixture
def browser(chromium):
    yield chromium
    for context in chromium.contexts:
        context.close()
    # While Playwright's loop runs, the test's ORM calls get database connections of their own
    # (asgiref's context-local storage); close them, or the test database cannot be flushed.
    connections.close_all()


def _axe_page(browser, viewport=DESKTOP):
    """A page with axe-core loaded before the app's own scripts.

    An init script goes in through the DevTools protocol, so the app's Content-Security-Policy
    stays on (`bypass_csp` would also let inline styles through, which the app never gets, and
    change what the contrast rules see).
    """
    context = browser.new_context(viewport=viewport, locale="nl-NL")
    context.add_init_script(path=str(AXE))
    return context.new_page()


def _log_in(page, live_server, user):
    log_in_as_demo(page, live_server, user.username)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _violations(page, contrast: bool = True) -> list[dict]:
    """axe's violations; without the colour contrast rule (half of axe's time) if asked."""
    options = AXE_OPTIONS if contrast else {**AXE_OPTIONS, "rules": {"color-contrast": {"enabled": False}}}
    results = page.evaluate("options => axe.run(document, options)", options)
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [
                {"target": node["target"], "html": node["html"][:160], "why": node["failureSummary"]}
                for node in violation["nodes"]
            ],
        }
        for violation in results["violations"]
    ]


# What sticks out of a 375-px page: the innermost elements whose right edge is past the
# viewport and that no scrolling or clipping box around them holds in.
STICKING_OUT = """() => {
    const edge = document.documentElement.clientWidth + 0.5;
    const held = el => {
        for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
            if (getComputedStyle(box).overflowX !== "visible") return true;
        }
        return false;
    };
    const out = el => el.getBoundingClientRect().right > edge && el.getBoundingClientRect().width > 0;
    const path = el => {
        const parts = [];
        for (; el && el !== document.body && parts.length < 4; el = el.parentElement) {
            parts.unshift(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                + [...el.classList].slice(0, 3).map(c => "." + c).join(""));
        }
        return parts.join(" > ");
    };
    return [...document.body.querySelectorAll("*")]
        .filter(el => out(el) && ![...el.children].some(out) && !held(el))
        .slice(0, 5)
        .map(el => ({target: [path(el)], html: el.outerHTML.slice(0, 160),
                     why: `right edge at ${Math.round(el.getBoundingClientRect().right)} px`}));
}"""


def _overflow(page) -> list[dict]:
    """At 375 px: the page is no wider than the phone (document.scrollWidth), or what sticks out."""
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= PHONE["width"]:
        return []
    nodes = page.evaluate(STICKING_OUT) or [{"target": ["html"], "html": "", "why": "(nothing found)"}]
    help = f"the page is {width} px wide on a {PHONE['width']}-px phone: it scrolls sideways"
    return [{"rule": "overflow", "impact": "layout", "help": help, "nodes": nodes}]


# Words of headings, labels, table headers and buttons that the layout breaks in two
# ("Contactpersoo n"): a word whose letters lie on more than one line.
BROKEN_WORDS = """() => {
    const labels = "h1, h2, h3, h4, h5, h6, dt, th, label, legend, caption, .btn, .badge, .nav-link";
    const broken = [];
    // Visually hidden (a 1-px box, as a phone's stacked table's header row): no one sees it.
    const unseen = el => {
        for (let box = el; box && box !== document.body; box = box.parentElement) {
            const rect = box.getBoundingClientRect();
            if (rect.width <= 1 || rect.height <= 1) return true;
        }
        return false;
    };
    for (const el of document.querySelectorAll(labels)) {
        if (!el.offsetParent || unseen(el)) continue;
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let text = walker.nextNode(); text; text = walker.nextNode()) {
            for (const word of text.data.matchAll(/[\\p{L}\\p{N}]{2,}/gu)) {
                const range = document.createRange();
                range.setStart(text, word.index);
                range.setEnd(text, word.index + word[0].length);
                const rects = [...range.getClientRects()].filter(r => r.width);
                const tops = new Set(rects.map(r => Math.round(r.top)));
                if (tops.size > 1) broken.push({
                    target: [el.tagName.toLowerCase()], html: el.outerHTML.slice(0, 160),
                    why: `"${word[0]}" is broken over ${tops.size} lines`});
            }
        }
    }
    return broken.slice(0, 5);
}"""


def _broken_words(page) -> list[dict]:
    if nodes := page.evaluate(BROKEN_WORDS):
        help = "a word of a heading or label is broken mid-word: let it wrap between words only"
        return [{"rule": "word-break", "impact": "layout", "help": help, "nodes": nodes}]
    return []


def _numbers(page) -> list[dict]:
    """Numbers the browser reads (SVG, style, data-*) written as numbers, not "10,0" (tests/svg.py)."""
    wrong = localised_numbers(page.content())
    nodes = [
        {"target": [f"{tag}[{name}]"], "html": value[:160], "why": "a localised number"}
        for tag, name, value in wrong
    ]
    help = "numbers in SVG, CSS and data attributes are never localised (|unlocalize, |stringformat)"
    return [{"rule": "numbers", "impact": "picture", "help": help, "nodes": nodes}] if wrong else []


def _check(page, url: str, found: dict, label: str, name: str = "", phone_axe: bool = True) -> None:
    """Open the page once and check it at both widths (_look)."""
    response = page.goto(url)
    assert response is not None and response.status < 400, (url, response and response.status)
    assert page.locator("main").count() == 1, f"{url} is not a whole page"
    _look(page, found, label, name, phone_axe)


def _look(page, found: dict, label: str, name: str = "", phone_axe: bool = True) -> None:
    """The page as it is, at the width it has and then at the other one (the viewport switched,
    the page not loaded again): axe and words broken in two at both, the overflow at 375 px, the
    numbers once. It is left at the second width, where the next page starts. Without phone_axe,
    axe runs at 1280 px only (the layout checks at both)."""
    first = page.viewport_size
    for size in (first, PHONE if first == DESKTOP else DESKTOP):
        if size != first:
            page.set_viewport_size(size)
        # Colours do not change with the width here (no media query sets one): contrast is
        # checked at 1280 px only, where all but the phone's own elements show.
        axe = (name, "axe") not in EXCUSED_CHECKS and (phone_axe or size == DESKTOP)
        problems = _violations(page, contrast=size == DESKTOP) if axe else []
        if size == PHONE and (name, "overflow") not in EXCUSED_CHECKS:
            problems += _overflow(page)
        if (name, "word-break") not in EXCUSED_CHECKS:
            problems += _broken_words(page)
        if size == first and (name, "numbers") not in EXCUSED_CHECKS:
            problems += _numbers(page)
        if problems:
            found[f"{label} at {size['width']} px  {urlsplit(page.url).path}"] = problems


def _check_here(page, found: dict, label: str) -> None:
    """Keep axe's violations on the page as it is now under `label`, with where it ended up."""
    if violations := _violations(page):
        found[f"{label}  {urlsplit(page.url).path}"] = violations


def _report(found: dict) -> str:
    lines = []
    for where, violations in found.items():
        lines.append(f"\n{where}")
        for violation in violations:
            lines.append(f"  [{violation['impact']}] {violation['rule']}: {violation['help']}")
            for node in violation["nodes"]:
                lines.append(f"      {json.dumps(node['target'])}  {node['html']}")
                lines.append("        " + node["why"].replace("\n", "\n        "))
    return "Found on the pages (axe-core's WCAG 2.1 A/AA, overflow at 375 px, numbers):" + "\n".join(lines)


def _role_pages(page, live_server, role: str, user, objects, found: dict, phone_axe: bool = True) -> None:
    """The role's start page (on a phone with the menu open as well) and every page the role
    may open, each at both widths."""
    url = live_server.url
    if user is None:
        _check(page, url + reverse("account_login"), found, "login")
        page.get_by_label("Gebruikersnaam").fill("niemand")
        page.get_by_label("Wachtwoord").fill("fout")
        page.get_by_role("button", name="Inloggen").click()
        page.locator(".alert, .invalid-feedback, .errorlist").first.wait_for()
        _look(page, found, "login with an error")
    else:
        _log_in(page, live_server, user)
        _look(page, found, f"{role}: start page", resolve(urlsplit(page.url).path).view_name)
        page.set_viewport_size(PHONE)
        open_menu(page)
        _check_here(page, found, f"{role}: start page at 375 px, menu open")
    for name, roles in MATRIX_PAGES.items():
        if role in roles:
            page_url = url + reverse(name, kwargs=objects.kwargs(name))
            _check(page, page_url, found, f"{role}: {name}", name, phone_axe)
    for name, opener in ACCOUNT_PAGES:
        if opener == role:
            _check(page, url + reverse(name), found, f"{role}: {name}", name, phone_axe)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ["anonymous", "worker", "coordinator", "manager", "partner", "admin"])
def test_every_page_of_every_role_at_both_widths(live_server, browser, world, role):
    """On factory data: no axe violation, no sideways scroll at 375 px and no localised number
    on any page the role starts on, may open or fills in (also sent back with its errors).

    A test per role: the suite's test processes (pytest-xdist) share the roles out.
    """
    objects = Objects(world)
    new_signal = ReferralFactory(team=world.team_a, status="received")
    users = {
        "anonymous": None,
        "worker": world.worker_a,
        "coordinator": world.coordinator_a,
        "manager": world.manager_ab,
        "partner": world.partner,
        "admin": world.admin,
    }
    found: dict = {}
    user = users[role]
    page = _axe_page(browser)
    _role_pages(page, live_server, role, user, objects, found)
    if role == "worker":
        # A form sent back with its errors.
        page.goto(live_server.url + reverse("cases:household_create"))
        page.locator("main form[method=post] [type=submit]").last.click()
        page.locator(".invalid-feedback").first.wait_for()
        _look(page, found, "worker: household_create with errors")
        # A share's second step: per person what may be shared, and the form.
        share = reverse("cases:share_add", args=[objects.household.pk])
        share += f"?recipient={world.partner.organisation_id}&purpose=coordination"
        _check(page, live_server.url + share, found, "worker: share, step two")
    if role == "coordinator":
        # A new signal shows the triage forms: accept, decline, forward, merge.
        signal_url = live_server.url + reverse("cases:referral_detail", args=[new_signal.pk])
        _check(page, signal_url, found, "coordinator: a new signal")
    if role == "anonymous":
        # The social map's update request, opened by an organisation's contact without an account.
        from directory import services as directory
        from directory import updates

        request = directory.update_request_create(
            organisation=objects.service.organisation,
            sent_to="kaart@partner.example",
            by=world.coordinator_a,
        )
        answer = reverse("directory_public:update_answer", args=[updates.token_for(request)])
        _check(page, live_server.url + answer, found, "anonymous: the social map's update request")
    if role == "partner":
        page.goto(live_server.url + reverse("cases:partner_referral_send"))
        page.locator("main form[method=post] [type=submit]").last.click()
        page.locator(".invalid-feedback").first.wait_for()
        _look(page, found, "partner: partner_referral_send with errors")
    page.context.close()
    assert not found, _report(found)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(DEMO_ACCOUNTS))
def test_every_page_of_every_demo_account_at_both_widths(live_server, browser, demo, role):
    """The same walk on the demo (seed_demo) as its accounts see it: 40 households a team, a
    dozen partners, ZRM charts and monthly bars with real numbers. (The pages of who is not
    logged in show no data: checked on factory data above.)

    axe runs at 1280 px on the pages here (at 375 px on the start page and its open menu only):
    what only the phone shows (the menu, stacked tables) is the same markup as on factory data,
    checked at both widths above; the demo's longer names and real numbers are what the layout
    checks at 375 px are for."""
    from teams.models import User

    objects = DemoObjects()
    found: dict = {}
    page = _axe_page(browser)
    user = User.objects.get(username=DEMO_ACCOUNTS[role])
    _role_pages(page, live_server, role, user, objects, found, phone_axe=False)
    page.context.close()
    assert not found, _report(found)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_checks_report_what_they_find(live_server, browser, world):
    """Each check can fail: an image without a text alternative and an unlabelled field (axe),
    a box wider than the phone (overflow, named), "10,0" in an SVG and "12,5" in a data
    attribute, a heading broken mid-word."""
    page = _axe_page(browser, PHONE)
    page.goto(live_server.url + reverse("account_login"))
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML(
            "beforeend", '<img src="/static/favicon.svg"><input type="text" name="unlabelled">'
            + '<div id="too-wide"><p class="planted">' + "x".repeat(30) + '</p></div>'
            + '<svg viewBox="0 0 20 20"><circle cx="10,0" cy="5" r="2"></circle></svg>'
            + '<span data-size="12,5"></span><h2 id="narrow">Contactpersoon</h2>')"""
    )
    page.evaluate(
        """() => {
            document.querySelector("#too-wide").style.width = "415px";
            Object.assign(document.querySelector("#narrow").style, {width: "4em", wordBreak: "break-all"});
        }"""
    )
    found: dict = {}
    _look(page, found, "planted")
    rules = {violation["rule"] for problems in found.values() for violation in problems}
    assert {"image-alt", "label", "overflow", "numbers", "word-break"} <= rules
    report = _report(found)
    assert "p.planted" in report or "div#too-wide" in report, report
    assert '"circle[cx]"]  10,0' in report and "span[data-size]" in report, report


FOCUS_SHOWN = """() => {
    const style = getComputedStyle(document.activeElement);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return outline || style.boxShadow !== "none";
}"""


def _tab_to(page, selector: str, limit: int = 60, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`, and check that
    its focus is shown."""
    for _press in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            assert page.evaluate(FOCUS_SHOWN), f"no visible focus on {selector}"
            return
    raise AssertionError(f"{selector} not reached in {limit} presses of Tab")


def _focused_text(page) -> str:
    return page.evaluate("() => document.activeElement.textContent.trim()")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_keyboard_only_log_in_open_a_household_and_log_a_contact(live_server, browser, world):
    """On a phone with a keyboard only: the skip link comes first, and every step shows its focus."""
    world.worker_a.set_password(PASSWORD)
    world.worker_a.save()
    household = HouseholdFactory(team=world.team_a, name="Familie Mulder", lead_worker=world.worker_a)
    PersonFactory(household=household, first_name="Sanne", last_name="Mulder")
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    page = context.new_page()

    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.matches('a.skip-link')"), "skip link first"
    assert _focused_text(page) == "Naar de inhoud"
    assert page.evaluate(FOCUS_SHOWN)
    assert page.locator("a.skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    _tab_to(page, "#id_login")
    page.keyboard.type(world.worker_a.username)
    _tab_to(page, "#id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Mijn caseload").wait_for()
    # The heading shows before the deferred scripts have run; the menu button needs Bootstrap's.
    page.wait_for_load_state("load")

    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.matches('a.skip-link')"), "skip link first"
    _tab_to(page, "button.navbar-toggler")
    page.keyboard.press("Enter")
    page.locator("#main-nav.show").wait_for()
    _tab_to(page, "#main-nav a[href$='/households/']")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Huishoudens").wait_for()

    _tab_to(page, f"a[href='{household.get_absolute_url()}']")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Familie Mulder").wait_for()

    _tab_to(page, "a[href='#contacts']")
    assert _focused_text(page) == "Contact vastleggen"
    page.keyboard.press("Enter")
    _tab_to(page, "button[name=quick][value=spoken]")
    assert _focused_text(page) == "Gesproken aan de deur"
    page.keyboard.press("Enter")

    page.get_by_text("Vastgelegd: Huisbezoek").wait_for()
    # The button was swapped out; focus goes to the message, not back to the top of the page.
    page.wait_for_function("() => document.activeElement.matches('#contacts [role=status]')")
    assert page.evaluate(FOCUS_SHOWN)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('#contacts') !== null")
    contacts = page.locator("#contacts ol li")
    assert contacts.first.get_by_text("Huisbezoek").is_visible()
    contact = household.contacts.get()
    assert (contact.kind, contact.reached) == ("home_visit", True)
    assert list(contact.workers.all()) == [world.worker_a]

    # Out again: the menu, the user's menu (a button, so Space opens it), Log out.
    _tab_to(page, "button.navbar-toggler", backwards=True)
    page.keyboard.press("Enter")
    page.locator("#main-nav.show").wait_for()
    _tab_to(page, "#main-nav .dropdown-toggle")
    page.keyboard.press("Space")
    page.locator("#main-nav .dropdown-menu.show").wait_for()
    _tab_to(page, "#main-nav .dropdown-menu button[type=submit]")
    assert _focused_text(page) == "Uitloggen"
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/login/**")
