"""Platform endpoints of API v1: the audit trail and public reference data."""

from rest_framework.routers import SimpleRouter

from core.api.audit_views import AuditEventViewSet
from core.api.reference_views import ActivityViewSet, SectorViewSet, StandardViewSet

router = SimpleRouter(trailing_slash=True)
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("reference/activities", ActivityViewSet, basename="reference-activity")
router.register("reference/standards", StandardViewSet, basename="reference-standard")
router.register("reference/sectors", SectorViewSet, basename="reference-sector")

urlpatterns = router.urls
