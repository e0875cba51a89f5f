"""Webhooks API v1 routes (included under /api/v1/, namespace "api-v1")."""

from rest_framework.routers import SimpleRouter

from .views import WebhookDeliveryViewSet, WebhookSubscriptionViewSet

router = SimpleRouter()
router.register("webhook-subscriptions", WebhookSubscriptionViewSet, basename="webhook-subscription")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")

urlpatterns = router.urls
