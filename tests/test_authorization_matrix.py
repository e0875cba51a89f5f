"""Walks EVERY URL of the portal, API and admin for every role against a declared policy.

A URL that is not in the policy fails the suite, so no page or endpoint can be added without deciding who may
reach it. Object URLs are filled with body A's records; users of body B must get 404 for them, and no request
here changes anything (the audit trail and the row counts are compared before and after).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.services import api_token_create
from bodies.models import Body, Membership
from competence.importing import competence_import_preview
from competence.services import evidence_add
from core.models import AuditEvent
from documents.services import document_render, document_request
from reminders.services import deadline_upsert, notification_create
from tests.factories import (
    AccreditationBodyFactory,
    AccreditationFactory,
    BodyFactory,
    ClientFactory,
    ClientUserFactory,
    CompetenceRecordFactory,
    ProjectFactory,
    SiteFactory,
    UserFactory,
)

ROLES = ("anonymous", "member_a", "admin_a", "member_b", "admin_b", "staff", "client_a")

# shorthands for expected GET statuses
LOGIN = 302  # redirected to the login page
GONE = 404  # missing or not yours


def every(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def public() -> dict[str, int]:
    return every(200)


def portal(
    member_a: int = 200, admin_a: int = 200, member_b: int = 200, admin_b: int = 200
) -> dict[str, int]:
    """A page of the active body: login needed; registry staff without a body are sent to the back office, a
    client user (no body) to the client view (`core.landing`)."""
    return {
        "anonymous": LOGIN,
        "member_a": member_a,
        "admin_a": admin_a,
        "member_b": member_b,
        "admin_b": admin_b,
        "staff": 302,
        "client_a": 302,
    }


def portal_admin_only() -> dict[str, int]:
    return portal(member_a=403, admin_a=200, member_b=403, admin_b=200)


def portal_object_of_a(member_a: int = 200, admin_a: int = 200) -> dict[str, int]:
    return portal(member_a=member_a, admin_a=admin_a, member_b=GONE, admin_b=GONE)


def api(anonymous: int = 401, **roles: int) -> dict[str, int]:
    base = {
        "anonymous": anonymous,
        "member_a": 200,
        "admin_a": 200,
        "member_b": 200,
        "admin_b": 200,
        "staff": 200,
        "client_a": 200,  # a client user has no body: every list is empty
    }
    base.update(roles)
    return base


def api_object_of_a(**roles: int) -> dict[str, int]:
    return api(**{"member_b": GONE, "admin_b": GONE, "client_a": GONE, **roles})


def post_only(logged_in: int = 405, anonymous: int | None = None) -> dict[str, int]:
    """GET on a POST-only URL: 405 once the view is reached (anonymous may be sent to log in first)."""
    statuses = every(logged_in)
    statuses["anonymous"] = logged_in if anonymous is None else anonymous
    return statuses


@dataclass
class Rule:
    get: dict[str, int]
    args: str | None = None  # key into the objects dict (records of body A)
    note: str = ""
    kwargs: dict[str, Any] = field(default_factory=dict)
    kwargs_from: str | None = None  # key into the objects dict holding URL keyword arguments (body A's)

    def reverse_in(self, name: str, objects: dict[str, Any]) -> str:
        if self.kwargs_from:
            return reverse(name, kwargs=objects[self.kwargs_from])
        args = [_arg_value(objects[self.args])] if self.args else []
        return reverse(name, args=args, kwargs=self.kwargs or None)


# fmt: off
POLICY: dict[str, Rule] = {
    # --- public pages ---
    "core:home": Rule({**public(), "member_a": 302, "admin_a": 302, "member_b": 302, "admin_b": 302, "staff": 302,
                       "client_a": 302},
                      note="logged-in people go to their dashboard"),
    "bodies:directory": Rule(public()),
    "bodies:directory-detail": Rule(public(), args="body"),
    "documents:verify": Rule(public()),
    "documents:verify-number": Rule(public(), args="document_number"),
    "health": Rule(public(), note="the load balancer's probe (core.health): no login, no session"),
    "accounts:login": Rule({**every(302), "anonymous": 200}, note="logged-in people are sent on"),
    "accounts:password-reset": Rule(public()),
    "accounts:signup": Rule({**every(302), "anonymous": 200}, note="logged-in people are sent on"),
    "accounts:signup-done": Rule(public(), note="the same page whether or not the address has an account"),
    "accounts:confirm-email-sent": Rule({**every(302), "anonymous": LOGIN},
                                        note="a confirmed account is sent on to its dashboard"),
    "accounts:confirm-email": Rule(public(), kwargs={"token": "not-a-token"},
                                   note="GET shows a button; only POST confirms"),
    "accounts:password-reset-done": Rule(public()),
    "accounts:password-reset-confirm": Rule(public(), kwargs={"uidb64": "MQ", "token": "bad-token"}),
    "accounts:password-reset-complete": Rule(public()),
    # --- any logged-in person ---
    "accounts:logout": Rule(every(405)),
    "accounts:password-change": Rule({**every(200), "anonymous": LOGIN}),
    "accounts:password-change-done": Rule({**every(200), "anonymous": LOGIN}),
    "accounts:profile": Rule({**every(200), "anonymous": LOGIN}),
    # two-step login and re-authentication (MFA_REQUIRED_ROLES is empty in the tests: nobody is held)
    "accounts:mfa-setup": Rule({**every(200), "anonymous": LOGIN}, note="nothing is written before a code"),
    "accounts:mfa-verify": Rule(every(302), note="without an authenticator app there is no second step"),
    "accounts:mfa-recovery-codes": Rule(every(302), note="no new codes in the session: back to the profile"),
    "accounts:mfa-recovery-codes-download": Rule(every(302), note="no new codes in the session"),
    "accounts:mfa-recovery-codes-regenerate": Rule({**every(405), "anonymous": LOGIN}),
    "accounts:mfa-disable": Rule({**every(405), "anonymous": LOGIN}),
    "accounts:reauth": Rule({**every(200), "anonymous": LOGIN}),
    "accounts:sessions-end-others": Rule(post_only(anonymous=LOGIN), note="POST: log out my other sessions"),
    "core:set-language": Rule(every(405)),
    "reminders:list": Rule({**every(200), "anonymous": LOGIN}),
    "reminders:badge": Rule({**every(200), "anonymous": LOGIN}),
    "reminders:mark-all-read": Rule({**every(405), "anonymous": LOGIN}),
    "reminders:mark-read": Rule({**every(405), "anonymous": LOGIN}, args="notification"),
    "reminders:open": Rule({**every(GONE), "admin_a": 302, "anonymous": LOGIN}, args="notification",
                           note="one's own notification: read, the active body switched, then its page"),
    "bodies:apply": Rule({**every(200), "anonymous": LOGIN}),
    # --- the active body's portal ---
    "core:dashboard": Rule(portal()),
    "core:switch-body": Rule({**every(405), "anonymous": LOGIN}),
    "core:audit-trail": Rule(portal_admin_only()),
    "core:audit-trail-export": Rule(portal_admin_only()),
    "reminders:deadlines": Rule(portal()),
    "bodies:profile": Rule(portal()),
    "bodies:profile-edit": Rule(portal_admin_only()),
    "bodies:profile-logo": Rule(portal(member_a=GONE, admin_a=GONE, member_b=GONE, admin_b=GONE),
                                note="the active body's logo; the bodies here have none (test_storage_s3.py)"),
    "bodies:members": Rule(portal()),
    "bodies:eligibility": Rule(portal()),
    "bodies:tokens": Rule(portal_admin_only()),
    "bodies:token-revoke": Rule(portal_object_of_a(member_a=GONE, admin_a=405), args="token_uuid",
                                note="a token is seen by token managers and the people granted it (as in the API)"),
    "bodies:accreditation-list": Rule(portal()),
    "bodies:accreditation-create": Rule(portal_admin_only()),
    "bodies:accreditation-detail": Rule(portal_object_of_a(), args="accreditation"),
    "bodies:accreditation-edit": Rule(portal_object_of_a(member_a=403), args="accreditation"),
    "bodies:accreditation-certificate": Rule(portal_object_of_a(), args="certified_accreditation",
                                             note="the body's people read its accreditations' evidence"),
    "bodies:accreditation-decide": Rule(portal_object_of_a(member_a=403, admin_a=405), args="accreditation"),
    "documents:download": Rule({**portal_object_of_a(), "anonymous": GONE, "staff": 200, "client_a": GONE},
                               args="document",
                               note="a competence record is not a public kind"),
    "documents:status": Rule({**portal_object_of_a(), "staff": 200, "client_a": GONE}, args="document"),
    # --- people and competence (portal) ---
    "competence:people": Rule(portal()),
    "competence:person-add": Rule(portal_admin_only()),
    "competence:person-detail": Rule(portal_object_of_a(), args="membership"),
    "competence:person-edit": Rule(portal_object_of_a(member_a=403), args="membership"),
    "competence:record-create": Rule(portal_object_of_a(member_a=403), args="membership"),
    "competence:training-add": Rule(portal_object_of_a(member_a=403), args="membership"),
    "competence:witnessed-add": Rule(portal_object_of_a(member_a=403), args="membership"),
    "competence:evaluation-add": Rule(portal_object_of_a(member_a=403), args="membership"),
    "competence:person-pdf": Rule(portal_object_of_a(member_a=405, admin_a=405), args="membership"),
    "competence:record-detail": Rule(portal_object_of_a(member_a=403), args="competence_record",
                                     note="a colleague's record page: by default the body keeps it confidential"),
    "competence:records-policy": Rule(portal_admin_only(), note="the body's administrators decide"),
    "competence:record-approve": Rule(portal_object_of_a(member_a=403, admin_a=405), args="competence_record"),
    "competence:record-renew": Rule(portal_object_of_a(member_a=403, admin_a=405), args="competence_record"),
    "competence:record-suspend": Rule(portal_object_of_a(member_a=403, admin_a=405), args="competence_record"),
    "competence:evidence-add": Rule(portal_object_of_a(member_a=403, admin_a=405), args="competence_record"),
    "competence:evidence-download": Rule(portal_object_of_a(member_a=403), args="evidence",
                                         note="another person's evidence: competence managers and the person"),
    "competence:matrix": Rule(portal()),
    "competence:matrix-export": Rule(portal()),
    "competence:team-check": Rule(portal()),
    "competence:team-check-row": Rule(portal(member_a=400, admin_a=400, member_b=400, admin_b=400),
                                      note="without the form's row count the next row cannot be numbered"),
    "competence:import": Rule(portal_admin_only()),
    "competence:import-template": Rule(portal_admin_only()),
    "competence:import-preview": Rule(portal_object_of_a(member_a=403), args="import_batch"),
    "competence:import-apply": Rule(portal_object_of_a(member_a=403, admin_a=405), args="import_batch"),
    # --- clients portal: every member reads; the body's client managers keep ---
    "clients:list": Rule(portal()),
    "clients:create": Rule(portal_admin_only()),
    "clients:detail": Rule(portal_object_of_a(), args="client"),
    "clients:edit": Rule(portal_object_of_a(member_a=403), args="client"),
    "clients:site-create": Rule(portal_object_of_a(member_a=403), args="client"),
    "clients:site-edit": Rule(portal_object_of_a(member_a=403), args="client_site_record"),
    "clients:projects": Rule(portal()),
    "clients:project-create": Rule(portal_admin_only()),
    "clients:project-detail": Rule(portal_object_of_a(), args="project"),
    "clients:project-edit": Rule(portal_object_of_a(member_a=403), args="project"),
    "clients:import": Rule(portal_admin_only()),
    "clients:import-template": Rule(portal_admin_only()),
    "clients:import-preview": Rule(portal_object_of_a(member_a=403), args="client_import_batch"),
    "clients:import-apply": Rule(portal_object_of_a(member_a=403, admin_a=405), args="client_import_batch"),
    # --- API ---
    "api-v1:root": Rule(public()),
    "api-v1:schema": Rule(public()),
    "api-v1:docs": Rule(public()),
    "api-v1:redoc": Rule(public()),
    "api-v1:me": Rule(api()),
    "api-v1:body-list": Rule(api()),
    "api-v1:body-detail": Rule(api_object_of_a(), args="body"),
    "api-v1:body-decisions": Rule(api_object_of_a(), args="body"),
    "api-v1:body-members": Rule(api_object_of_a(), args="body"),
    "api-v1:body-eligibility": Rule(api_object_of_a(member_a=400, admin_a=400, staff=400), args="body",
                                    note="400: the GET has no query parameters"),
    "api-v1:body-agreement": Rule(post_only(405, anonymous=401), args="body"),
    "api-v1:accreditation-list": Rule(api()),
    "api-v1:accreditation-detail": Rule(api_object_of_a(), args="accreditation"),
    "api-v1:accreditation-status": Rule(post_only(405, anonymous=401), args="accreditation"),
    "api-v1:accreditation-verify": Rule(post_only(405, anonymous=401), args="accreditation"),
    "api-v1:accreditation-refuse": Rule(post_only(405, anonymous=401), args="accreditation"),
    "api-v1:accreditation-certificate": Rule(api_object_of_a(), args="certified_accreditation"),
    "api-v1:directory-list": Rule(public()),
    "api-v1:directory-detail": Rule(public(), args="body"),
    "api-v1:reference-activity-list": Rule(public()),
    "api-v1:reference-standard-list": Rule(public()),
    "api-v1:reference-sector-list": Rule(public()),
    "api-v1:reference-accreditation-body-list": Rule(public()),
    "api-v1:reference-accreditation-body-detail": Rule(public(), args="accreditation_body"),
    "api-v1:token-list": Rule(api()),
    "api-v1:token-revoke": Rule(post_only(405, anonymous=401), args="token_uuid"),
    "api-v1:audit-event-list": Rule(api()),
    "api-v1:audit-event-detail": Rule(api_object_of_a(member_a=GONE), args="audit_event",
                                      note="only holders of view_audit_trail read the trail"),
    "api-v1:document-verify": Rule(every(405)),
    "api-v1:document-list": Rule(api()),
    "api-v1:document-detail": Rule(api_object_of_a(), args="document"),
    "api-v1:document-download": Rule(api_object_of_a(), args="document"),
    "api-v1:notification-list": Rule(api()),
    "api-v1:notification-read-all": Rule(post_only(405, anonymous=401)),
    "api-v1:notification-read": Rule(post_only(405, anonymous=401), args="notification"),
    "api-v1:deadline-list": Rule(api()),
    "api-v1:deadline-detail": Rule(api_object_of_a(), args="deadline"),
    # --- API: people and competence ---
    "api-v1:person-list": Rule(api()),
    "api-v1:person-detail": Rule(api_object_of_a(), args="auditor"),
    "api-v1:person-competence-record-pdf": Rule(post_only(405, anonymous=401), args="auditor"),
    "api-v1:person-training": Rule(api_object_of_a(member_a=403), args="auditor",
                                   note="competence managers and the person themselves"),
    "api-v1:person-witnessed-audits": Rule(api_object_of_a(member_a=403), args="auditor"),
    "api-v1:person-evaluations": Rule(api_object_of_a(member_a=403), args="auditor"),
    "api-v1:competence-record-list": Rule(api()),
    "api-v1:competence-record-detail": Rule(api_object_of_a(), args="competence_record"),
    "api-v1:competence-record-approve": Rule(post_only(405, anonymous=401), args="competence_record"),
    "api-v1:competence-record-renew": Rule(post_only(405, anonymous=401), args="competence_record"),
    "api-v1:competence-record-suspend": Rule(post_only(405, anonymous=401), args="competence_record"),
    "api-v1:competence-record-evidence": Rule(api_object_of_a(member_a=403), args="competence_record"),
    "api-v1:competence-record-evidence-download": Rule(
        api_object_of_a(member_a=403), kwargs_from="evidence_download"
    ),
    "api-v1:competence-matrix": Rule(api(staff=400, client_a=400),
                                     note="staff must name the body; a client user has none"),
    "api-v1:people-records-policy": Rule(api_object_of_a(), args="body",
                                         note="every member reads it; the body's administrators change it"),
    "api-v1:competence-check-person": Rule(post_only(405, anonymous=401)),
    "api-v1:competence-check-team": Rule(post_only(405, anonymous=401)),
    "api-v1:competence-import-list": Rule(api()),
    "api-v1:competence-import-detail": Rule(api_object_of_a(member_a=GONE), args="import_batch",
                                            note="imports are the competence managers' business"),
    "api-v1:competence-import-apply": Rule(post_only(405, anonymous=401), args="import_batch"),
    # --- API: clients, sites and projects (every active member of the body reads them) ---
    "api-v1:client-list": Rule(api()),
    "api-v1:client-detail": Rule(api_object_of_a(), args="client"),
    "api-v1:client-sites": Rule(api_object_of_a(), args="client"),
    "api-v1:client-site-detail": Rule(api_object_of_a(), kwargs_from="client_site"),
    "api-v1:project-list": Rule(api()),
    "api-v1:project-detail": Rule(api_object_of_a(), args="project"),
    # --- clients: client users and the client view ---
    "clients:users": Rule(portal_object_of_a(), args="client", note="every member reads who has the client view"),
    "clients:user-invite": Rule(portal_object_of_a(member_a=403), args="client"),
    "clients:user-resend": Rule(portal_object_of_a(member_a=403, admin_a=405), args="client_user_invited"),
    "clients:user-revoke": Rule(portal_object_of_a(member_a=403, admin_a=405), args="client_user_invited"),
    "clients:client-view": Rule({**every(302), "client_a": 200},
                                note="a client user's clients; body people go to their dashboard"),
    "clients:client-view-client": Rule({**every(GONE), "anonymous": LOGIN, "client_a": 200}, args="client",
                                       note="only the client's own active users: the body's people have the portal"),
    "clients:client-view-sites": Rule({**every(GONE), "anonymous": LOGIN, "client_a": 200}, args="client"),
    "clients:client-view-projects": Rule({**every(GONE), "anonymous": LOGIN, "client_a": 200}, args="client"),
    "clients:client-view-project": Rule({**every(GONE), "anonymous": LOGIN, "client_a": 200},
                                        args="client_view_project"),
    "clients:invitation": Rule(every(GONE), kwargs={"token": "not-a-token"},
                               note="an unknown link says so (404); no account needed to open one"),
    "api-v1:client-users": Rule(api_object_of_a(), args="client"),
    "api-v1:client-user-resend": Rule(post_only(405, anonymous=401), args="client_user_invited"),
    "api-v1:client-user-revoke": Rule(post_only(405, anonymous=401), args="client_user_invited"),
    # --- impartiality: declarations, reviews and conflicts ---
    # declarations: confidential — the declarant, the body's reviewers (review_declarations: body
    # administrators and committee) and registry staff; other members and other bodies get 404
    "impartiality:declarations-mine": Rule(portal()),
    "impartiality:declaration-start": Rule(portal()),
    "impartiality:declaration-review-queue": Rule(portal_admin_only()),
    "impartiality:declaration-list": Rule(portal_admin_only()),
    "impartiality:declaration-detail": Rule(portal_object_of_a(), args="declaration",
                                            note="member_a is the declarant, admin_a a reviewer"),
    "impartiality:declaration-relationship-add": Rule(portal_object_of_a(member_a=405, admin_a=405),
                                                      args="declaration"),
    "impartiality:declaration-relationship-remove": Rule(portal_object_of_a(member_a=405, admin_a=405),
                                                         args="declaration_relationship"),
    "impartiality:declaration-submit": Rule(portal_object_of_a(member_a=405, admin_a=405), args="declaration"),
    "impartiality:declaration-correct": Rule(portal_object_of_a(member_a=405, admin_a=405), args="declaration"),
    "impartiality:declaration-pdf": Rule(portal_object_of_a(member_a=405, admin_a=405), args="declaration"),
    "impartiality:declaration-review": Rule(portal_object_of_a(member_a=403), args="declaration",
                                            note="the declarant holds no review_declarations"),
    "api-v1:declaration-list": Rule(api()),
    "api-v1:declaration-detail": Rule(api_object_of_a(), args="declaration"),
    "api-v1:declaration-submit": Rule(post_only(405, anonymous=401), args="declaration"),
    "api-v1:declaration-correct": Rule(post_only(405, anonymous=401), args="declaration"),
    "api-v1:declaration-review": Rule(post_only(405, anonymous=401), args="declaration"),
    "api-v1:declaration-pdf": Rule(post_only(405, anonymous=401), args="declaration"),
    "api-v1:declaration-relationships": Rule(api_object_of_a(), args="declaration"),
    "api-v1:declaration-relationship-detail": Rule(api_object_of_a(), kwargs_from="declaration_relationship_kwargs"),
    # conflicts
    "impartiality:conflict-check": Rule(portal(), note="planners check anyone of the body, a member themselves"),
    "impartiality:conflict-overrides": Rule(portal(), note="planners read all, a member their own"),
    "impartiality:conflict-override-create": Rule(
        {**portal(member_a=403, admin_a=405, member_b=403, admin_b=405)},
        note="POST only, for the role the body's impartiality policy names (body administrators by default)"),
    "impartiality:policy": Rule(portal_admin_only(), note="the body's administrators (manage_body)"),
    "api-v1:conflict-check": Rule(post_only(405, anonymous=401)),
    "api-v1:conflict-override-list": Rule(api(), note="planners all of their bodies', a member their own"),
    "api-v1:conflict-override-detail": Rule(api_object_of_a(member_a=GONE), args="conflict_override",
                                            note="another person's override: planners only"),
    "api-v1:impartiality-policy": Rule(api_object_of_a(), args="body",
                                       note="every member reads it; the body's administrators change it"),
    # --- impartiality: risk registers and committee ---
    # every member reads the register and the committee (not confidential like declarations); the keepers
    # (manage_impartiality: body administrators and committee members) change them; an action's owner marks it done
    "impartiality:risk-list": Rule(portal()),
    "impartiality:risk-create": Rule(portal_admin_only()),
    "impartiality:register-pack": Rule(portal(member_a=403, admin_a=405, member_b=403, admin_b=405),
                                       note="POST only; the PDF is for the register's keepers"),
    "impartiality:risk-detail": Rule(portal_object_of_a(), args="risk"),
    "impartiality:risk-edit": Rule(portal_object_of_a(member_a=403), args="risk"),
    "impartiality:risk-review": Rule(portal_object_of_a(member_a=403), args="risk"),
    "impartiality:risk-close": Rule(portal_object_of_a(member_a=403, admin_a=405), args="risk"),
    "impartiality:risk-reopen": Rule(portal_object_of_a(member_a=403, admin_a=405), args="risk"),
    "impartiality:committee": Rule(portal()),
    "impartiality:meeting-create": Rule(portal_admin_only()),
    "impartiality:meeting-action-row": Rule(portal(member_a=403, admin_a=400, member_b=403, admin_b=400),
                                            note="without the form's row count the next row cannot be numbered"),
    "impartiality:meeting-detail": Rule(portal_object_of_a(), args="committee_meeting"),
    "impartiality:action-complete": Rule(portal_object_of_a(member_a=403, admin_a=405), args="committee_action",
                                         note="the action's owner (not member_a here) or a keeper"),
    "api-v1:risk-list": Rule(api()),
    "api-v1:risk-detail": Rule(api_object_of_a(), args="risk"),
    "api-v1:risk-review": Rule(post_only(405, anonymous=401), args="risk"),
    "api-v1:risk-close": Rule(post_only(405, anonymous=401), args="risk"),
    "api-v1:risk-reopen": Rule(post_only(405, anonymous=401), args="risk"),
    "api-v1:committee-meeting-list": Rule(api()),
    "api-v1:committee-meeting-detail": Rule(api_object_of_a(), args="committee_meeting"),
    "api-v1:committee-action-list": Rule(api()),
    "api-v1:committee-action-detail": Rule(api_object_of_a(), args="committee_action"),
    "api-v1:committee-action-complete": Rule(post_only(405, anonymous=401), args="committee_action"),
    # --- audits: engagements and teams ---
    # planners and readers of every engagement (admin A) see all of body A's; member A only the one they are on
    # (a per-object grant); client users have no body (empty lists, 404 on records); planners alone act
    "audits:engagement-list": Rule(portal(), note="member_a sees only the engagements they are on"),
    "audits:engagement-calendar": Rule(portal(), note="member_a sees only the engagements they are on"),
    "audits:engagement-create": Rule(portal_admin_only()),
    "audits:engagement-detail": Rule(portal_object_of_a(), args="engagement", note="member_a is on its team"),
    "audits:engagement-edit": Rule(portal_object_of_a(member_a=403), args="engagement"),
    "audits:engagement-team": Rule(portal_object_of_a(), args="engagement",
                                   note="planners also see the candidates and add people"),
    "audits:engagement-team-remove": Rule(portal_object_of_a(member_a=403, admin_a=405),
                                          kwargs_from="engagement_team_member_portal_kwargs", note="POST only"),
    "audits:engagement-cancel": Rule(portal_object_of_a(member_a=403), args="engagement"),
    "audits:engagement-reopen-team": Rule(portal_object_of_a(member_a=403), args="engagement"),
    "audits:engagement-send-to-review": Rule(portal_object_of_a(member_a=403), args="engagement"),
    "audits:engagement-audit-time": Rule(portal_object_of_a(member_a=403), args="engagement"),
    "audits:engagement-transition": Rule(portal_object_of_a(member_a=403, admin_a=405),
                                         kwargs_from="engagement_plan_kwargs",
                                         note="POST only; planning is for planners"),
    "audits:engagement-pdf": Rule(portal_object_of_a(member_a=405, admin_a=405), kwargs_from="engagement_pdf_kwargs",
                                  note="POST only; a planner or the lead auditor, from the status each PDF needs"),
    "api-v1:engagement-list": Rule(api()),
    "api-v1:engagement-detail": Rule(api_object_of_a(), args="engagement", note="member_a is on its team"),
    "api-v1:engagement-plan": Rule(post_only(405, anonymous=401), args="engagement"),
    "api-v1:engagement-plan-pdf": Rule(post_only(405, anonymous=401), args="engagement"),
    "api-v1:engagement-report-pdf": Rule(post_only(405, anonymous=401), args="engagement"),
    "api-v1:engagement-propose-team": Rule(post_only(405, anonymous=401), args="engagement"),
    "api-v1:engagement-confirm-team": Rule(post_only(405, anonymous=401), args="engagement"),
    "api-v1:engagement-reopen-team": Rule(post_only(405, anonymous=401), args="engagement"),
    "api-v1:engagement-start": Rule(post_only(405, anonymous=401), args="engagement"),
    "api-v1:engagement-draft-report": Rule(post_only(405, anonymous=401), args="engagement"),
    "api-v1:engagement-send-to-review": Rule(post_only(405, anonymous=401), args="engagement"),
    "api-v1:engagement-cancel": Rule(post_only(405, anonymous=401), args="engagement"),
    "api-v1:engagement-audit-time": Rule(post_only(405, anonymous=401), args="engagement"),
    "api-v1:engagement-team": Rule(api_object_of_a(), args="engagement"),
    "api-v1:engagement-team-member": Rule(post_only(405, anonymous=401), kwargs_from="engagement_team_member_kwargs",
                                          note="DELETE only"),
    "api-v1:engagement-candidates": Rule(api_object_of_a(member_a=403, admin_a=400, staff=400), args="engagement",
                                         note="planners only; without a role the request is incomplete"),
    # --- audits: findings ---
    # the team (member A, lead auditor) works on findings; readers of every engagement (admin A) read them; the
    # client's users read and answer them only in the client view (body people: 404 there)
    "audits:engagement-findings": Rule(portal_object_of_a(), args="finding_engagement"),
    "audits:findings-carry-forward": Rule(portal_object_of_a(member_a=405, admin_a=405), args="finding_engagement",
                                          note="POST only; the team or a planner"),
    "audits:finding-detail": Rule(portal_object_of_a(), args="finding"),
    "audits:finding-edit": Rule(portal_object_of_a(admin_a=403), args="finding", note="the team only"),
    "audits:finding-evidence-add": Rule(portal_object_of_a(member_a=405, admin_a=403), args="finding"),
    "audits:finding-accept": Rule(portal_object_of_a(member_a=405, admin_a=403), args="finding"),
    "audits:finding-reject": Rule(portal_object_of_a(member_a=405, admin_a=403), args="finding"),
    "audits:finding-verify": Rule(portal_object_of_a(member_a=405, admin_a=403), args="finding"),
    "audits:finding-close": Rule(portal_object_of_a(member_a=405, admin_a=403), args="finding"),
    "audits:finding-record-response": Rule(portal_object_of_a(member_a=403, admin_a=405), args="finding",
                                           note="POST only; a planner records a response received by email"),
    "audits:finding-file": Rule(portal_object_of_a(), kwargs_from="finding_file_kwargs"),
    "audits:finding-open": Rule({**every(302), "member_b": GONE, "admin_b": GONE},
                                args="finding", note="a reminder's link: the client view or the portal, else 404"),
    "audits:client-engagements": Rule({**every(GONE), "anonymous": LOGIN, "client_a": 200}, args="client"),
    "audits:client-engagement": Rule({**every(GONE), "anonymous": LOGIN, "client_a": 200}, args="finding_engagement"),
    "audits:client-report": Rule({**every(GONE), "anonymous": LOGIN}, args="finding_engagement",
                                 note="the final report once decided or closed; the matrix's engagement has none"),
    "audits:client-finding": Rule({**every(GONE), "anonymous": LOGIN, "client_a": 200}, args="finding"),
    "audits:client-finding-file": Rule({**every(GONE), "anonymous": LOGIN, "client_a": 200},
                                       kwargs_from="client_finding_file_kwargs"),
    "api-v1:finding-list": Rule(api(), note="a client user has no body: an empty list"),
    "api-v1:finding-detail": Rule(api_object_of_a(), args="finding"),
    "api-v1:finding-file": Rule(api_object_of_a(), kwargs_from="api_finding_file_kwargs"),
    "api-v1:finding-responses": Rule(api_object_of_a(), args="finding"),
    "api-v1:finding-accept": Rule(post_only(405, anonymous=401), args="finding"),
    "api-v1:finding-reject": Rule(post_only(405, anonymous=401), args="finding"),
    "api-v1:finding-verify": Rule(post_only(405, anonymous=401), args="finding"),
    "api-v1:finding-close": Rule(post_only(405, anonymous=401), args="finding"),
    "api-v1:finding-evidence": Rule(post_only(405, anonymous=401), args="finding"),
    "api-v1:finding-carry-forward": Rule(post_only(405, anonymous=401)),
    # --- webhooks: kept by the people who keep the body's API tokens ---
    "webhooks:list": Rule(portal_admin_only()),
    "webhooks:create": Rule(portal_admin_only()),
    "webhooks:edit": Rule(portal_object_of_a(member_a=403), args="webhook_subscription"),
    "webhooks:delete": Rule(portal_object_of_a(member_a=403, admin_a=405), args="webhook_subscription"),
    "webhooks:rotate-secret": Rule(portal_object_of_a(member_a=403, admin_a=405), args="webhook_subscription"),
    "webhooks:ping": Rule(portal_object_of_a(member_a=403, admin_a=405), args="webhook_subscription"),
    "webhooks:deliveries": Rule(portal_admin_only()),
    "webhooks:redeliver": Rule(portal_object_of_a(member_a=403, admin_a=405), args="webhook_delivery"),
    "api-v1:webhook-subscription-list": Rule(api(), note="a member who does not keep webhooks: an empty list"),
    "api-v1:webhook-subscription-detail": Rule(api_object_of_a(member_a=GONE), args="webhook_subscription"),
    "api-v1:webhook-subscription-rotate-secret": Rule(post_only(405, anonymous=401), args="webhook_subscription"),
    "api-v1:webhook-subscription-ping": Rule(post_only(405, anonymous=401), args="webhook_subscription"),
    "api-v1:webhook-delivery-list": Rule(api()),
    "api-v1:webhook-delivery-detail": Rule(api_object_of_a(member_a=GONE), args="webhook_delivery"),
    "api-v1:webhook-delivery-redeliver": Rule(post_only(405, anonymous=401), args="webhook_delivery"),
    # --- certification: public verification, CertSearch, the client view ---
    "verify:home": Rule(public()),
    "verify:token": Rule(public(), args="certificate_token"),
    "api-v1:public-verify": Rule({**every(400)}, note="no number given: 400 for everyone, no login needed"),
    "api-v1:public-verify-token": Rule(public(), args="certificate_token"),
    "certification:pdf-request": Rule(portal(member_a=405, admin_a=405, member_b=405, admin_b=405),
                                      kwargs_from="certificate_pdf_kwargs",
                                      note="POST only; the record is looked up in the active body on POST"),
    "certification:certsearch": Rule(portal_admin_only()),
    "certification:certsearch-export": Rule(portal_admin_only(), kwargs={"fmt": "csv"}),
    "certification:certsearch-upload": Rule(portal(member_a=403, admin_a=405, member_b=403, admin_b=405)),
    "api-v1:certsearch-export": Rule({**every(400), "anonymous": 401}, note="no body named: 400"),
    "certification:client-certificates": Rule({**every(GONE), "anonymous": LOGIN, "client_a": 200}, args="client"),
    "certification:client-certificate": Rule({**every(GONE), "anonymous": LOGIN, "client_a": 200},
                                             args="certificate_of_client_a"),
    "certification:client-certificate-pdf": Rule({**every(GONE), "anonymous": LOGIN}, args="certificate_of_client_a",
                                                 note="no PDF of the current version is ready in the matrix"),
    "certification:client-statement": Rule({**every(GONE), "anonymous": LOGIN, "client_a": 200},
                                           args="statement_of_client_a"),
    "certification:client-statement-pdf": Rule({**every(GONE), "anonymous": LOGIN}, args="statement_of_client_a",
                                               note="no statement PDF is ready in the matrix"),
    # --- certification: reviews, decisions, statements, numbering ---
    # member_a (an auditor) is not on the reviewed engagement's team, so it is hidden from them (404); admin_a
    # reads every engagement; neither is the reviewer nor a decision maker
    "certification:review-waiting": Rule(portal()),
    "certification:review-detail": Rule(portal_object_of_a(member_a=GONE), args="review_engagement"),
    "certification:review-open": Rule(portal_object_of_a(member_a=GONE, admin_a=405), args="review_engagement"),
    "certification:review-comment": Rule(portal_object_of_a(member_a=GONE, admin_a=405), args="review_engagement"),
    "certification:review-return": Rule(portal_object_of_a(member_a=GONE, admin_a=405), args="review_engagement"),
    "certification:review-resubmit": Rule(portal_object_of_a(member_a=GONE, admin_a=405),
                                          args="review_engagement"),
    "certification:review-complete": Rule(portal_object_of_a(member_a=GONE, admin_a=405),
                                          args="review_engagement"),
    "certification:review-answer": Rule(portal_object_of_a(member_a=GONE, admin_a=405),
                                        kwargs_from="review_comment_kwargs"),
    "certification:review-resolve": Rule(portal_object_of_a(member_a=GONE, admin_a=405),
                                         kwargs_from="review_comment_kwargs"),
    "certification:decision-list": Rule(portal()),
    "certification:decision-waiting": Rule(portal(member_a=403, admin_a=403, member_b=403, admin_b=403),
                                           note="decision makers only"),
    "certification:decision-create": Rule(portal(member_a=GONE, admin_a=GONE, member_b=GONE, admin_b=GONE),
                                          note="no engagement or certificate named in the query: 404; decision "
                                               "makers only (tests/certification/test_separation_portal.py)"),
    "certification:decision-detail": Rule(portal_object_of_a(), args="decision"),
    "certification:statement-list": Rule(portal()),
    "certification:statement-detail": Rule(portal_object_of_a(), args="statement_of_client_a"),
    "certification:numbering": Rule(portal_admin_only(), note="body administrators (manage_certificates)"),
    "api-v1:review-list": Rule(api()),
    "api-v1:review-detail": Rule(api_object_of_a(member_a=GONE), args="review"),
    "api-v1:review-comment": Rule(post_only(405, anonymous=401), args="review"),
    "api-v1:review-return": Rule(post_only(405, anonymous=401), args="review"),
    "api-v1:review-answer": Rule(post_only(405, anonymous=401), args="review"),
    "api-v1:review-resubmit": Rule(post_only(405, anonymous=401), args="review"),
    "api-v1:review-resolve": Rule(post_only(405, anonymous=401), args="review"),
    "api-v1:review-complete": Rule(post_only(405, anonymous=401), args="review"),
    "api-v1:decision-list": Rule(api()),
    "api-v1:decision-detail": Rule(api_object_of_a(), args="decision"),
    "api-v1:statement-list": Rule(api()),
    "api-v1:statement-detail": Rule(api_object_of_a(), args="statement_of_client_a"),
    "api-v1:numbering-list": Rule(api()),
    "api-v1:numbering-detail": Rule(api_object_of_a(), args="numbering"),
    # --- certification: certificates, programme and proposals ---
    "certification:certificate-list": Rule(portal()),
    "certification:certificate-detail": Rule(portal_object_of_a(), args="certificate"),
    "certification:certificate-version": Rule(portal_object_of_a(), kwargs_from="certificate_version_kwargs"),
    "certification:certificate-confidential": Rule(portal_object_of_a(member_a=403, admin_a=405), args="certificate",
                                                   note="body administrators (manage_certificates)"),
    "certification:programme": Rule(portal()),
    "certification:programme-engagement-create": Rule(portal_object_of_a(member_a=403), args="programme_due",
                                                      note="planners (manage_engagements)"),
    "certification:proposal-list": Rule(portal()),
    "certification:proposal-dismiss": Rule(portal_object_of_a(member_a=403, admin_a=403), args="proposal",
                                           note="decision makers only: neither an auditor nor an administrator"),
    "api-v1:certificate-list": Rule(api()),
    "api-v1:certificate-detail": Rule(api_object_of_a(), args="certificate"),
    "api-v1:certificate-confidential": Rule(post_only(405, anonymous=401), args="certificate"),
    "api-v1:programme-date-list": Rule(api()),
    "api-v1:programme-date-detail": Rule(api_object_of_a(), args="programme_due"),
    "api-v1:programme-date-create-engagement": Rule(post_only(405, anonymous=401), args="programme_due"),
    "api-v1:proposal-list": Rule(api()),
    "api-v1:proposal-detail": Rule(api_object_of_a(), args="proposal"),
    "api-v1:proposal-dismiss": Rule(post_only(405, anonymous=401), args="proposal"),
}
# fmt: on


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            child_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            found.extend(_walk(entry, prefix + str(entry.pattern), child_ns))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            found.append((name, prefix + str(entry.pattern)))
    return found


def all_urls() -> list[tuple[str, str]]:
    return [(name, pattern) for name, pattern in _walk(get_resolver()) if not pattern.startswith("media/")]


def test_every_url_is_named_and_in_the_policy():
    missing = []
    for name, pattern in all_urls():
        if not name:
            if not pattern.startswith(
                "admin/"
            ):  # the admin's own unnamed redirects are covered by admin rules
                missing.append(f"(unnamed) {pattern}")
        elif not name.startswith("admin:") and name not in POLICY:
            missing.append(f"{name} {pattern}")
    assert missing == [], "URLs without an authorization policy:\n" + "\n".join(sorted(missing))


def test_policy_names_only_existing_urls():
    names = {name for name, _ in all_urls()}
    assert sorted(set(POLICY) - names) == []


@pytest.fixture
def objects(world) -> dict[str, Any]:
    """One record of every kind, owned by body A."""
    accreditation = AccreditationFactory(body=world.a.body)
    token, _secret = api_token_create(
        body=world.a.body,
        actor=world.a.admin,
        name="Registry sync",
        scopes={"bodies": "read"},
        expires_at=timezone.now() + timedelta(days=30),
    )
    membership_a = Membership.objects.get(body=world.a.body, user=world.a.member)
    with transaction.atomic():
        document = document_request(
            kind="competence.person_record", subject=membership_a, body=world.a.body, actor=world.a.admin
        )
    document = document_render(document_id=document.pk)
    deadline = deadline_upsert(
        kind="bodies.accreditation_expiry",
        subject=accreditation,
        body=world.a.body,
        due_on=accreditation.valid_to + timedelta(days=1),
    )
    notification = notification_create(
        user=world.a.admin,
        key="matrix-test",
        kind="test",
        title="Hello",
        message="For body A",
        body=world.a.body,
    )
    record = CompetenceRecordFactory(membership__body=world.a.body)
    batch = competence_import_preview(
        body=world.a.body,
        actor=world.a.admin,
        upload=SimpleUploadedFile("people.csv", b"email,full_name\nnew.person@example.org,New Person\n"),
    ).batch
    evidence = evidence_add(
        record=record,
        actor=world.a.admin,
        description="Lead auditor course certificate",
        upload=SimpleUploadedFile("certificate.pdf", b"%PDF-1.7 certificate", content_type="application/pdf"),
    )
    extra: dict[str, Any] = {}
    for key, builder in OBJECT_BUILDERS.items():
        extra[key] = builder(world)
    event = AuditEvent.objects.filter(body=world.a.body).first()
    return {
        "body": world.a.body,
        "accreditation": accreditation,
        "token": token,
        "token_uuid": token.uuid,
        "audit_event": event,
        "document": document,
        "document_number": document.number,
        "deadline": deadline,
        "notification": notification,
        "membership": membership_a,
        "auditor": record.membership,
        "competence_record": record,
        "import_batch": batch,
        "evidence": evidence,
        "evidence_download": {"record_id": record.pk, "id": evidence.pk},
        **extra,
    }


#: more objects, added by capabilities (name → builder(world) returning an object owned by body A)
OBJECT_BUILDERS: dict[str, Any] = {
    "certified_accreditation": lambda world: _certified_accreditation(world),
    "accreditation_body": lambda world: AccreditationBodyFactory(),
    "client_site_record": lambda world: SiteFactory(client=ClientFactory(body=world.a.body)),
    "client_import_batch": lambda world: _client_import_batch(world),
    "client": lambda world: _client_of_client_a(world),
    "client_site": lambda world: _client_site(world),
    "project": lambda world: ProjectFactory(body=world.a.body),
    # --- clients: client users and the client view ---
    "client_user_invited": lambda world: _client_user_invited(world),
    "client_view_project": lambda world: ProjectFactory(
        body=world.a.body, proponent=_client_of_client_a(world)
    ),
    # --- impartiality: declarations, reviews and conflicts ---
    # declarations
    "declaration": lambda world: _declaration_of_member_a(world),
    "declaration_relationship": lambda world: _declaration_of_member_a(world).relationships.get(),
    "declaration_relationship_kwargs": lambda world: {
        "declaration_id": _declaration_of_member_a(world).pk,
        "id": _declaration_of_member_a(world).relationships.get().pk,
    },
    # conflicts
    "conflict_override": lambda world: _conflict_override(world),
    # --- impartiality: risk registers and committee ---
    "risk": lambda world: _impartiality_record(world, "risk"),
    "committee_meeting": lambda world: _impartiality_record(world, "meeting"),
    "committee_action": lambda world: _impartiality_record(world, "action"),
    # --- audits: engagements and teams ---
    "engagement": lambda world: _engagement_of_a(world),
    "engagement_team_member_portal_kwargs": lambda world: {
        "pk": _engagement_of_a(world).pk,
        "member": _engagement_of_a(world).team.get().pk,
    },
    "engagement_plan_kwargs": lambda world: {"pk": _engagement_of_a(world).pk, "action": "plan"},
    "engagement_pdf_kwargs": lambda world: {"pk": _engagement_of_a(world).pk, "document": "report"},
    "engagement_team_member_kwargs": lambda world: {
        "engagement_id": _engagement_of_a(world).pk,
        "id": _engagement_of_a(world).team.get().pk,
    },
    # --- audits: findings ---
    "finding_engagement": lambda world: _finding_of_a(world).engagement,
    "finding": lambda world: _finding_of_a(world),
    "finding_file_kwargs": lambda world: {
        "pk": _finding_of_a(world).pk,
        "file_id": _finding_file_of_a(world).pk,
    },
    "client_finding_file_kwargs": lambda world: {
        "finding_id": _finding_of_a(world).pk,
        "pk": _finding_file_of_a(world).pk,
    },
    "api_finding_file_kwargs": lambda world: {
        "id": _finding_of_a(world).pk,
        "file_id": _finding_file_of_a(world).pk,
    },
    # --- webhooks ---
    "webhook_subscription": lambda world: _webhook_subscription_of_a(world),
    "webhook_delivery": lambda world: _webhook_delivery_of_a(world),
    # --- certification: public verification, CertSearch, the client view ---
    "certificate_token": lambda world: _certificate_of_client_a(world).token,
    "certificate_of_client_a": lambda world: _certificate_of_client_a(world),
    "certificate_pdf_kwargs": lambda world: {
        "document": "certificate",
        "pk": _certificate_of_client_a(world).pk,
    },
    "statement_of_client_a": lambda world: _statement_of_client_a(world),
    # --- certification: reviews, decisions, statements, numbering ---
    "review_engagement": lambda world: _review_of_a(world).engagement,
    "review": lambda world: _review_of_a(world),
    "review_comment_kwargs": lambda world: {
        "pk": _review_of_a(world).engagement_id,
        "comment": _review_of_a(world).comments.get().pk,
    },
    "decision": lambda world: _decision_of_a(world),
    "numbering": lambda world: _numbering_of_a(world),
    # --- certification: certificates, programme and proposals ---
    "certificate": lambda world: _certificate_of_a(world),
    "certificate_version_kwargs": lambda world: {"pk": _certificate_of_a(world).pk, "version": 1},
    "programme_due": lambda world: _certificate_of_a(world).programme.order_by("due_on").first(),
    "proposal": lambda world: _proposal_of_a(world),
}


def _webhook_subscription_of_a(world) -> Any:  # type: ignore[no-untyped-def]
    """Body A's subscription to a loopback receiver, made once per test (a row: no capability may have declared
    an event yet, and the walk sends nothing)."""
    from django.utils import timezone as tz

    from webhooks.models import WebhookSubscription
    from webhooks.signing import secret_encrypt, secret_generate

    found = WebhookSubscription.objects.filter(description="matrix").first()
    if found is None:
        found = WebhookSubscription.objects.create(
            body=world.a.body,
            url="http://127.0.0.1:9/hook",
            events=["webhook.ping"],
            description="matrix",
            secret_encrypted=secret_encrypt(secret_generate()),
            secret_rotated_at=tz.now(),
            created_by=world.a.admin,
        )
    return found


def _webhook_delivery_of_a(world) -> Any:  # type: ignore[no-untyped-def]
    """A ping's delivery to that subscription (pending; nothing is sent in the walk)."""
    from webhooks.models import WebhookDelivery
    from webhooks.services import event_write

    subscription = _webhook_subscription_of_a(world)
    found = WebhookDelivery.objects.filter(subscription=subscription).first()
    if found is None:
        _event, (found,) = event_write(
            body=world.a.body,
            event="webhook.ping",
            payload={"message": "matrix"},
            subscriptions=[subscription],
        )
    return found


def _engagement_of_a(world) -> Any:  # type: ignore[no-untyped-def]
    """A planned verification of body A with member A as its lead auditor (granted it, as the service does)."""
    from audits.models import Engagement
    from core.grants import object_grant
    from tests.factories import EngagementFactory, TeamMemberFactory

    found = Engagement.objects.filter(reference="ENG-MATRIX-1").first()
    if found is None:
        found = EngagementFactory(body=world.a.body, reference="ENG-MATRIX-1", status="planned")
        TeamMemberFactory(
            engagement=found,
            membership=Membership.objects.get(user=world.a.member, body=world.a.body),
            role="lead_auditor",
        )
        object_grant(obj=found, user=world.a.member, actor=world.a.admin)
    return found


def _finding_of_a(world) -> Any:  # type: ignore[no-untyped-def]
    """An open CL on an engagement in progress of body A for client_a's client, member A its lead auditor."""
    from audits.models import Finding
    from tests.factories import EngagementFactory, FindingFactory, TeamMemberFactory

    found = Finding.objects.filter(clause="matrix 1.1").select_related("engagement").first()
    if found is None:
        client = _client_of_client_a(world)
        engagement = EngagementFactory(
            body=world.a.body, client=client, project__proponent=client, status="in_progress"
        )
        TeamMemberFactory(
            engagement=engagement,
            membership=Membership.objects.get(user=world.a.member, body=world.a.body),
            role="lead_auditor",
        )
        found = FindingFactory(engagement=engagement, number=1, clause="matrix 1.1")
    return found


def _finding_file_of_a(world) -> Any:  # type: ignore[no-untyped-def]
    """The team's evidence file on that finding."""
    from audits.services import finding_evidence_add

    finding = _finding_of_a(world)
    existing = finding.files.first()
    if existing is not None:
        return existing
    return finding_evidence_add(
        finding=finding,
        actor=world.a.member,
        upload=SimpleUploadedFile("evidence.pdf", b"%PDF-1.7 evidence", content_type="application/pdf"),
    )


CLIENT_A_EMAIL = "client.a@client.example"


def _client_of_client_a(world) -> Any:  # type: ignore[no-untyped-def]
    """The client of body A whose active client user is the `client_a` role (made once per test)."""
    from clients.models import ClientUser

    found = ClientUser.objects.filter(user__email=CLIENT_A_EMAIL).select_related("client").first()
    if found is None:
        found = ClientUserFactory(
            client__body=world.a.body, user=UserFactory(email=CLIENT_A_EMAIL, full_name="Client A Person")
        )
    return found.client


def _client_user_invited(world) -> Any:  # type: ignore[no-untyped-def]
    """An open invitation to the client view of a client of body A."""
    return ClientUserFactory(
        client=_client_of_client_a(world),
        user=None,
        email="invited@client.example",
        status="invited",
        accepted_at=None,
        token_hash="0" * 64,
    )


def _client_site(world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A site of a client of body A, as the URL's keyword arguments."""
    site = SiteFactory(client=ClientFactory(body=world.a.body))
    return {"client_id": site.client_id, "id": site.pk}


def _client_import_batch(world) -> Any:  # type: ignore[no-untyped-def]
    """A previewed client import of body A."""
    from clients.importing import client_import_preview

    return client_import_preview(
        body=world.a.body,
        actor=world.a.admin,
        upload=SimpleUploadedFile(
            "clients.csv",
            b"legal_name,country,contact_name,contact_email\nHekla hf.,IS,Sigrun,sigrun@hekla.example\n",
        ),
    ).batch


def _certified_accreditation(world) -> Any:  # type: ignore[no-untyped-def]
    """An accreditation of body A with its certificate (PDF) attached."""
    from django.core.files.base import ContentFile

    accreditation = AccreditationFactory(body=world.a.body)
    accreditation.certificate.save("certificate.pdf", ContentFile(b"%PDF-1.7 certificate"))
    return accreditation


def _declaration_of_member_a(world) -> Any:  # type: ignore[no-untyped-def]
    """Member A's submitted annual declaration in body A, with one relationship (made once per test)."""
    from impartiality.models import Declaration
    from tests.factories import DeclarationFactory, RelationshipFactory

    found = Declaration.objects.filter(declarant=world.a.member).first()
    if found is None:
        found = DeclarationFactory(membership=Membership.objects.get(user=world.a.member, body=world.a.body))
        RelationshipFactory(declaration=found)
    return found


def _conflict_override(world) -> Any:  # type: ignore[no-untyped-def]
    """An override (by Admin A) of a conflict of another person of body A (not member A's own)."""
    from tests.factories import ConflictOverrideFactory, MembershipFactory

    return ConflictOverrideFactory(
        membership=MembershipFactory(body=world.a.body), overridden_by=world.a.admin
    )


def _users(world) -> dict[str, Any]:
    from accounts.models import User

    return {
        "client_a": User.objects.filter(email=CLIENT_A_EMAIL).first(),
        "anonymous": None,
        "member_a": world.a.member,
        "admin_a": world.a.admin,
        "member_b": world.b.member,
        "admin_b": world.b.admin,
        "staff": world.staff,
    }


def _arg_value(obj: Any) -> Any:
    return getattr(obj, "pk", obj)


def _admin_expectation(name: str, role: str) -> set[int]:
    if name == "admin:login":
        return {302} if role == "staff" else {200}  # the login form itself is public
    if role != "staff":
        return {302}  # non-staff never get past the admin login
    suffix = name.split(":", 1)[1]
    if suffix.startswith("auth_group"):
        return {403}  # groups are the superuser's business
    if suffix in {"logout"}:
        return {405}
    if suffix in {"login"}:
        return {302}
    if suffix == "autocomplete":
        return {403}  # without its query parameters the autocomplete view refuses
    if suffix.endswith("_add"):
        return {200, 403}  # some models are never added in the back office
    if suffix.endswith("_delete"):
        return {200, 403}  # audit events, bodies, accreditations are never deleted
    if suffix == "view_on_site":
        return {302, 404}
    return {200}


def _admin_args(name: str, pattern: str, objects: dict[str, Any], world) -> list[Any] | None:
    if "<" not in pattern:
        return []
    suffix = name.split(":", 1)[1]
    if suffix == "app_list":
        return ["bodies"]
    if suffix == "view_on_site" or suffix == "password_change" or "user_password" in suffix:
        return None  # covered by their own tests
    for candidate in ("_change", "_delete", "_history", "_decide", "_agreement", "_verify"):
        if suffix.endswith(candidate):
            model_key = suffix[: -len(candidate)]
            obj = _admin_object(model_key, objects, world)
            return [obj.pk] if obj is not None else None
    return None


def _admin_object(model_key: str, objects: dict[str, Any], world) -> Any:
    from django.apps import apps

    app_label, _, model_name = model_key.partition("_")
    # model names never contain "_" in Django's admin URL names
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    from django.contrib import admin
    from django.test import RequestFactory

    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        return None
    request = RequestFactory().get("/")
    request.user = world.staff
    return model_admin.get_queryset(request).first()


@pytest.mark.django_db
def test_get_matrix(world, objects, client):
    users = _users(world)
    before_events = AuditEvent.objects.count()
    before_body = Body.objects.values("status", "contact_phone").get(pk=world.a.body.pk)
    failures: list[str] = []
    checked = 0
    urls = [(name, pattern) for name, pattern in all_urls() if name]
    # role by role, one login each: a GET changes nothing (checked below), so the session carries no state from one
    # URL to the next that a fresh login would not (logging in again for each of ~4,000 requests cost a third of the
    # test's time)
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        for name, pattern in urls:
            if name.startswith("admin:"):
                args = _admin_args(name, pattern, objects, world)
                if args is None:
                    continue
                url = reverse(name, args=args)
                expected = _admin_expectation(name, role)
            else:
                rule = POLICY[name]
                url = rule.reverse_in(name, objects)
                expected = {rule.get[role]}
            status = client.get(url).status_code
            checked += 1
            if status not in expected:
                failures.append(f"{role:<9} GET {url:<60} → {status}, expected {sorted(expected)}  [{name}]")
    assert failures == [], "\n".join(failures)
    assert checked > 100
    # and nothing changed
    assert AuditEvent.objects.count() == before_events
    assert Body.objects.values("status", "contact_phone").get(pk=world.a.body.pk) == before_body


@pytest.mark.django_db
def test_other_tenant_cannot_change_body_a_through_any_post(world, objects, client):
    """Every non-admin URL that takes one of body A's records answers 404 to body B's people on POST."""
    before_events = AuditEvent.objects.count()
    failures = []
    for role_user in (world.b.admin, world.b.member):
        client.force_login(role_user)
        for name, rule in POLICY.items():
            if not (rule.args or rule.kwargs_from):
                continue
            url = rule.reverse_in(name, objects)
            response = client.post(url, {"reason": "x", "action": "withdraw"})
            if response.status_code not in (404, 405):
                failures.append(f"{role_user.email} POST {url} → {response.status_code} [{name}]")
    assert failures == [], "\n".join(failures)
    assert AuditEvent.objects.count() == before_events


def test_body_factory_builds_an_approved_body(db):
    assert BodyFactory().status == Body.Status.APPROVED


def _impartiality_record(world, kind: str) -> Any:  # type: ignore[no-untyped-def]
    """A risk of body A's register (owned by another member), a committee meeting, or an action of one (owned by
    another member, so member_a may not mark it done)."""
    from tests.factories import (
        CommitteeActionFactory,
        CommitteeMeetingFactory,
        MembershipFactory,
        RiskFactory,
    )

    if kind == "risk":
        return RiskFactory(owner=MembershipFactory(body=world.a.body))
    if kind == "meeting":
        return CommitteeMeetingFactory(body=world.a.body)
    return CommitteeActionFactory(meeting__body=world.a.body)


# --- certification: public verification, CertSearch, the client view ---


def _certificate_of_client_a(world) -> Any:  # type: ignore[no-untyped-def]
    """A valid certificate of body A for client A's organisation (the client view's), made once per test."""
    from certification.models import Certificate
    from tests.factories import CertificateFactory

    client = _client_of_client_a(world)
    found = Certificate.objects.filter(client=client).first()
    return found or CertificateFactory(engagement__body=world.a.body, engagement__client=client)


# --- certification: reviews, decisions, statements, numbering ---


def _review_of_a(world) -> Any:  # type: ignore[no-untyped-def]
    """An engagement of body A under review (member_a not on its team), its review opened with one comment."""
    from certification.models import Review
    from certification.services.reviews import review_comment_add, review_open
    from tests.factories import review_setup

    found = Review.objects.filter(body=world.a.body).first()
    if found is not None:
        return found
    setup = review_setup(body=world.a.body)
    review = review_open(engagement=setup.engagement, actor=setup.reviewer)
    review_comment_add(review=review, actor=setup.reviewer, text="Matrix comment")
    return review


def _decision_of_a(world) -> Any:  # type: ignore[no-untyped-def]
    """An adverse opinion of body A on a verification awaiting its decision (its statement issued)."""
    from certification.models import Decision
    from certification.services.decisions import decision_record
    from tests.factories import review_setup

    found = Decision.objects.filter(body=world.a.body, rationale="Matrix opinion").first()
    if found is not None:
        return found
    setup = review_setup(status="awaiting_decision", body=world.a.body)
    return decision_record(
        kind="adverse_opinion", actor=setup.decider, rationale="Matrix opinion", engagement=setup.engagement
    )


def _numbering_of_a(world) -> Any:  # type: ignore[no-untyped-def]
    from certification.services.numbering import numbering_set

    return numbering_set(body=world.a.body, kind="statement", pattern="A-ST-{seq:04d}", actor=world.a.admin)


# --- certification: certificates, programme and proposals ---


def _certificate_of_a(world) -> Any:  # type: ignore[no-untyped-def]
    """A certificate of body A issued by a grant (version 1, its programme), made once per test."""
    from datetime import date

    from certification.models import Certificate, Decision
    from certification.services.certificates import certificate_issue
    from tests.factories import EngagementFactory, MembershipFactory, ms_engagement_kwargs

    found = Certificate.objects.filter(scope="Matrix scope").first()
    if found is not None:
        return found
    engagement = EngagementFactory(
        body=world.a.body,
        status="awaiting_decision",
        scope="Matrix scope",
        **ms_engagement_kwargs(world.a.body, "stage_2"),
    )
    decider = MembershipFactory(body=world.a.body, roles=["decision_maker"])
    decision = Decision.objects.create(
        body=world.a.body,
        kind="grant",
        engagement=engagement,
        rationale="Matrix",
        decided_on=date(2026, 3, 15),
        decided_by=decider,
    )
    with transaction.atomic():
        return certificate_issue(decision=decision, actor=decider.user)


def _proposal_of_a(world) -> Any:  # type: ignore[no-untyped-def]
    from tests.factories import ProposalFactory

    return ProposalFactory(certificate=_certificate_of_a(world))


def _statement_of_client_a(world) -> Any:  # type: ignore[no-untyped-def]
    """An issued verification statement of body A on an engagement of client A's organisation."""
    from certification.models import Statement
    from tests.factories import StatementFactory

    client = _client_of_client_a(world)
    found = Statement.objects.filter(engagement__client=client).first()
    return found or StatementFactory(engagement__body=world.a.body, engagement__client=client)
