from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import DocumentVerifyView, DocumentViewSet

router = SimpleRouter()
router.register("documents", DocumentViewSet, basename="document")

urlpatterns = [
    path("documents/verify/", DocumentVerifyView.as_view(), name="document-verify"),
    *router.urls,
]
