"""The API's documentation pages under the strict Content-Security-Policy (icr/settings.py, django-csp).

drf-spectacular's own pages carry inline scripts and styles. Swagger UI is served split (the page, then its
start-up script from the same URL with ``?script``), with our page template; ReDoc starts from a static script
and its styled components insert <style> elements, which carry the request's nonce: the only nonce of the
platform, on style-src of this one page (never on script-src).
"""

from __future__ import annotations

from typing import Any

from csp.constants import NONCE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.response import Response


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI: the page loads the bundles and its start-up script by URL; no inline script or style."""

    template_name = "api/swagger_ui.html"


@method_decorator(csp_update({"style-src": [NONCE]}), name="dispatch")
class ApiRedocView(SpectacularRedocView):
    """ReDoc: started by static/js/redoc_init.js; its generated <style> elements carry the request's nonce."""

    template_name = "api/redoc.html"

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        response.data["redoc_settings"] = spectacular_settings.REDOC_UI_SETTINGS or {}
        return response
