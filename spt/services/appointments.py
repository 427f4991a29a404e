"""Kennismaking appointments: set by the employer, moved or cancelled by any party, each
change mailed to the candidate, the employer and the advisor with a calendar invite."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from spt.models import Appointment, Candidate, Employer, Match, Placement, User
from spt.models._base import utcnow
from spt.services import appointment_mail, audit, inbox
from spt.services.calendar_invite import ZONE, aware
from spt.services.errors import DomainError, NotFound

LONG = inbox.LONG  # "dinsdag 12 januari 2027, 10:00"
ACTIVE = "kennismaking"  # an appointment can change only while the match is here
STAFF = ("advisor", "admin")


@dataclass(frozen=True)
class AppointmentData:
    """What the form gives: a local date and time in Amsterdam, where, and with whom."""

    day: date
    time: time
    place: str
    video_url: str
    contact_name: str
    contact_phone: str = ""


@dataclass(frozen=True)
class Parties:
    """Everyone an appointment concerns."""

    match: Match
    candidate: Candidate
    placement: Placement
    employer: Employer
    candidate_user: User | None
    employer_user: User | None
    advisor: User | None


@dataclass(frozen=True)
class AppointmentPage:
    """An appointment as one of its parties sees it."""

    row: Appointment
    parties: Parties
    local_start: datetime
    can_change: bool


def local_start(appointment: Appointment) -> datetime:
    """When it starts, in Amsterdam time."""
    return aware(appointment.starts_at).astimezone(ZONE)


def _start(data: AppointmentData, now: datetime) -> datetime:
    start = datetime.combine(data.day, data.time, ZONE)
    if start <= now:
        raise DomainError(_("Dit moment is al voorbij. Kies een datum en tijd in de "
                            "toekomst."), field="day")
    if not data.place and not data.video_url:
        raise DomainError(_("Vul een adres in of een videolink."), field="place")
    return start.astimezone(UTC)


def _apply(appointment: Appointment, data: AppointmentData, start: datetime) -> None:
    appointment.starts_at = start
    appointment.place, appointment.video_url = data.place, data.video_url
    appointment.contact_name, appointment.contact_phone = data.contact_name, data.contact_phone


def parties(db: Session, match: Match) -> Parties:
    """The candidate, placement, employer and advisor of a match."""
    candidate = db.get(Candidate, match.candidate_id)
    placement = db.get(Placement, match.placement_id)
    employer = db.get(Employer, placement.employer_id)
    advisor_id = candidate.advisor_id or match.proposed_by_id
    return Parties(match=match, candidate=candidate, placement=placement, employer=employer,
                   candidate_user=db.get(User, candidate.user_id) if candidate.user_id else None,
                   employer_user=db.get(User, employer.user_id) if employer.user_id else None,
                   advisor=db.get(User, advisor_id) if advisor_id else None)


def check(db: Session, *, match_id: int, data: AppointmentData,
          now: datetime | None = None) -> datetime:
    """Refuse a moment in the past, no place at all, or a second appointment; the start."""
    if db.exec(select(Appointment.id).where(Appointment.match_id == match_id,
                                            col(Appointment.cancelled_at).is_(None))).first():
        raise DomainError(_("Er staat al een afspraak. Verzet die als het moment verandert."))
    return _start(data, now or utcnow())


def schedule(db: Session, *, match: Match, actor_id: int, data: AppointmentData,
             now: datetime | None = None) -> Appointment:
    """Add the appointment of a kennismaking to the caller's transaction and send invites."""
    start = check(db, match_id=match.id, data=data, now=now)
    appointment = Appointment(match_id=match.id, uid=f"{uuid.uuid4()}@spt-match",
                              contact_name=data.contact_name, starts_at=start,
                              created_by_id=actor_id, changed_by_id=actor_id)
    _apply(appointment, data, start)
    db.add(appointment)
    db.flush()
    _tell(db, appointment, parties(db, match), kind="appointment_set", actor_id=actor_id,
          now=now)
    return appointment


def schedule_again(db: Session, *, employer: Employer, actor_id: int, match_id: int,
                   data: AppointmentData) -> Appointment:
    """A new appointment for a kennismaking whose last one was cancelled."""
    match = db.get(Match, match_id)
    placement = db.get(Placement, match.placement_id) if match else None
    if placement is None or placement.employer_id != employer.id:
        raise NotFound(_("Deze kandidaat bestaat niet of is niet aan u voorgesteld."))
    if match.status != ACTIVE:
        raise DomainError(_("Een afspraak maakt u voor een kandidaat die u heeft uitgenodigd "
                            "voor een kennismaking."))
    appointment = schedule(db, match=match, actor_id=actor_id, data=data)
    db.commit()
    return appointment


def _reachable(db: Session, user: User, appointment_id: int) -> tuple[Appointment, Parties]:
    """The appointment if this user is one of its parties (or staff); NotFound otherwise."""
    appointment = db.get(Appointment, appointment_id)
    match = db.get(Match, appointment.match_id) if appointment else None
    if match is None:
        raise NotFound(_("Deze afspraak bestaat niet."))
    who = parties(db, match)
    allowed = (user.role in STAFF
               or (user.role == "candidate" and who.candidate.user_id == user.id)
               or (user.role == "employer" and who.employer.user_id == user.id))
    if not allowed or who.candidate.erased_at is not None:
        raise NotFound(_("Deze afspraak bestaat niet."))
    return appointment, who


def _changeable(appointment: Appointment, who: Parties) -> None:
    if appointment.cancelled_at is not None:
        raise DomainError(_("Deze afspraak is afgezegd. Er kan niets meer aan veranderen."))
    if who.match.status != ACTIVE:
        raise DomainError(_("Deze kennismaking is afgerond of gestopt. De afspraak verandert "
                            "niet meer."))


def page(db: Session, *, user: User, appointment_id: int) -> AppointmentPage:
    """One appointment for one of its parties."""
    appointment, who = _reachable(db, user, appointment_id)
    return AppointmentPage(row=appointment, parties=who, local_start=local_start(appointment),
                           can_change=appointment.cancelled_at is None
                           and who.match.status == ACTIVE)


def reschedule(db: Session, *, user: User, appointment_id: int, data: AppointmentData,
               now: datetime | None = None) -> Appointment:
    """Move the appointment (or change place or contact); everyone gets the new invite."""
    appointment, who = _reachable(db, user, appointment_id)
    _changeable(appointment, who)
    _apply(appointment, data, _start(data, now or utcnow()))
    appointment.sequence += 1
    appointment.changed_by_id, appointment.updated_at = user.id, utcnow()
    db.add(appointment)
    _tell(db, appointment, who, kind="appointment_changed", actor_id=user.id, now=now)
    db.commit()
    return appointment


def cancel(db: Session, *, user: User, appointment_id: int) -> Appointment:
    """Cancel the appointment; everyone's calendar removes it (METHOD:CANCEL)."""
    appointment, who = _reachable(db, user, appointment_id)
    _changeable(appointment, who)
    _cancelled(db, appointment, who, actor_id=user.id)
    db.commit()
    return appointment


def cancel_after_withdrawal(db: Session, *, match_ids: list[int], actor_id: int) -> None:
    """The candidate withdrew consent: cancel the open appointments of these matches, in the
    caller's transaction, with invites that no longer name the candidate."""
    if not match_ids:
        return
    for appointment in db.exec(select(Appointment).where(
            col(Appointment.match_id).in_(match_ids), col(Appointment.cancelled_at).is_(None))):
        who = parties(db, db.get(Match, appointment.match_id))
        _cancelled(db, appointment, who, actor_id=actor_id, name_candidate=False)


def _cancelled(db: Session, appointment: Appointment, who: Parties, *, actor_id: int,
               name_candidate: bool = True) -> None:
    appointment.sequence += 1
    appointment.cancelled_at = appointment.updated_at = utcnow()
    appointment.changed_by_id = actor_id
    db.add(appointment)
    _tell(db, appointment, who, kind="appointment_cancelled", actor_id=actor_id, now=None,
          name_candidate=name_candidate)


def latest_for(db: Session, match_ids: list[int]) -> dict[int, Appointment]:
    """The newest appointment of each of these matches (cancelled ones too)."""
    if not match_ids:
        return {}
    rows = db.exec(select(Appointment).where(col(Appointment.match_id).in_(match_ids))
                   .order_by(Appointment.id))
    return {row.match_id: row for row in rows}


def _tell(db: Session, appointment: Appointment, who: Parties, *, kind: str, actor_id: int,
          now: datetime | None, name_candidate: bool = True) -> None:
    """Mail every party the invite and put it in the inbox of those who did not do it."""
    appointment_mail.send(db, appointment, who, kind=kind, now=now or utcnow(),
                          name_candidate=name_candidate)
    detail = {"employer": who.employer.name, "title": who.placement.title,
              "when": aware(appointment.starts_at).isoformat(),
              "appointment_id": appointment.id}
    for user in (who.candidate_user, who.employer_user):
        if user is not None and user.id != actor_id:
            inbox.add(db, user_id=user.id, kind=kind, match_id=who.match.id, detail=detail)
    audit.record(db, actor_id=actor_id, action=kind.replace("_", "."),
                 subject_type="match", subject_id=who.match.id,
                 detail={"appointment_id": appointment.id, "sequence": appointment.sequence})

