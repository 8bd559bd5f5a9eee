"""The API's docs in real Chromium: Swagger UI renders the signal endpoints under the app's CSP
(scripts from 'self' with the nonce, nothing inline, nothing from a CDN)."""

import pytest

from tests.browser import chromium_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_render_under_the_csp(live_server):
    with chromium_browser() as browser:
        page = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
        problems, requests = [], []
        page.on("console", lambda message: message.type == "error" and problems.append(message.text))
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("request", lambda request: requests.append(request.url))
        page.goto(f"{live_server.url}/api/docs/")
        page.wait_for_selector("text=/api/v1/signals/", timeout=15000)
        assert page.locator(".opblock-summary-path").count() >= 3  # list, create, one signal
        csp_refusals = [text for text in problems if "Content Security Policy" in text and "script" in text]
        assert csp_refusals == []
        assert all(url.startswith(live_server.url) for url in requests), "no CDN"
