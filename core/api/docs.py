"""The API's documentation pages under the strict Content-Security-Policy (icr/settings.py, django-csp).

drf-spectacular's own pages carry inline scripts and styles. Swagger UI is served split (the page, then its
start-up script from the same URL with ``?script``), with our page template; ReDoc starts from a static script
and its styled components insert <style> elements, which carry the request's nonce: the only nonce of the
platform, on style-src of this one page (never on script-src); ``REDOC_POLICY`` says what else that page needs.
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


#: what ReDoc (drf-spectacular-sidecar's redoc.standalone.js) needs beyond the platform's policy, on its page only:
#: its styled components' <style> elements carry the request's nonce (static/js/redoc_init.js hands it over); the
#: scrollbar stylesheet it inserts as it loads, before it can be given the nonce, is allowed by its hash (and the
#: empty element it starts as); its search index runs in a worker made from a blob. ReDoc's "API docs by Redocly"
#: logo (an image on cdn.redoc.ly) stays refused: no request leaves for a third party, and ReDoc hides it.
#: A new sidecar version may change the stylesheet's hash: the browser test of this page then names the new one.
REDOC_POLICY = {
    "style-src": [
        NONCE,
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # the empty <style> it starts as
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # perfect-scrollbar's rules (redoc 2.x)
    ],
    "worker-src": ["'self'", "blob:"],
}


@method_decorator(csp_update(REDOC_POLICY), name="dispatch")
class ApiRedocView(SpectacularRedocView):
    """ReDoc: started by static/js/redoc_init.js, under the platform's policy plus ``REDOC_POLICY``."""

    template_name = "api/redoc.html"

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        response.data["redoc_settings"] = spectacular_settings.REDOC_UI_SETTINGS or {}
        return response
