"""Nothing is public by accident: every URL of the project asks an anonymous visitor to log in."""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# URL names an anonymous visitor may open, and why.
PUBLIC = {
    "account_login": "the login page",
    "account_reset_password": "password reset asks for an e-mail address",
    "account_reset_password_done": "confirmation after asking for a reset",
    "account_reset_password_from_key": "the link in the reset e-mail",
    "account_reset_password_from_key_done": "confirmation after a reset",
    "account_signup": "answers 'signup closed' (tested below)",
    "account_confirm_email": "allauth's e-mail confirmation link (no data)",
    "account_email_verification_sent": "allauth's notice page (no data)",
    "account_inactive": "allauth's notice for deactivated accounts",
    "mfa_authenticate": "the second factor of a login in progress",
    "account_logout": "logging out shows a confirmation",
    "set_language": "the language switch",
    "healthz": "load balancer health check, shows no data",
    "session_state": "answers 401 without a session (JSON for the page's script), never data",
    "offline": "what the service worker shows without a connection: no data",
    "service_worker": "the service worker's script (static/js/sw.js)",
    "admin:login": "redirects to the account login",
    "api:schema": "the API's OpenAPI description: no data",
    "api:docs": "the API's documentation page: no data",
    "directory_public:update_answer": "an update request's signed single-use link (404 without one)",
}
# The API for partner systems: a bearer token is its login, so without one the answer is 401
# (problem details), never a redirect to a login page a program cannot use.
TOKEN_ONLY = {
    "api:signals",
    "api:signal",
    "directory_api:root",
    "directory_api:services",
    "directory_api:service",
}


def walk(patterns, prefix="", namespace=None):
    """(name, route, pattern) of every URL pattern, with the namespace in the name."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            if ns and namespace and pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}"
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, prefix + str(pattern.pattern), pattern


def _example_path(route: str) -> str:
    """Turn a route (path() or regex) into a concrete path with dummy values."""
    path = re.sub(r"<uuid:\w+>", str(uuid.uuid4()), route)
    path = re.sub(r"<int:\w+>", "1", path)
    path = re.sub(r"<(?:str|slug|path:)?\w*:?\w+>", "x", path)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path


URLS = sorted(
    {(name, route) for name, route, _pattern in walk(get_resolver().url_patterns)}, key=lambda item: item[1]
)


@pytest.mark.django_db
@pytest.mark.parametrize("name, route", URLS, ids=[f"{n}:{r}" for n, r in URLS])
def test_anonymous_visitor_gets_no_page(client, name, route):
    """An anonymous GET is redirected to login or refused, unless the URL is explicitly public."""
    response = client.get(_example_path(route))
    if name in PUBLIC:
        assert response.status_code < 500
        return
    if name in TOKEN_ONLY:
        assert response.status_code == 401, (name, response.status_code)
        assert response["Content-Type"] == "application/problem+json"
        return
    assert response.status_code in (301, 302, 404, 405), (name, response.status_code)
    if response.status_code in (301, 302):
        # The admin sends visitors to its login, which is the account login behind login_required.
        assert response.url.startswith(("/accounts/login/", "/beheer/login/")), (name, response.url)


def test_public_list_names_only_urls_that_exist():
    names = {name for name, _ in URLS}
    assert set(PUBLIC) - names == set()


@pytest.mark.django_db
def test_signup_is_closed(client):
    """Nobody signs up: the signup page says so and a signup post creates no account."""
    from teams.models import User

    response = client.post(
        "/accounts/signup/",
        {
            "username": "indringer",
            "password1": "lang-en-veilig-wachtwoord",
            "password2": "lang-en-veilig-wachtwoord",
        },
    )
    assert not User.objects.filter(username="indringer").exists()
    assert response.status_code in (200, 403)
    assert "signup" not in client.get("/accounts/login/").text.lower()
