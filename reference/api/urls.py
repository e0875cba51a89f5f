"""Reference API v1 routes of the registry's own lists (included under /api/v1/, namespace "api-v1")."""

from rest_framework.routers import SimpleRouter

from .views import AccreditationBodyViewSet

router = SimpleRouter(trailing_slash=True)
router.register(
    "reference/accreditation-bodies", AccreditationBodyViewSet, basename="reference-accreditation-body"
)

urlpatterns = router.urls
