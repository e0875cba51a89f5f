"""The strict Content-Security-Policy (django-csp, icr/settings.py) on every kind of response, the served templates
without inline script or style, the API docs pages under the policy, and the language cookie's flags."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse

from tests.helpers import signed_in

TEMPLATES = Path(settings.BASE_DIR) / "templates"
#: rendered as emails and PDFs, never served as pages
NOT_SERVED = ("email", "pdf")


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom), path("", include("icr.urls"))]
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"


def _policy(response: HttpResponse, header: str = "Content-Security-Policy") -> dict[str, list[str]]:
    assert header in response, f"no {header} header on {response.status_code} {response.get('Content-Type')}"
    directives: dict[str, list[str]] = {}
    for part in response[header].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _assert_strict(response: HttpResponse) -> None:
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no nonce, no 'unsafe-inline', no 'unsafe-eval', no host
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def _assert_no_inline_code(response: HttpResponse) -> None:
    """The page as served: no inline script (but JSON data blocks), no event handler or style attribute."""
    html = response.content.decode()
    assert [
        attributes
        for attributes in _SCRIPT.findall(html)
        if "src=" not in attributes and 'type="application/json"' not in attributes
    ] == []
    tags = _TAG.findall(html)
    assert [tag for tag in tags if _HANDLER.search(tag) or _STYLE_ATTRIBUTE.search(tag)] == []
    assert "<style" not in html


# --- the header on every kind of response ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_policy_is_on_portal_pages(world, login):
    client = login(world.a.admin)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    _assert_strict(response)
    _assert_no_inline_code(response)


@pytest.mark.django_db
def test_the_policy_is_on_public_pages_and_the_verification(client):
    for name in ("core:home", "accounts:login", "verify:home"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        _assert_strict(response)
        _assert_no_inline_code(response)


@pytest.mark.django_db
def test_the_policy_is_on_the_back_office(world, login):
    client = login(world.staff)
    for page in (
        reverse("admin:index"),
        reverse("admin:bodies_body_changelist"),
        reverse("admin:accounts_user_add"),
    ):
        response = client.get(page)
        assert response.status_code == 200, page
        _assert_strict(response)
        # (the list of bodies once coloured each status with a style attribute)
        _assert_no_inline_code(response)


@pytest.mark.django_db
def test_the_policy_is_on_api_answers(world):
    response = signed_in(world.a.admin).get(reverse("api-v1:body-list"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    _assert_strict(response)
    refused = Client().get(reverse("api-v1:body-list"), headers={"accept": "application/json"})
    assert refused.status_code in (401, 403)
    assert refused["Content-Type"].startswith("application/json")
    _assert_strict(refused)


@pytest.mark.django_db
def test_the_policy_is_on_error_pages(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    _assert_strict(missing)
    _assert_no_inline_code(missing)
    failed = client.get("/boom/")
    assert failed.status_code == 500
    _assert_strict(failed)
    _assert_no_inline_code(failed)


# --- the report-only switch and the cookie setting, read from the environment -----------------------------------


def _settings_with(monkeypatch: pytest.MonkeyPatch, **env: str) -> ModuleType:
    """icr/settings.py executed again, apart from the running settings, with these environment variables."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location(
        "icr_settings_probe", Path(settings.BASE_DIR) / "icr" / "settings.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_policy_enforces_unless_the_operator_asks_for_report_only(monkeypatch):
    enforcing = _settings_with(monkeypatch, CSP_REPORT_ONLY="")
    assert enforcing.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == ["'self'"]
    assert not hasattr(enforcing, "CONTENT_SECURITY_POLICY_REPORT_ONLY")

    reporting = _settings_with(monkeypatch, CSP_REPORT_ONLY="1", CSP_REPORT_URI="https://reports.example/csp")
    assert not hasattr(reporting, "CONTENT_SECURITY_POLICY")
    directives = reporting.CONTENT_SECURITY_POLICY_REPORT_ONLY["DIRECTIVES"]
    assert directives == enforcing.CONTENT_SECURITY_POLICY["DIRECTIVES"] | {
        "report-uri": ["https://reports.example/csp"]
    }


@pytest.mark.django_db
def test_report_only_sends_the_same_policy_without_enforcing_it(monkeypatch, settings, client):
    reporting = _settings_with(monkeypatch, CSP_REPORT_ONLY="1")
    settings.CONTENT_SECURITY_POLICY = None
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = reporting.CONTENT_SECURITY_POLICY_REPORT_ONLY

    response = client.get(reverse("core:home"))

    assert "Content-Security-Policy" not in response
    assert _policy(response, "Content-Security-Policy-Report-Only")["script-src"] == ["'self'"]


def test_images_may_come_from_the_origins_the_operator_names(monkeypatch):
    probe = _settings_with(monkeypatch, CSP_IMG_ORIGINS="https://files.example.org")
    assert probe.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] == [
        "'self'",
        "data:",
        "https://files.example.org",
    ]


def test_the_language_cookie_is_secure_where_the_session_cookie_is(monkeypatch):
    assert _settings_with(monkeypatch, SESSION_COOKIE_SECURE="1").LANGUAGE_COOKIE_SECURE is True
    assert _settings_with(monkeypatch, SESSION_COOKIE_SECURE="0").LANGUAGE_COOKIE_SECURE is False


# --- no inline script or style in any served template -----------------------------------------------------------

_COMMENTS = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.DOTALL)
_SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
_HANDLER = re.compile(r"""\son[a-z]+\s*=""", re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=""", re.IGNORECASE)


def _served_templates() -> list[Path]:
    return sorted(
        template
        for template in TEMPLATES.rglob("*.html")
        if template.relative_to(TEMPLATES).parts[0] not in NOT_SERVED
    )


def test_no_served_template_has_inline_script_or_style():
    found: list[str] = []
    templates = _served_templates()
    assert len(templates) > 100  # the scan reads the templates, not an empty folder
    for template in templates:
        name = template.relative_to(TEMPLATES)
        text = _COMMENTS.sub("", template.read_text())
        for match in _SCRIPT.finditer(text):
            attributes = match.group(1)
            if "src=" not in attributes and 'type="application/json"' not in attributes:
                found.append(f"{name}: inline <script{attributes}>")
        for tag in _TAG.findall(text):
            if _HANDLER.search(tag):
                found.append(f"{name}: event handler attribute in {tag[:80]}")
            if _STYLE_ATTRIBUTE.search(tag):
                found.append(f"{name}: style attribute in {tag[:80]}")
        if re.search(r"<style\b", text, re.IGNORECASE):
            found.append(f"{name}: <style> element")
        for pattern in ("javascript:", "hx-on", "js:"):
            if pattern in text:
                found.append(f"{name}: {pattern}")
    assert found == []


def test_the_scan_finds_what_it_looks_for(tmp_path):
    # the patterns above catch each kind of inline code (else the scan could pass by reading nothing)
    sample = '<button onclick="go()">x</button><script>go()</script><p style="color:red"><script src="/a.js"></script>'
    assert [m.group(1) for m in _SCRIPT.finditer(sample)] == ["", ' src="/a.js"']
    tags = _TAG.findall(sample)
    assert [bool(_HANDLER.search(tag)) for tag in tags] == [True, False, False, False]
    assert [bool(_STYLE_ATTRIBUTE.search(tag)) for tag in tags] == [False, False, True, False]
    assert _COMMENTS.sub("", "{# <script> #}{% comment %}<script>{% endcomment %}") == ""


# --- htmx and the API's documentation pages under the policy ---------------------------------------------------


@pytest.mark.django_db
def test_htmx_runs_without_eval_script_tags_or_its_own_style(world, login):
    page = login(world.a.admin).get(reverse("core:dashboard")).content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    assert config is not None
    assert json.loads(config.group(1)) == {
        "allowEval": False,
        "allowScriptTags": False,
        "includeIndicatorStyles": False,
        # no style attribute copied while settling: the policy refuses style attributes set with setAttribute
        "attributesToSettle": ["class", "width", "height"],
    }


@pytest.mark.django_db
def test_swagger_ui_loads_its_start_up_script_by_url(client):
    page = client.get(reverse("api-v1:docs"))
    assert page.status_code == 200
    _assert_strict(page)
    html = page.content.decode()
    assert not [attributes for attributes in _SCRIPT.findall(html) if "src=" not in attributes]
    assert "<style" not in html
    script = client.get(reverse("api-v1:docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


@pytest.mark.django_db
def test_redoc_has_a_style_nonce_and_no_inline_script(client):
    page = client.get(reverse("api-v1:redoc"))
    assert page.status_code == 200
    policy = _policy(page)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"][0] == "'self'" and len(policy["style-src"]) == 4
    nonce = re.fullmatch(r"'nonce-([A-Za-z0-9+/=]+)'", policy["style-src"][1])
    assert [source[:8] for source in policy["style-src"][2:]] == ["'sha256-", "'sha256-"]
    assert policy["worker-src"] == ["'self'", "blob:"]
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]
    assert nonce is not None
    html = page.content.decode()
    assert f'nonce="{nonce.group(1)}"' in html  # on the stylesheet link redoc_init.js hands to ReDoc
    assert not [
        attributes
        for attributes in _SCRIPT.findall(html)
        if "src=" not in attributes and 'type="application/json"' not in attributes
    ]
    assert "fonts.googleapis.com" not in html and "<style" not in html
    # a nonce is per response
    assert _policy(client.get(reverse("api-v1:redoc")))["style-src"][1] != policy["style-src"][1]


# --- the language cookie ----------------------------------------------------------------------------------------


def _assert_language_cookie(response: HttpResponse, value: str) -> None:
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == value
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_the_language_switcher_sets_a_secure_httponly_lax_cookie(settings, client):
    settings.LANGUAGE_COOKIE_SECURE = True
    response = client.post(reverse("core:set-language"), {"language": "is", "next": "/"})
    assert response.status_code == 302
    _assert_language_cookie(response, "is")


@pytest.mark.django_db
def test_the_profile_sets_a_secure_httponly_lax_cookie(settings, world, login):
    settings.LANGUAGE_COOKIE_SECURE = True
    client = login(world.a.member)
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Member A", "language": "is", "phone": "", "languages": [], "countries": []},
    )
    assert response.status_code == 302
    _assert_language_cookie(response, "is")


def test_no_script_reads_the_language_cookie():
    # HttpOnly: the cookie is out of every script's reach, so none may need it
    scripts = [*Path(settings.BASE_DIR, "static", "js").glob("*.js")]
    assert scripts
    assert [script.name for script in scripts if "cookie" in script.read_text()] == []
