"""Organisers write to everyone registered for an event or waiting, and see what was sent."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from batteriet.core.errors import RuleViolation
from batteriet.core.forms import posted_data
from batteriet.events import permissions
from batteriet.events.forms_messages import MessageForm
from batteriet.events.models import MessageAudience
from batteriet.events.services import messages as message_services

# The list shows the latest messages; an event rarely has more.
LATEST = 200


@require_http_methods(["GET", "POST"])
@login_required
def staff_message(request: HttpRequest, pk: int) -> HttpResponse:
    event = permissions.get_event_for_organisers(request.user, pk)
    form = MessageForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            sent = message_services.message_send(actor=request.user, event=event, **form.cleaned_data)
        except RuleViolation as violation:
            form.add_rule_violation(violation)
        else:
            text = ngettext(
                "The message is on its way to %(count)d person.",
                "The message is on its way to %(count)d people.",
                sent.recipients,
            ) % {"count": sent.recipients}
            if sent.name_only:
                text += " " + ngettext(
                    "%(count)d person is registered by name only and gets nothing: phone them.",
                    "%(count)d people are registered by name only and get nothing: phone them.",
                    sent.name_only,
                ) % {"count": sent.name_only}
            messages.success(request, text)
            return redirect("events:staff_messages", pk=event.pk)
    reach = message_services.reach(event)
    return render(
        request,
        "events/messages_form.html",
        {
            "event": event,
            "form": form,
            "reach": [(audience.label, reach[audience.value]) for audience in MessageAudience],
        },
    )


@require_safe
@login_required
def staff_messages(request: HttpRequest, pk: int) -> HttpResponse:
    event = permissions.get_event_for_organisers(request.user, pk)
    sent = event.messages.select_related("sent_by")[:LATEST]
    return render(request, "events/messages_list.html", {"event": event, "sent": sent})
