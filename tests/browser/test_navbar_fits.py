"""A body administrator's navigation bar (every page, the impartiality menu, the body, the bell, the language
and the person) fits on one line at every desktop width, in English and in Icelandic."""

from __future__ import annotations

import pytest

from bodies.models import Role
from tests.browser.test_impartiality_browser import log_in
from tests.factories import BodyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser

#: the bar's content is no wider than the bar, and the bar is one line high
FITS = """() => {
  const bar = document.querySelector('.icr-navbar');
  const inner = bar.querySelector('.container-fluid');
  return {fits: inner.scrollWidth <= inner.clientWidth, height: bar.offsetHeight};
}"""


@pytest.mark.parametrize("language", ["en", "is"])
def test_the_body_administrators_bar_fits_on_one_line(page, live_server, reference_data, language):
    body = BodyFactory(legal_name="Geysir Verification ehf.", short_name="Geysir")
    admin = UserFactory(email="daniel@geysir.example", full_name="Daníel Jónsson", language=language)
    MembershipFactory(user=admin, body=body, roles=[Role.BODY_ADMIN])
    log_in(page, live_server.url, admin.email)
    for width in (1200, 1440, 1700, 1920):
        page.set_viewport_size({"width": width, "height": 600})
        page.goto(f"{live_server.url}/dashboard/")
        assert page.locator("#icr-impartiality").is_visible(), width
        assert page.locator("#icr-body-menu").is_visible(), width
        measured = page.evaluate(FITS)
        assert measured["fits"], (language, width)
        assert measured["height"] < 80, (language, width, measured["height"])
