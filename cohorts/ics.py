"""Calendar files (.ics) for a school's two workshop days."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event

from cohorts.models import Place


def place_calendar(*, place: Place, workshops) -> bytes:
    """An iCalendar file with one event per workshop day of ``place``'s cohort."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.LINK_SHORT_NAME}//Link Programme workshops//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{settings.LINK_SHORT_NAME}: {place.cohort.name}")
    stamp = dt.datetime.now(dt.UTC)
    for workshop in workshops:
        event = Event()
        event.add("uid", f"link-place-{place.pk}-workshop-{workshop.pk}@linkprogramme")
        event.add("dtstamp", stamp)
        event.add("dtstart", dt.datetime.combine(workshop.date, workshop.start_time, zone))
        event.add("dtend", dt.datetime.combine(workshop.date, workshop.end_time, zone))
        event.add(
            "summary", f"{settings.LINK_SHORT_NAME} workshop {workshop.day} of 2: {place.cohort}"
        )
        location = workshop.location
        if location:
            event.add("location", location)
        description = [settings.LINK_PROGRAMME_NAME, f"Workshop {workshop.day} of 2 (whole day)."]
        if workshop.is_online and location:
            event.add("url", location)
            description.append(f"Join online: {location}")
        event.add("description", "\n".join(description))
        calendar.add_component(event)
    return calendar.to_ical()
