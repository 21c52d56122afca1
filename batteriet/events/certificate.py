"""The course certificate (kursbevis) as a one-page PDF, in the person's language.

Made with fpdf2's core fonts, which cover Norwegian letters through latin-1; anything
outside latin-1 is replaced so an unusual character in a name never breaks the PDF.
"""

from django.utils import formats, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from batteriet.core import time as clock
from batteriet.events.services.certificates import CertificateData

_SUBSTITUTES = {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "\u00a0": " "}


def _latin1(text: str) -> str:
    for character, substitute in _SUBSTITUTES.items():
        text = text.replace(character, substitute)
    return text.encode("latin-1", "replace").decode("latin-1")


def _day(moment) -> str:
    return formats.date_format(moment.astimezone(clock.OSLO).date(), "DATE_FORMAT")


def _dates(data: CertificateData) -> str:
    first, last = _day(data.starts_at), _day(data.ends_at)
    return first if first == last else f"{first} - {last}"


def certificate_pdf(data: CertificateData) -> bytes:
    """A dignified one-page certificate: heading, name, course, dates, sessions, organisers."""
    with translation.override(data.language):
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.set_title(_latin1(_("Certificate of participation")))
        pdf.set_author("Batteriet")
        pdf.set_margins(25, 30, 25)
        pdf.add_page()
        width = pdf.w - pdf.l_margin - pdf.r_margin

        def line(text: str, *, size: float, style: str = "", space: float = 4, align: str = "C") -> None:
            pdf.set_font("Helvetica", style=style, size=size)
            pdf.multi_cell(width, size * 0.5, _latin1(text), align=align, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(space)

        line(_("Course certificate"), size=30, style="B", space=2)
        line(_("Certificate of participation"), size=14, space=16)
        line(_("This is to confirm that"), size=12, space=4)
        line(data.name, size=22, style="B", space=8)
        line(_("took part in the course"), size=12, space=4)
        line(data.title, size=18, style="B", space=4)
        line(_dates(data), size=12, space=12)

        line(_("Sessions attended"), size=12, style="B", space=2, align="L")
        for session in data.sessions:
            line(f"- {_day(session.starts_at)}: {session.title}", size=11, space=0, align="L")
        pdf.ln(8)
        line(_("Organised by"), size=12, style="B", space=2, align="L")
        line(", ".join(data.centres) or _("Batteriet, nationally"), size=11, space=12, align="L")
        line(
            _("Issued %(day)s") % {"day": formats.date_format(data.issued_on, "DATE_FORMAT")},
            size=11,
            space=0,
            align="L",
        )
        line("Batteriet", size=11, style="B", space=0, align="L")
        return bytes(pdf.output())
