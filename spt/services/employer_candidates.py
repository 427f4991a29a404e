"""Candidates proposed to an employer: pseudonymised until consent, decisions and outcomes."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, and_, col, or_, select

from spt.models import (
    Appointment,
    Candidate,
    CandidateSkill,
    Consent,
    Employer,
    Match,
    Placement,
    Skill,
    StatusChange,
    User,
)
from spt.services import (
    appointment_mail,
    appointments,
    audit,
    inbox,
    introductions,
    mail,
    pipeline,
    postcodes,
)
from spt.services.appointments import AppointmentData
from spt.services.errors import DomainError, NotFound
from spt.services.placements import PROPOSED, get_own
from spt.services.profile import age_band
from spt.urls import external_url
from spt.vocabulary import CandidateStatus as C
from spt.vocabulary import ContractKind
from spt.vocabulary import MatchStatus as M

# Proposals that ended after the employer saw them stay visible as history.
HISTORY = (M.AFGEWEZEN, M.UITGEVALLEN, M.ON_HOLD)
DECLINE_REASONS = {
    "vaardigheden": _l("Mist vaardigheden die echt nodig zijn"),
    "ervaring": _l("Te weinig werkervaring voor deze plek"),
    "beschikbaarheid": _l("Beschikbaarheid of uren passen niet"),
    "reisafstand": _l("Reisafstand te groot"),
    "plek_vervuld": _l("De plek is al vervuld"),
    "begeleiding": _l("Geen begeleiding beschikbaar"),
    "anders": _l("Anders (licht toe)"),
}
CONTRACT_KINDS = dict(ContractKind.choices("employer"))
# Why a candidate was not placed, and the match status that follows.
NOT_PLACED = {"werkgever": (_l("Wij kiezen niet voor deze kandidaat"), "afgewezen"),
              "kandidaat": (_l("De kandidaat ziet er zelf van af"), "afgewezen"),
              "uitgevallen": (_l("De kandidaat is uitgevallen (bijvoorbeeld ziekte)"),
                              "uitgevallen")}
OUTCOMES = ("proefplaatsing", "geplaatst", "niet_geplaatst")


@dataclass(frozen=True)
class Identity:
    """Name and contact details, shown only while the candidate consents to this employer."""

    name: str
    email: str
    phone: str


@dataclass(frozen=True)
class CandidateCard:
    """A proposed candidate as an employer may see them: a pseudonym unless `identity` is set."""

    match: Match
    placement: Placement
    number: str
    municipality: str | None
    age_band: str | None
    level: str | None
    hours_per_week: int | None
    available_from: date | None
    skills: tuple[str, ...]
    matched: tuple[tuple[str, str], ...]  # (requirement label, source: declared | occupation)
    missing_essential: tuple[str, ...]
    missing_optional: tuple[str, ...]
    factors: tuple[dict, ...]
    distance_km: float | None
    identity: Identity | None
    appointment: Appointment | None = None  # the kennismaking's newest, cancelled or not


def _visible(employer: Employer):
    seen = select(StatusChange.subject_id).where(
        StatusChange.subject_type == "match",
        col(StatusChange.to_status).in_((M.WACHT_OP_KANDIDAAT, M.VOORGESTELD)))
    # A proposal still waiting for the candidate's answer shows without identity, and only for
    # candidates who allowed advisors to show their profile without a name to employers.
    pseudonymous_ok = select(Consent.candidate_id).where(
        Consent.purpose == "employers_pseudonymous", col(Consent.granted).is_(True),
        col(Consent.employer_id).is_(None), col(Consent.withdrawn_at).is_(None))
    waiting = and_(Match.status == M.WACHT_OP_KANDIDAAT,
                   col(Match.candidate_id).in_(pseudonymous_ok))
    return (select(Match, Candidate, Placement)
            .join(Candidate, Candidate.id == Match.candidate_id)
            .join(Placement, Placement.id == Match.placement_id)
            .join(Employer, Employer.id == Placement.employer_id)
            .where(Placement.employer_id == employer.id, col(Employer.verified_at).is_not(None),
                   col(Candidate.erased_at).is_(None),
                   or_(col(Match.status).in_(PROPOSED), waiting,
                       and_(col(Match.status).in_(HISTORY), col(Match.id).in_(seen)))))


def _row(db: Session, employer: Employer, match_id: int):
    row = db.exec(_visible(employer).where(Match.id == match_id)).first()
    if row is None:
        raise NotFound(_("Deze kandidaat bestaat niet of is niet aan u voorgesteld."))
    return row


def _labels(db: Session, slugs) -> dict[str, str]:
    slugs = list(set(slugs))
    return dict(db.exec(select(Skill.slug, Skill.label).where(col(Skill.slug).in_(slugs))).all())


def _card(db: Session, employer: Employer, match: Match, candidate: Candidate,
          placement: Placement) -> CandidateCard:
    explanation = match.explanation or {}
    matched = explanation.get("matched", [])
    missing = explanation.get("missing_essential", []), explanation.get("missing_optional", [])
    labels = _labels(db, [m.get("requirement") for m in matched] + missing[0] + missing[1])
    skills = db.exec(select(Skill.label).join(CandidateSkill)
                     .where(CandidateSkill.candidate_id == candidate.id).order_by(Skill.label))
    area = postcodes.area(candidate.pc4)
    identity = None
    # A place the candidate said no to never shows who it was, even with consent elsewhere.
    if match.candidate_declined_at is None and introductions.identity_visible(
            db, candidate_id=candidate.id, employer_id=employer.id):
        identity = Identity(f"{candidate.first_name} {candidate.last_name}".strip(),
                            candidate.email, candidate.phone)
    return CandidateCard(
        match=match, placement=placement, number=candidate.number,
        municipality=area.municipality if area else None,
        # The age band only with consent: the public pages promise age never plays a part.
        age_band=age_band(candidate.birth_year) if identity else None, level=candidate.level,
        hours_per_week=candidate.hours_per_week, available_from=candidate.available_from,
        skills=tuple(skills), identity=identity,
        matched=tuple((labels.get(m.get("requirement"), m.get("requirement")),
                       m.get("source", "declared")) for m in matched),
        missing_essential=tuple(labels.get(s, s) for s in missing[0]),
        missing_optional=tuple(labels.get(s, s) for s in missing[1]),
        factors=tuple(explanation.get("factors", [])),
        distance_km=explanation.get("distance_km"),
        appointment=appointments.latest_for(db, [match.id]).get(match.id))


def for_placement(db: Session, *, employer: Employer, actor_id: int, placement_id: int):
    """This employer's placement and the candidates proposed for it, best first (logged)."""
    placement = get_own(db, employer, placement_id)
    rows = db.exec(_visible(employer).where(Match.placement_id == placement.id)
                   .order_by(col(Match.score).desc(), Match.id))
    cards = [_card(db, employer, *row) for row in rows]
    audit.record(db, actor_id=actor_id, action="employer.viewed_candidate_list",
                 subject_type="placement", subject_id=placement.id,
                 detail={"employer_id": employer.id,
                         "shown": [[c.match.id, c.match.candidate_id, c.identity is not None]
                                   for c in cards]})
    db.commit()
    return placement, cards


def view(db: Session, *, employer: Employer, actor_id: int, match_id: int) -> CandidateCard:
    """One proposed candidate's profile; every view is written to the audit log."""
    card = _card(db, employer, *_row(db, employer, match_id))
    audit.record(db, actor_id=actor_id, action="employer.viewed_candidate",
                 subject_type="candidate", subject_id=card.match.candidate_id,
                 detail={"match_id": match_id, "employer_id": employer.id,
                         "identity_shown": card.identity is not None})
    db.commit()
    return card


def accept(db: Session, *, employer: Employer, actor_id: int, match_id: int,
           expected_version: int, appointment: AppointmentData) -> Match:
    """Invite a proposed candidate to a kennismaking on a date and time, within mentor
    capacity and seats; everyone gets the appointment with a calendar invite."""
    match, candidate, placement = _row(db, employer, match_id)
    if match.status == M.WACHT_OP_KANDIDAAT:
        raise DomainError(_("De kandidaat heeft nog geen toestemming gegeven om aan u voorgesteld "
                            "te worden. U kunt uitnodigen zodra dat wel zo is."))
    appointments.check(db, match_id=match.id, data=appointment)  # before anything changes
    pipeline.move_match(db, match, M.KENNISMAKING, actor_id=actor_id,
                        expected_version=expected_version,
                        values={"employer_decision": "accepted", "meeting_on": appointment.day})
    pipeline.follow_match(db, candidate, M.KENNISMAKING, actor_id=actor_id)
    planned = appointments.schedule(db, match=match, actor_id=actor_id, data=appointment)
    what = _("uitgenodigd voor een kennismaking op %(when)s",
             when=appointment_mail.when(planned))
    return _finish(db, employer, actor_id, match, candidate, placement, "accepted", what)


def decline(db: Session, *, employer: Employer, actor_id: int, match_id: int,
            expected_version: int, reason: str, note: str = "") -> Match:
    """Decline a proposed candidate with a reason from the list and optional free text."""
    match, candidate, placement = _row(db, employer, match_id)
    if reason not in DECLINE_REASONS:
        raise DomainError(_("Kies een reden."), field="reason")
    if reason == "anders" and not note.strip():
        raise DomainError(_("Licht de reden kort toe."), field="note")
    label = str(DECLINE_REASONS[reason])
    pipeline.move_match(db, match, M.AFGEWEZEN, actor_id=actor_id, reason=label,
                        expected_version=expected_version,
                        values={"employer_decision": "declined", "decline_reason": reason,
                                "decline_note": note.strip()[:1000]})
    _after_exit(db, candidate, match, actor_id, label)
    what = _("afgewezen (reden: %(reason)s)", reason=label)
    return _finish(db, employer, actor_id, match, candidate, placement, "declined", what)


def report_outcome(db: Session, *, employer: Employer, actor_id: int, match_id: int,
                   expected_version: int, outcome: str, contract_kind: str | None = None,
                   not_placed: str | None = None, note: str = "") -> Match:
    """Report what became of a kennismaking: proefplaatsing, geplaatst or not placed."""
    match, candidate, placement = _row(db, employer, match_id)
    if outcome not in OUTCOMES:
        raise DomainError(_("Kies een uitkomst."), field="outcome")
    values: dict = {"outcome": outcome, "outcome_reason": note.strip()[:1000]}
    if outcome == "geplaatst":
        if contract_kind not in CONTRACT_KINDS:
            raise DomainError(_("Kies de soort overeenkomst."), field="contract_kind")
        new, values["contract_kind"] = M.GEPLAATST, contract_kind
        what = _("geplaatst (%(kind)s)", kind=str(CONTRACT_KINDS[contract_kind]))
    elif outcome == "proefplaatsing":
        new, what = M.PROEFPLAATSING, _("gestart met een proefplaatsing")
    elif not_placed in NOT_PLACED:
        label, new = str(NOT_PLACED[not_placed][0]), NOT_PLACED[not_placed][1]
        what = _("niet geplaatst (%(reason)s)", reason=label)
    else:
        raise DomainError(_("Kies waarom de kandidaat niet geplaatst is."), field="not_placed")
    pipeline.move_match(db, match, new, actor_id=actor_id, expected_version=expected_version,
                        reason=note.strip() or what, values=values)
    if new in pipeline.SIDE_EXITS:
        _after_exit(db, candidate, match, actor_id, what)
    else:
        pipeline.follow_match(db, candidate, new, actor_id=actor_id)
    return _finish(db, employer, actor_id, match, candidate, placement, "outcome_" + new, what)


def _after_exit(db: Session, candidate: Candidate, match: Match, actor_id: int,
                reason: str) -> None:
    """The candidate leaves the pipeline step only when no other employer is still active."""
    others = db.exec(select(Match.id).where(Match.candidate_id == candidate.id,
                                            Match.id != match.id,
                                            col(Match.status).in_(PROPOSED))).first()
    allowed = pipeline.CANDIDATE_TRANSITIONS.get(candidate.status, set())
    target = next((s for s in (C.AFGEWEZEN, match.status) if s in allowed), None)
    if others is None and target:
        pipeline.move_candidate(db, candidate, target, actor_id=actor_id, reason=reason)


def _finish(db: Session, employer: Employer, actor_id: int, match: Match, candidate: Candidate,
            placement: Placement, decision: str, what: str) -> Match:
    inbox.resolve(db, kind="proposal", match_ids=[match.id])
    audit.record(db, actor_id=actor_id, action="employer.decided", subject_type="match",
                 subject_id=match.id, detail={"decision": decision, "status": match.status,
                                              "employer_id": employer.id})
    advisor = db.get(User, match.proposed_by_id) if match.proposed_by_id else None
    if advisor is not None and advisor.active:
        mail.queue(db, to=advisor.email,
                   subject=_("Reactie van %(employer)s op kandidaat %(number)s",
                             employer=employer.name, number=candidate.number),
                   body=_("%(employer)s heeft kandidaat %(number)s voor de plek '%(title)s' "
                          "%(what)s.\n\nBekijk de details in SPT Match: %(link)s",
                          employer=employer.name, number=candidate.number,
                          title=placement.title, what=what,
                          link=external_url("advisor.home")))
    db.commit()
    return match
