"""The report's deadlines as an iCalendar file (RFC 5545) that calendar programs import.

Written with the `icalendar` library; all-day events, one per due date, with stable UIDs so a re-import updates
rather than duplicates them.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from auditor.models import AuditReport


def to_ics(report: AuditReport) -> bytes:
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", f"-//hmo-audit//{report.tool.version}//EN")
    calendar.add("version", "2.0")
    who = report.submission.hmo_name or "submission"
    events = [(d.due, f"{d.requirement_id} due: {d.title}", f"{d.citation}. {d.rule}. Status: {d.status}.",
               f"{d.checklist}/{d.requirement_id}") for d in report.deadlines if d.due]
    gaps = [f for f in report.findings if f.corrective_action_due]
    if gaps:
        events.append((gaps[0].corrective_action_due, f"Corrective action due for {len(gaps)} gap(s)",
                       "; ".join(f"{f.requirement_id} ({f.citation})" for f in gaps), "corrective-action"))
    for due, summary, description, key in events:
        event = Event()
        uid = hashlib.sha256(f"{who}|{key}".encode()).hexdigest()[:32]
        event.add("uid", f"{uid}@hmo-audit")
        event.add("dtstamp", dt.datetime.combine(report.as_of, dt.time(), tzinfo=dt.UTC))  # stable: the audit date
        event.add("dtstart", due)
        event.add("dtend", due + dt.timedelta(days=1))
        event.add("summary", f"{who}: {summary}")
        event.add("description", description)
        calendar.add_component(event)
    return calendar.to_ical()
