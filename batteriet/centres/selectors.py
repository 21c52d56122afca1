from django.db.models import Prefetch, QuerySet

from batteriet.centres.models import AgreementText, Centre, OpeningHours, StaffAssignment, StaffRole


def centre_list() -> QuerySet[Centre]:
    return Centre.objects.order_by("name")


def centre_with_hours(slug: str) -> Centre | None:
    return (
        Centre.objects.prefetch_related(
            Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at"))
        )
        .filter(slug=slug)
        .first()
    )


def current_agreement_text(centre: Centre) -> AgreementText | None:
    return AgreementText.objects.filter(centre=centre).order_by("-version").first()


def staff_emails(centre: Centre) -> list[str]:
    """Where to send notices for a centre: its own address and its staff."""
    staff = StaffAssignment.objects.filter(
        centre=centre, role__in=[StaffRole.LEAD, StaffRole.ADVISER]
    ).values_list("user__email", flat=True)
    return [centre.email, *staff]
