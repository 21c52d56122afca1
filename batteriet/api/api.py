"""The JSON API at /api/v1/: one router per domain, one error shape, two ways to log in.

The OpenAPI schema is at /api/v1/openapi.json. The interactive docs pages are off: they
load scripts from a CDN, which our Content-Security-Policy forbids. See docs/api.md.
"""

from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router

from batteriet.api import auth, bookings, centres, errors, events

api = NinjaAPI(
    title="Batteriet API",
    version="1",
    description="Centres, resources, availability, bookings, and courses and events. See docs/api.md.",
    urls_namespace="api",
    docs_url=None,
    auth=[auth.TokenAuth(), auth.SessionAuth()],
)
errors.install(api)


def _keep_language(run):
    """Authentication switches to the person's language; switch back when the answer is made."""

    def wrapper(request, *args, **kwargs):
        with translation.override(translation.get_language()):
            response = run(request, *args, **kwargs)
            response.headers.setdefault("Content-Language", translation.get_language())
        return response

    return wrapper


api.add_decorator(_keep_language, mode="view")
api.add_router("", centres.router)
api.add_router("", bookings.router)
api.add_router("", events.router)

# Last: any other address under /api/v1/ answers 404 in the same JSON shape.
fallback = Router()


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def not_found(request: HttpRequest, rest: str):
    raise Http404


api.add_router("", fallback)


def not_found_outside_routes(request: HttpRequest):
    """Addresses under /api/v1/ that no route can even parse (a line break in the path,
    say) answer the same JSON 404. Mounted in config/urls.py right after the API."""
    return errors.error_response(api, request, 404, "not_found", _("Not found, or you cannot see it."))
