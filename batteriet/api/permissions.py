"""Who may see and withdraw an API key: only the person it belongs to."""

from django.http import Http404

from batteriet.api.models import ApiToken


def get_token_for_revoke(user, pk: int) -> ApiToken:
    """One of the user's own active keys, or 404: another person's key is never revealed."""
    token = ApiToken.objects.filter(pk=pk, user_id=user.pk, revoked_at__isnull=True).first()
    if token is None:
        raise Http404
    return token
