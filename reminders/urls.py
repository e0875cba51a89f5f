from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="list"),
    path("<uuid:pk>/read/", views.NotificationMarkReadView.as_view(), name="mark-read"),
    path("<uuid:pk>/open/", views.NotificationOpenView.as_view(), name="open"),
    path("read-all/", views.NotificationMarkAllReadView.as_view(), name="mark-all-read"),
    path("badge/", views.NotificationBadgeView.as_view(), name="badge"),
    path("deadlines/", views.DeadlineListView.as_view(), name="deadlines"),
]
