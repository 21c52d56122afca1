"""One JSON shape for every error, with messages in the person's language.

    {"code": "booking_conflict", "message": "...", "field": null, "errors": [],
     "clash": {"starts_at": "...", "ends_at": "..."}}

`code` is stable (programs branch on it), `message` is for people, `field` names the
input a rule complained about, `errors` lists every invalid input (field and message)
and `clash` is there only for a booking conflict (409).
"""

import datetime as dt
import logging
from functools import partial
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from batteriet.bookings import rules as booking_rules
from batteriet.core import time as clock
from batteriet.core.errors import RuleViolation

logger = logging.getLogger(__name__)

FORBIDDEN_CODES = {"not_allowed"}


class FieldError(Schema):
    field: str
    message: str


class Interval(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime


class Error(Schema):
    code: str
    message: str
    field: str | None = None
    errors: list[FieldError] = []
    clash: Interval | None = None


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


def documented(*statuses: int) -> dict[int, type[Error]]:
    """Error answers for an operation's OpenAPI description; 401 and 422 are always possible."""
    return dict.fromkeys(sorted({401, 422, *statuses}), Error)


def install(api: NinjaAPI) -> None:
    """Replace django-ninja's default handlers with ours."""
    for exception, handler in (
        (RuleViolation, _rule_violation),
        (ValidationError, _invalid_input),
        (AuthenticationError, _not_authenticated),
        (CsrfFailed, _csrf_failed),
        (HttpError, _http_error),
        (Http404, _not_found),
        (Exception, _unexpected),
    ):
        api.add_exception_handler(exception, partial(handler, api=api))


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    body = {"code": code, "message": str(message), "field": None, "errors": [], **extra}
    if body.get("clash") is None:
        body.pop("clash", None)
    return api.create_response(request, body, status=status)


def _rule_violation(request: HttpRequest, exc: RuleViolation, *, api: NinjaAPI) -> HttpResponse:
    if isinstance(exc, booking_rules.BookingConflict):
        clash = None
        if exc.clash_starts_at is not None and exc.clash_ends_at is not None:
            clash = {"starts_at": _oslo(exc.clash_starts_at), "ends_at": _oslo(exc.clash_ends_at)}
        return error_response(api, request, 409, exc.code, exc.message, clash=clash)
    status = 403 if exc.code in FORBIDDEN_CODES else 422
    errors = [{"field": exc.field, "message": str(exc.message)}] if exc.field else []
    return error_response(api, request, status, exc.code, exc.message, field=exc.field, errors=errors)


def _invalid_input(request: HttpRequest, exc: ValidationError, *, api: NinjaAPI) -> HttpResponse:
    errors = [{"field": _field_name(error), "message": _message_for(error)} for error in exc.errors]
    first = errors[0] if errors else {"field": None, "message": ""}
    return error_response(
        api,
        request,
        422,
        "invalid_input",
        _("Some of what was sent is not valid: %(field)s: %(message)s")
        % {"field": first["field"], "message": first["message"]},
        field=first["field"],
        errors=errors,
    )


def _not_authenticated(request: HttpRequest, exc: AuthenticationError, *, api: NinjaAPI) -> HttpResponse:
    response = error_response(
        api,
        request,
        401,
        "not_authenticated",
        _("Log in, or send a personal API key in the header Authorization: Bearer <key>."),
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _csrf_failed(request: HttpRequest, exc: CsrfFailed, *, api: NinjaAPI) -> HttpResponse:
    return error_response(
        api,
        request,
        403,
        "csrf_failed",
        _("The security check failed. Send the X-CSRFToken header, or use an API key."),
    )


def _http_error(request: HttpRequest, exc: HttpError, *, api: NinjaAPI) -> HttpResponse:
    if exc.status_code == 403:
        return error_response(api, request, 403, "not_allowed", _("You are not allowed to do this."))
    if exc.status_code == 400:  # the body is not JSON, or too large to read
        return error_response(api, request, 422, "invalid_json", _("The request body must be a JSON object."))
    return error_response(api, request, exc.status_code, "error", str(exc))


def _not_found(request: HttpRequest, exc: Http404, *, api: NinjaAPI) -> HttpResponse:
    return error_response(api, request, 404, "not_found", _("Not found, or you cannot see it."))


def _unexpected(request: HttpRequest, exc: Exception, *, api: NinjaAPI) -> HttpResponse:
    """The last resort: log it and answer in the same shape, never with a page of HTML."""
    logger.exception("Unexpected error in the API: %s %s", request.method, request.path)
    return error_response(
        api, request, 500, "server_error", _("Something went wrong on our side. Try again later.")
    )


def _oslo(moment: dt.datetime) -> str:
    return moment.astimezone(clock.OSLO).isoformat()


def _field_name(error: dict[str, Any]) -> str:
    """`("body", "payload", "starts_at")` → `starts_at`; `("query", "from")` → `from`."""
    location = [
        str(part) for part in error.get("loc", ()) if part not in {"body", "query", "path", "payload"}
    ]
    return ".".join(location) or "body"


# Pydantic's error types, in words a person can act on.
def _message_for(error: dict[str, Any]) -> str:
    kind, context = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("This is required.")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Write a whole number.")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Must be at least %(limit)s.") % {"limit": context.get("ge", context.get("gt"))}
    if kind in {"less_than_equal", "less_than"}:
        return _("Must be at most %(limit)s.") % {"limit": context.get("le", context.get("lt"))}
    if kind == "timezone_aware":
        return _("Give the time with its offset from UTC, for example 2027-03-02T10:00:00+01:00.")
    if kind.startswith("datetime"):
        return _("Write a date and time like 2027-03-02T10:00:00+01:00.")
    if kind.startswith("date"):
        return _("Write a date like 2027-03-02.")
    if kind == "string_too_long":
        return _("Write at most %(count)s characters.") % {"count": context.get("max_length")}
    if kind.startswith("string"):
        return _("Write text.")
    if kind in {"model_attributes_type", "dict_type", "model_type"}:
        return _("Send a JSON object.")
    if kind == "value_error":
        return str(context.get("error", "")) or _("This value is not valid.")
    return _("This value is not valid.")
