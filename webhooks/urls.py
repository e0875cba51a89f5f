from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.SubscriptionListView.as_view(), name="list"),
    path("new/", views.SubscriptionCreateView.as_view(), name="create"),
    path("<uuid:pk>/", views.SubscriptionEditView.as_view(), name="edit"),
    path("<uuid:pk>/delete/", views.SubscriptionDeleteView.as_view(), name="delete"),
    path("<uuid:pk>/rotate-secret/", views.SubscriptionRotateSecretView.as_view(), name="rotate-secret"),
    path("<uuid:pk>/ping/", views.SubscriptionPingView.as_view(), name="ping"),
    path("deliveries/", views.DeliveryListView.as_view(), name="deliveries"),
    path("deliveries/<uuid:pk>/redeliver/", views.DeliveryRedeliverView.as_view(), name="redeliver"),
]
