"""The strict Content-Security-Policy in a real browser: the watch in conftest.py catches what the policy refuses,
and the pages that are hardest to keep under it work — the API's documentation (Swagger UI, ReDoc) and the back
office's date, time and many-to-many widgets. Every other browser test runs under the same watch."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import expect

from tests.browser.test_portal_flows import PASSWORD
from tests.factories import StaffFactory

#: a small schema stands in for the served one (700 kB, which takes a loaded machine a minute to lay out): what
#: is tested is the pages' scripts, styles and workers under the policy, not the schema (tests/core/test_api_schema.py)
SMALL_SCHEMA = {
    "openapi": "3.0.3",
    "info": {
        "title": "ICR Conformity API",
        "version": "1.0.0",
        "description": "## Authentication\nBearer tokens.",
    },
    "paths": {
        "/api/v1/bodies/": {
            "get": {
                "operationId": "bodies_list",
                "tags": ["bodies"],
                "responses": {"200": {"description": "OK"}},
            }
        }
    },
}


def test_the_watch_catches_an_inline_script_and_an_inline_style(page: Any, _csp_watch: list[str]) -> None:
    # a page under a strict policy with an inline script and a style attribute (no server needed)
    page.route(
        "http://probe.invalid/",
        lambda route: route.fulfill(
            body="<p id=x style='color:red'>x</p><script>document.title = 'ran'</script>",
            headers={"content-security-policy": "default-src 'self'", "content-type": "text/html"},
        ),
    )
    page.goto("http://probe.invalid/")
    expect(page.locator("#x")).to_be_visible()

    assert page.title() != "ran"  # refused
    page.wait_for_timeout(200)
    seen = "\n".join(_csp_watch)
    assert "script-src-elem" in seen and "style-src-attr" in seen
    _csp_watch.clear()  # this test wanted them; any other test fails on them


def test_the_api_docs_and_the_back_office_widgets_work_under_the_policy(
    page: Any, live_server: Any, world: Any
) -> None:
    base = live_server.url
    page.route(
        "**/api/v1/schema/**",
        lambda route: route.fulfill(body=json.dumps(SMALL_SCHEMA), content_type="application/json"),
    )
    page.goto(f"{base}/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("ICR Conformity API")
    expect(page.locator(".swagger-ui .opblock-summary-path").first).to_contain_text("/api/v1/bodies/")
    page.goto(f"{base}/api/v1/redoc/")
    expect(page.get_by_role("menuitem", name="Authentication")).to_be_visible()
    expect(page.locator("#redoc-container h1").first).to_contain_text("ICR Conformity API")
    # ReDoc's generated styles were accepted (they carry the page's nonce): its rules are in force
    assert page.evaluate("() => document.querySelector('style[data-styled]').sheet.cssRules.length") > 100

    StaffFactory(email="registry@icr.example", full_name="Registry Officer", is_superuser=True)
    page.goto(f"{base}/admin/login/")
    page.locator("#id_username").fill("registry@icr.example")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}/admin/bodies/body/")
    expect(page.locator("strong.icr-admin-status").first).to_be_visible()
    page.goto(f"{base}/admin/accounts/user/{world.a.admin.pk}/change/")
    page.locator("#calendarlink0").click()
    expect(page.locator("#calendarbox0")).to_be_visible()
    page.locator("#calendarbox0 .calendar-cancel a").click()
    page.locator("#clocklink0").click()
    expect(page.locator("#clockbox0")).to_be_visible()
    page.locator("#clockbox0").get_by_role("link", name="Midnight").click()
    expect(page.locator("#id_last_login_1")).to_have_value("00:00:00")
    page.locator("#id_user_permissions_from option").first.dblclick()
    expect(page.locator("#id_user_permissions_to option")).to_have_count(1)
