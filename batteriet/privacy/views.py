from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from batteriet.privacy import selectors


@require_safe
def notice(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/notice.html", {"notice": selectors.current_notice()})
