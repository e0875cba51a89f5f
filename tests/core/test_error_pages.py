"""Branded error pages (400, 403, 404, 500, CSRF failure) with DEBUG off: the portal's look, the person's
language, a way back; the 500 page renders with no database and no request context."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path, reverse
from django.utils import translation

from core import views

BRAND = "ICR Conformity"


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom), path("", include("icr.urls"))]
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"


@pytest.fixture(autouse=True)
def _no_debug(settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = False


@pytest.mark.django_db
def test_404_is_branded_with_a_way_home_for_a_visitor(client):
    response = client.get("/no-such-page/", headers={"accept-language": "en"})
    assert response.status_code == 404
    page = response.content.decode()
    assert BRAND in page
    assert "We could not find that page" in page
    assert f'href="{reverse("core:home")}"' in page
    assert f'href="{reverse("accounts:login")}"' in page
    assert "portal.css" in page


@pytest.mark.django_db
def test_404_offers_the_dashboard_and_the_page_one_came_from(world, login):
    client = login(world.a.admin)
    response = client.get(
        "/no-such-page/", headers={"accept-language": "en", "referer": "http://testserver/people/"}
    )
    page = response.content.decode()
    assert response.status_code == 404
    assert "Go to your dashboard" in page and f'href="{reverse("core:dashboard")}"' in page
    assert 'href="/people/"' in page
    # a page of another site is no way back
    response = client.get("/no-such-page/", headers={"referer": "https://evil.example/"})
    assert "evil.example" not in response.content.decode()


@pytest.mark.django_db
def test_an_error_page_speaks_the_persons_language(client):
    response = client.get("/no-such-page/", headers={"accept-language": "is"})
    assert response.status_code == 404
    assert '<html lang="is">' in response.content.decode()


@pytest.mark.django_db
def test_403_is_branded(world, login):
    # an ordinary member may not read the body's audit trail
    response = login(world.a.member).get(reverse("core:audit-trail"), headers={"accept-language": "en"})
    assert response.status_code == 403
    page = response.content.decode()
    assert BRAND in page and "You are not allowed to do this" in page
    assert f'href="{reverse("core:dashboard")}"' in page


@pytest.mark.django_db
def test_400_is_branded(client):
    response = client.get("/", headers={"host": "evil.example", "accept-language": "en"})
    assert response.status_code == 400
    page = response.content.decode()
    assert BRAND in page and "We could not understand that request" in page


@pytest.mark.django_db
def test_500_is_branded(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", headers={"accept-language": "en"})
    assert response.status_code == 500
    page = response.content.decode()
    assert BRAND in page and "Something went wrong on our side" in page
    assert f'href="{reverse("core:home")}"' in page


def test_500_renders_without_a_database_or_a_request_context():
    # no django_db mark: any query would fail the render (and the last-resort page would show instead)
    request = RequestFactory().get("/anything/")
    with translation.override("en"):
        response = views.server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert BRAND in page


@pytest.mark.django_db
def test_csrf_failure_is_branded_with_a_way_back(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.a.admin)
    response = client.post(
        reverse("core:switch-body"),
        {"body_id": str(world.a.body.pk)},
        headers={"accept-language": "en", "referer": "http://testserver/people/"},
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert BRAND in page and "The form could not be sent" in page
    assert "cookie" in page  # no CSRF cookie was sent: the page says what to do about it
    assert 'href="/people/"' in page
