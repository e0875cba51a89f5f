from django.urls import path  # noqa: F401

app_name = "impartiality"

urlpatterns = [
    # --- declarations, reviews and conflicts (H2) ---
    # --- risk registers and committee (H3) ---
]
