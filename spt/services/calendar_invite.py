"""The .ics invite of a kennismaking (iCalendar, RFC 5545): one UID, a rising SEQUENCE."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from spt.models import Appointment

ZONE = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class Attendee:
    """Someone invited: the address the invite goes to and the name calendars show."""

    email: str
    name: str


def aware(moment: datetime) -> datetime:
    """A stored time as UTC (SQLite gives it back without a zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def build(appointment: Appointment, *, method: str, summary: str, description: str,
          organizer: str, attendees: list[Attendee], now: datetime) -> str:
    """The invite as text: METHOD REQUEST for a new or moved kennismaking, CANCEL to cancel."""
    start = aware(appointment.starts_at).astimezone(ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//Servicepunt Techniek//SPT Match//NL")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", appointment.uid)
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", aware(now))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=appointment.minutes))
    event.add("summary", summary)
    event.add("description", description)
    event.add("location", appointment.place or appointment.video_url)
    if appointment.video_url:
        event.add("url", appointment.video_url)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    name, address = parseaddr(organizer)
    event["organizer"] = _address(address, name or address)
    for attendee in attendees:
        event.add("attendee", _address(attendee.email, attendee.name, attendee=True),
                  encode=False)
    calendar.add_component(event)
    # Only the rules around this date: the zone's whole history would be most of the file.
    calendar.add_missing_timezones(first_date=(start - timedelta(days=366)).date(),
                                   last_date=(start + timedelta(days=366)).date())
    return calendar.to_ical().decode("utf-8")


def _address(email: str, name: str, *, attendee: bool = False) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    if attendee:
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["partstat"] = vText("NEEDS-ACTION")
    return address
