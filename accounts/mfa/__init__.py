"""Two-step login (multi-factor authentication, issue 11 §2) on django-otp: an authenticator app (TOTP) and
single-use recovery codes, required for the roles `MFA_REQUIRED_ROLES` names. Services in `services.py`, the
pages in `views.py`, the enforcement in `middleware.py`; re-authentication is `accounts.reauth`."""
