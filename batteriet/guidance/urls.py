"""Every URL of the guidance app, one list per area (each in urls_<area>.py)."""

from batteriet.guidance import urls_ask, urls_availability, urls_evaluation, urls_records, urls_triage

app_name = "guidance"
urlpatterns = [
    *urls_ask.urlpatterns,  # asking for guidance, my guidance, answering a proposed time, moving, cancelling
    *urls_triage.urlpatterns,  # staff: the queue, proposing times, handing over, referring
    *urls_availability.urlpatterns,  # staff: weekly availability, absences, drop-ins, figures
    *urls_records.urlpatterns,  # staff: session records, follow-ups, notes and their read log; the journey
    *urls_evaluation.urlpatterns,  # the anonymous evaluation after a session and its results
]
