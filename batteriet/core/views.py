from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from batteriet.centres import selectors as centre_selectors


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"centres": centre_selectors.centre_list()})


@require_safe
def who_we_serve(request: HttpRequest) -> HttpResponse:
    return render(request, "core/who_we_serve.html")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
