"""Stable error codes of the webhooks engine (returned by the API in `code`)."""

from __future__ import annotations

from core.error_codes import ErrorCode


class WebhooksErrorCode(ErrorCode):
    #: not an http(s) URL, or a URL with credentials in it
    INVALID_URL = "invalid_url"
    #: the URL's host name does not resolve
    UNRESOLVABLE_HOST = "unresolvable_host"
    #: the URL's host resolves to a loopback, private, link-local, multicast or reserved address
    FORBIDDEN_ADDRESS = "forbidden_address"
    #: plain http is accepted only for a loopback address where loopback is allowed
    HTTPS_REQUIRED = "https_required"
    #: a subscription names no event
    EVENTS_REQUIRED = "events_required"
    #: a subscription names an event no capability declared
    UNKNOWN_EVENT = "unknown_event"
    #: a description longer than allowed
    TOO_LONG = "too_long"
    #: the delivery is already waiting to be sent
    DELIVERY_PENDING = "delivery_pending"
    #: the subscription is paused: nothing is sent to it
    SUBSCRIPTION_INACTIVE = "subscription_inactive"
