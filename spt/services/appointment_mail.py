"""The mails about a kennismaking appointment, each with the calendar invite attached."""

from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _

from spt.models import Appointment
from spt.services import calendar_invite, inbox, mail
from spt.services.calendar_invite import Attendee, aware
from spt.urls import external_url

if TYPE_CHECKING:  # appointments imports this module to send its mails
    from spt.services.appointments import Parties


def when(appointment: Appointment) -> str:
    """The start written out in the reader's language: 'dinsdag 12 januari 2027, 10:00'."""
    return format_datetime(aware(appointment.starts_at), inbox.LONG)


def send(db, appointment: Appointment, who: "Parties", *, kind: str, now: datetime,
         name_candidate: bool = True) -> None:
    """Queue a mail with the invite for the candidate, the employer and the advisor.

    Without `name_candidate` (consent withdrawn) the invite lists no candidate attendee.
    """
    method = "CANCEL" if kind == "appointment_cancelled" else "REQUEST"
    summary = _("Kennismaking: %(title)s bij %(employer)s", title=who.placement.title,
                employer=who.employer.name)
    facts = _facts(appointment, who)
    invite = mail.Attachment(
        name="kennismaking.ics", mime_type=f"text/calendar; method={method}",
        text=calendar_invite.build(appointment, method=method, summary=summary,
                                   description=facts, now=now,
                                   attendees=_attendees(who, name_candidate),
                                   organizer=current_app.config["MAIL_SENDER"]))
    subject = _subject(kind, appointment)
    for user, informal in ((who.candidate_user, True), (who.employer_user, False),
                           (who.advisor, False)):
        if user is None or not user.active:
            continue
        mail.queue(db, to=user.email, subject=subject, attachment=invite,
                   body=_body(kind, informal, appointment, who, facts))


def _subject(kind: str, appointment: Appointment) -> str:
    if kind == "appointment_set":
        return _("Uitnodiging voor een kennismaking op %(when)s", when=when(appointment))
    if kind == "appointment_changed":
        return _("De kennismaking is verzet naar %(when)s", when=when(appointment))
    return _("De kennismaking op %(when)s gaat niet door", when=when(appointment))


def _facts(appointment: Appointment, who: "Parties") -> str:
    lines = [_("Wanneer: %(when)s", when=when(appointment)),
             _("Plek: %(title)s bij %(employer)s", title=who.placement.title,
               employer=who.employer.name)]
    if appointment.place:
        lines.append(_("Adres: %(place)s", place=appointment.place))
    if appointment.video_url:
        lines.append(_("Videolink: %(url)s", url=appointment.video_url))
    contact = appointment.contact_name + (f", {appointment.contact_phone}"
                                          if appointment.contact_phone else "")
    lines.append(_("Contactpersoon: %(contact)s", contact=contact))
    return "\n".join(lines)


def _body(kind: str, informal: bool, appointment: Appointment, who: "Parties",
          facts: str) -> str:
    link = external_url("appointments.show", appointment_id=appointment.id)
    if kind == "appointment_cancelled":
        opening = (_("De kennismaking gaat niet door. Je adviseur neemt contact met je op "
                     "over wat nu.") if informal else
                   _("De kennismaking gaat niet door. Haal de afspraak uit uw agenda met de "
                     "bijlage."))
    elif informal:
        opening = _("Je bent uitgenodigd voor een kennismaking. Zet de afspraak in je agenda "
                    "met de bijlage. Kun je niet? Verzet of zeg af via de link hieronder.")
    else:
        opening = _("Er staat een kennismaking gepland met kandidaat %(number)s. Zet de "
                    "afspraak in uw agenda met de bijlage.", number=who.candidate.number)
    if kind == "appointment_changed":
        opening = _("Let op: de afspraak is veranderd.") + " " + opening
    return f"{opening}\n\n{facts}\n\n" + (_("Bekijk de afspraak: %(link)s", link=link))


def _attendees(who: "Parties", name_candidate: bool) -> list[Attendee]:
    people = []
    if who.candidate_user is not None and name_candidate:
        name = f"{who.candidate.first_name} {who.candidate.last_name}".strip()
        people.append(Attendee(who.candidate_user.email, name or who.candidate.number))
    if who.employer_user is not None:
        people.append(Attendee(who.employer_user.email, who.employer.name))
    if who.advisor is not None and who.advisor.active:
        people.append(Attendee(who.advisor.email, _("Adviseur Servicepunt Techniek")))
    return people

