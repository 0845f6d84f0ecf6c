"""A calendar file (.ics) for one meeting of an engagement, with its joining link; or the
notice that takes it out of a calendar (``METHOD:CANCEL``, the same UID, a higher SEQUENCE)."""

import datetime as dt
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vText

from core.validators import LINE_BREAK, is_one_line
from facilitation.models import Meeting


def _text(value: str) -> vText:
    """A TEXT value whatever it holds (line breaks escaped, as ``cohorts.ics`` does)."""
    return vText(LINE_BREAK.sub("\n", value))


def meeting_calendar(*, meeting: Meeting, cancel: bool = False, attendee: str = "") -> bytes:
    """An iCalendar file with ``meeting`` as one event. Its SEQUENCE is the meeting's
    (``Meeting.sequence``, raised by each change, removal and the cancellation), so a
    calendar that has the event already updates it instead of adding another.

    ``cancel``: the notice that takes the event out of ``attendee``'s calendar (the meeting
    is cancelled, or they are no longer invited): ``METHOD:CANCEL``, ``STATUS:CANCELLED``."""
    zone = ZoneInfo(settings.TIME_ZONE)
    session = meeting.workshop
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.LINK_SHORT_NAME}//Link Programme facilitation//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "PUBLISH")
    event = Event()
    event.add("uid", f"link-meeting-{meeting.pk}@linkprogramme")
    event.add("sequence", meeting.sequence)
    organiser = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    if organiser:
        event.add("organizer", f"mailto:{organiser}")
    if cancel:
        event.add("status", "CANCELLED")
        if attendee:
            event.add("attendee", f"mailto:{attendee}")
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("dtstart", dt.datetime.combine(session.date, session.start_time, zone))
    event.add("dtend", dt.datetime.combine(session.date, session.end_time, zone))
    event.add(
        "summary",
        _text(f"{settings.LINK_SHORT_NAME}: {meeting.get_kind_display()} ({meeting.engagement})"),
    )
    description = [settings.LINK_PROGRAMME_NAME, meeting.get_kind_display() + ", online."]
    link = meeting.joining_link
    if link:
        event.add("location", _text(link))
        if is_one_line(link):
            event.add("url", link)
        description.append(f"Join online: {link}")
    if meeting.agenda:
        description.append(f"Agenda:\n{meeting.agenda}")
    event.add("description", _text("\n".join(description)))
    calendar.add_component(event)
    return calendar.to_ical()
