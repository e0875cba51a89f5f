"""Browser tests: Debian's Chromium driven by Playwright's sync API against pytest-django's live server.

One browser for the whole session, a fresh context (cookies, storage) per test. A failed test leaves a
screenshot in test-artifacts/screenshots/<test>.png.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from test code are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ICR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 15_000


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[None, Any, Any]:
    """Keeps each phase's report on the test item, so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _load_reference_data() -> None:
    """The reference lists (and the accreditation bodies, and their Icelandic names) come from data migrations;
    a transactional test's flush removes them."""
    from django.apps import apps

    for name in (
        "0002_load_reference_data",
        "0004_load_accreditation_bodies",
        "0006_load_icelandic_names",
        "0008_load_audit_time_tables",
    ):
        importlib.import_module(f"reference.migrations.{name}").load(apps, None)


@pytest.fixture(autouse=True)
def _reference_data(django_db_blocker: Any) -> Generator[None]:
    """Reference data before each browser test, and again after its flush for the tests that follow.

    Autouse, so it is set up before (and torn down after) the transactional database fixture.
    """
    yield
    with django_db_blocker.unblock():
        _load_reference_data()


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    _load_reference_data()


@pytest.fixture(scope="session")
def browser() -> Generator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


#: what Chromium logs when the Content-Security-Policy refuses something, and what the init script below reports
CSP_VIOLATION = re.compile(r"Content Security Policy|securitypolicyviolation")
#: refused on purpose, so not a failure: ReDoc's "API docs by Redocly" logo on cdn.redoc.ly (core.api.docs)
CSP_REFUSED_ON_PURPOSE = ("https://cdn.redoc.ly/redoc/logo-mini.svg",)
#: every page of a watched context reports each violation on its console (init scripts are not subject to the policy)
CSP_REPORTER = """document.addEventListener("securitypolicyviolation", function (event) {
  console.error("securitypolicyviolation: " + event.violatedDirective + " " + event.blockedURI + " "
    + event.sourceFile + ":" + event.lineNumber);
});"""


@pytest.fixture(autouse=True)
def _csp_watch(browser: Any, monkeypatch: pytest.MonkeyPatch) -> Generator[list[str]]:
    """Every browser test fails if any page it opens (in the page fixture's context or one the test makes with
    browser.new_context) logs a Content-Security-Policy violation: the strict policy (icr/settings.py) must hold
    on every page the tests go through. Yields the violations seen (tests/browser/test_csp_browser.py)."""
    violations: list[str] = []
    new_context = browser.new_context

    def watched_context(*args: Any, **kwargs: Any) -> Any:
        context = new_context(*args, **kwargs)
        context.add_init_script(CSP_REPORTER)
        context.on(
            "console",
            lambda message: (
                violations.append(f"{message.page.url if message.page else '?'}: {message.text}")
                if CSP_VIOLATION.search(message.text)
                and not any(url in message.text for url in CSP_REFUSED_ON_PURPOSE)
                else None
            ),
        )
        return context

    monkeypatch.setattr(browser, "new_context", watched_context)
    yield violations
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Generator[Any]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    context.close()
