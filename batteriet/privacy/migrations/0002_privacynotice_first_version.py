import datetime

from django.db import migrations

BODY_NB = """Batteriet er en del av Kirkens Bymisjon. Vi tar vare på personopplysningene dine etter personvernforordningen (GDPR) og norsk lov.

Hva vi lagrer om deg: navnet ditt, e-postadressen din, hvilke organisasjoner du er med i og hvilken rolle du har der, og når du har signert avtaler på vegne av en organisasjon. Hvis du vil starte en gruppe, lagrer vi det du skriver om ideen din.

Hva vi ikke lagrer: fødselsnummer, helseopplysninger, diagnoser eller opplysninger om straff. Hvem en organisasjon jobber for (for eksempel tidligere innsatte), lagres på organisasjonen, aldri på deg som person.

Hvorfor: for at du skal kunne logge inn, handle på vegne av organisasjonen din, låne lokaler og utstyr, og for at sentrene skal kunne rapportere om aktiviteten sin (bare tall, aldri navn).

Hvor lenge: så lenge du har en konto. Avtaler og endringslogg oppbevares i fem år av hensyn til dokumentasjon.

Dine rettigheter: Du kan se, rette og slette opplysningene dine, og få dem utlevert. Kontakt senteret ditt eller personvernombudet i Kirkens Bymisjon. Du kan også klage til Datatilsynet."""

BODY_EN = """Batteriet is part of Kirkens Bymisjon. We look after your personal data under the General Data Protection Regulation (GDPR) and Norwegian law.

What we store about you: your name, your e-mail address, which organisations you belong to and your role there, and when you signed agreements on behalf of an organisation. If you want to start a group, we store what you write about your idea.

What we do not store: national identity numbers, health information, diagnoses or criminal records. Who an organisation works for (for example former inmates) is stored on the organisation, never on you as a person.

Why: so that you can log in, act on behalf of your organisation, borrow rooms and equipment, and so that the centres can report on their activity (numbers only, never names).

For how long: as long as you have an account. Agreements and the change log are kept for five years for documentation.

Your rights: you can see, correct and erase your data, and get a copy of it. Contact your centre or the data protection officer at Kirkens Bymisjon. You can also complain to the Norwegian Data Protection Authority (Datatilsynet)."""


def publish(apps, schema_editor):
    PrivacyNotice = apps.get_model("privacy", "PrivacyNotice")
    PrivacyNotice.objects.get_or_create(
        version=1,
        defaults={"published_on": datetime.date(2026, 11, 1), "body_nb": BODY_NB, "body_en": BODY_EN},
    )


def unpublish(apps, schema_editor):
    apps.get_model("privacy", "PrivacyNotice").objects.filter(version=1, consents__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(publish, unpublish)]
