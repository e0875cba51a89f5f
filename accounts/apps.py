from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # the history's sentences (core.audit); the receivers of lockouts and of the start of a session
        from . import audit_actions, login_limits, sessions  # noqa: F401
        from .registry_staff import ensure_registry_staff_group

        post_migrate.connect(ensure_registry_staff_group, dispatch_uid="accounts.registry_staff_group")

        from django.contrib.auth.signals import user_logged_in

        from .reauth import on_login

        # every login is an authentication for `accounts.reauth` (and notes whether the person has an authenticator)
        user_logged_in.connect(on_login, dispatch_uid="accounts.reauth.on_login")
