"""How the accounts' audit events read in the history (`core.audit`): the sentence of each action, shown
after the person's name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.audit import declare_audit_actions, declare_audit_record

declare_audit_actions(
    {
        "accounts.user.registered": _("signed up"),
        "accounts.user.email_confirmed": _("confirmed their email address"),
        "accounts.user.profile_updated": _("changed the account's profile"),
        "accounts.user.sessions_ended": _("ended every session of the account"),
        "accounts.api_token.created": _("created the API token"),
        "accounts.api_token.revoked": _("revoked the API token"),
        "accounts.api_token.lapsed": _(
            "let the API token lapse (its creator lost the authority to create it)"
        ),
        "accounts.mfa.enabled": _("turned on two-step login"),
        "accounts.mfa.disabled": _("turned off two-step login"),
        "accounts.mfa.recovery_codes_regenerated": _("made new recovery codes for two-step login"),
        "accounts.mfa.recovery_code_used": _("used a recovery code of two-step login"),
        "accounts.mfa.reset": _("removed the account's two-step login (a lost phone)"),
    }
)

# no portal page shows one account or one token to others
declare_audit_record("accounts.user")
declare_audit_record("accounts.apitoken")
