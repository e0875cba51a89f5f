"""Three faces over one domain: the portal (server-rendered), the admin (registry back office), the API."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView

from core.api.docs import ApiDocsView, ApiRedocView
from core.api.root import ApiRootView

admin.site.site_header = _("ICR registry back office")
admin.site.site_title = _("ICR back office")
admin.site.index_title = _("Registry home")
#: the back office's index is the registry home: queues and charts the apps declare (core.registry_home)
admin.site.index_template = "admin/registry_home.html"

api_v1 = [
    path("", ApiRootView.as_view(), name="root"),  # links to every collection and the docs
    path("", include("bodies.api.urls")),
    path("", include("accounts.api.urls")),
    path("", include("core.api.urls")),
    path("", include("reference.api.urls")),
    path("", include("documents.api.urls")),
    path("", include("reminders.api.urls")),
    path("", include("competence.api.urls")),
    path("", include("clients.api.urls")),
    path("", include("impartiality.api.urls")),
    path("", include("audits.api.urls")),
    path("", include("webhooks.api.urls")),
    path("", include("certification.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # the docs pages without inline script (core.api.docs): the strict Content-Security-Policy holds on them
    path("docs/", ApiDocsView.as_view(url_name="api-v1:schema"), name="docs"),
    path("redoc/", ApiRedocView.as_view(url_name="api-v1:schema"), name="redoc"),
]

urlpatterns = [
    path("", include("core.health")),  # GET /healthz for load balancers: database, Redis, storage
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api-v1"))),
    path("accounts/", include("accounts.urls")),
    path("documents/", include("documents.urls")),
    path("notifications/", include("reminders.urls")),
    path("bodies/", include("bodies.urls")),
    path("people/", include("competence.urls")),
    path("clients/", include("clients.urls")),
    path("impartiality/", include("impartiality.urls")),
    path("engagements/", include("audits.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("certification/", include("certification.urls")),
    path("verify/", include("certification.public_urls")),
    path("", include("core.urls")),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

# branded error pages in the person's language, each with a way back (core.views)
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
