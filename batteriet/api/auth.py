"""How a request proves who it is: a logged-in session or a personal API key.

A key comes as `Authorization: Bearer <key>`. A request that sends a key is judged by
the key alone: an unknown or withdrawn key is refused (401) even if a session cookie
came along. A session is accepted only with Django's CSRF check on unsafe methods, so
another site cannot make a logged-in browser book in its name.

Once the person is known, the API speaks their language (`User.language`).
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from batteriet.accounts import selectors as account_selectors
from batteriet.accounts.models import User
from batteriet.api import selectors, services
from batteriet.api.errors import CsrfFailed


class BadToken(AuthenticationError):
    """A key was sent, but it is unknown or withdrawn."""


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>` with a personal API key."""

    def __call__(self, request: HttpRequest) -> User | None:
        header = request.headers.get(self.header, "")
        scheme, _space, secret = header.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        found = selectors.api_token_for_secret(token) if token else None
        if found is None or _must_use_two_factor(found.user):
            raise BadToken()
        services.api_token_mark_used(token=found)
        request.user = found.user
        return _speaking_their_language(found.user)


class SessionAuth(APIKeyCookie):
    """The browser session of a logged-in person, with Django's CSRF check."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed()
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if not request.user.is_authenticated:
            return None
        return _speaking_their_language(request.user)


def _must_use_two_factor(user: User) -> bool:
    """Staff must use two-factor on the site; a key of theirs works only once they have it."""
    return account_selectors.needs_two_factor(user) and not account_selectors.has_two_factor(user)


def _speaking_their_language(user: User) -> User:
    if user.language in dict(settings.LANGUAGES):
        translation.activate(user.language)
    return user
