"""Writes for guidance, one module per area; each function is one use case in one
durable transaction, keyword-only with `actor` first, writes its audit entry and raises
`RuleViolation` (with a stable code) when a rule says no.

- `appointments`: asking for guidance, booking a free time, staff proposing a time,
  accepting or declining it, cancelling, withdrawing a request that waits, rescheduling,
  handing over and referring out.
  Every write that claims an adviser's time goes through `appointments._claim`, which
  locks the adviser's user row first (the invariant: an adviser is never booked twice).
- `availability`: advisers' weekly times and absences (never overlapping for one adviser;
  nothing booked is cancelled by them).
- `records`, `notes`, `dropins`, `retention`: session records and follow-ups, confidential
  notes with their read log, drop-ins, and the deletion of stale notes.
- `reminders`, `evaluation`: the reminder the day before, and the anonymous evaluation
  after a session (a one-time link; only the centre and the day are stored).
"""
