from django.db import transaction

from batteriet.accounts.models import User
from batteriet.centres.models import AgreementText, Centre
from batteriet.core import audit


def agreement_text_publish(
    *, actor: User, centre: Centre, body_nb: str, body_en: str, validity_months: int
) -> AgreementText:
    """Publish a new version of a centre's agreement text. Signed agreements keep theirs."""
    with transaction.atomic(durable=True):
        centre = Centre.objects.select_for_update().get(pk=centre.pk)
        latest = AgreementText.objects.filter(centre=centre).order_by("-version").first()
        text = AgreementText(
            centre=centre,
            version=(latest.version + 1) if latest else 1,
            body_nb=body_nb.strip(),
            body_en=body_en.strip(),
            validity_months=validity_months,
            created_by=actor,
        )
        text.full_clean()
        text.save()
        audit.record(
            actor=actor,
            action="agreement_text.published",
            obj=text,
            scope=audit.scope_for(centre),
            changes={"version": text.version},
        )
    return text
