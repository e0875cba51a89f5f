"""Clients API v1 routes (included under /api/v1/, namespace "api-v1")."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    ClientSiteViewSet,
    ClientUserNestedViewSet,
    ClientUserViewSet,
    ClientViewSet,
    ProjectViewSet,
)

router = SimpleRouter(trailing_slash=True)
router.register("clients", ClientViewSet, basename="client")
router.register("projects", ProjectViewSet, basename="project")
router.register("client-users", ClientUserViewSet, basename="client-user")

urlpatterns = [
    path(
        "clients/<uuid:client_id>/sites/",
        ClientSiteViewSet.as_view({"get": "list", "post": "create"}),
        name="client-sites",
    ),
    path(
        "clients/<uuid:client_id>/sites/<uuid:id>/",
        ClientSiteViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}),
        name="client-site-detail",
    ),
    path(
        "clients/<uuid:client_id>/users/",
        ClientUserNestedViewSet.as_view({"get": "list", "post": "create"}),
        name="client-users",
    ),
    *router.urls,
]
