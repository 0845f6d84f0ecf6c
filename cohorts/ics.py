"""Calendar files (.ics) for the two workshop days: a school's attendee's, a professional's.

Names and venues are one line now, but older rows may hold line breaks: every text value
goes through ``_text``, so the file escapes them rather than failing to be made.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vText

from cohorts.models import Place
from core.validators import LINE_BREAK, is_one_line


def _text(value: str) -> vText:
    """A TEXT value whatever it holds: each kind of line break becomes an escaped newline
    (icalendar refuses a raw one in a property it has no type for, such as X-WR-CALNAME)."""
    return vText(LINE_BREAK.sub("\n", value))


def place_calendar(*, place: Place, workshops) -> bytes:
    """An iCalendar file with one event per workshop day of ``place``'s cohort."""
    return _calendar(cohort=place.cohort, uid=f"link-place-{place.pk}", workshops=workshops)


def professional_calendar(*, professional, cohort, workshops) -> bytes:
    """The same file for a professional attending ``cohort`` (their own event ids, so their
    calendar updates its events when a changed day is sent again)."""
    return _calendar(cohort=cohort, uid=f"link-professional-{professional.pk}", workshops=workshops)


def _calendar(*, cohort, uid: str, workshops) -> bytes:
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.LINK_SHORT_NAME}//Link Programme workshops//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _text(f"{settings.LINK_SHORT_NAME}: {cohort.name}"))
    stamp = dt.datetime.now(dt.UTC)
    for workshop in workshops:
        event = Event()
        event.add("uid", f"{uid}-workshop-{workshop.pk}@linkprogramme")
        event.add("dtstamp", stamp)
        event.add("dtstart", dt.datetime.combine(workshop.date, workshop.start_time, zone))
        event.add("dtend", dt.datetime.combine(workshop.date, workshop.end_time, zone))
        summary = f"{settings.LINK_SHORT_NAME} workshop {workshop.day} of 2: {cohort}"
        event.add("summary", _text(summary))
        location = workshop.location
        if location:
            event.add("location", _text(location))
        description = [settings.LINK_PROGRAMME_NAME, f"Workshop {workshop.day} of 2 (whole day)."]
        if workshop.is_online and location:
            if is_one_line(location):  # a URI cannot be escaped; the description keeps it
                event.add("url", location)
            description.append(f"Join online: {location}")
        event.add("description", _text("\n".join(description)))
        calendar.add_component(event)
    return calendar.to_ical()
