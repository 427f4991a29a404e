"""The privacy export in plain words: sections, labels and written-out values for a page or paper.

It reads the same data as the JSON download (`privacy.export_candidate`) and leaves out only
technical fields (ids, counters, version numbers); the page says that the JSON holds them too.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from spt import vocabulary
from spt.forms.intake import SKILL_LEVELS
from spt.models._base import utcnow
from spt.services import consents, privacy

# Section key in the export -> (heading, fields shown in this order: field -> label).
SECTIONS: tuple[tuple[str, object, dict[str, object]], ...] = (
    ("account", _l("Je account"), {
        "email": _l("E-mailadres"), "role": _l("Soort account"), "active": _l("Account actief"),
        "email_confirmed": _l("E-mailadres bevestigd"), "last_login_at": _l("Laatst ingelogd"),
        "mail_preferences": _l("Welke e-mails je wilt krijgen"),
        "created_at": _l("Account gemaakt op")}),
    ("profiel", _l("Je profiel"), {
        "first_name": _l("Voornaam"), "last_name": _l("Achternaam"), "email": _l("E-mailadres"),
        "phone": _l("Telefoonnummer"), "postcode": _l("Postcode"),
        "birth_year": _l("Geboortejaar"), "heard_via": _l("Hoe je van ons hoorde"),
        "gender": _l("Geslacht"), "nt2_speaker": _l("Nederlands is niet je moedertaal"),
        "nt2_level": _l("Taalniveau Nederlands"), "level": _l("Opleidingsniveau"),
        "education_field": _l("Opleiding"), "foreign_diploma": _l("Diploma uit het buitenland"),
        "certificates": _l("Certificaten"), "driving_licences": _l("Rijbewijzen"),
        "intent": _l("Wat je wilt met je werk"), "themes": _l("Soort werk dat je zoekt"),
        "themes_only": _l("Alleen dit soort werk"), "kinds": _l("Soort plekken"),
        "kinds_only": _l("Alleen deze soort plekken"), "hours_per_week": _l("Uren per week"),
        "hours_strict": _l("Precies zoveel uren"), "available_from": _l("Beschikbaar vanaf"),
        "max_km": _l("Hoe ver je wilt reizen (km)"), "status": _l("Stap in je traject"),
        "advisor_notes": _l("Notities van je adviseur"),
        "intake_completed_at": _l("Intake afgerond op"), "last_contact_at": _l("Laatste contact"),
        "created_at": _l("Aangemeld op"), "updated_at": _l("Laatst gewijzigd op"),
        "retention_reminder_at": _l("Herinnering over het bewaren van je gegevens"),
        "news_sent_at": _l("Laatste e-mail over nieuwe plekken")}),
    ("werkervaring", _l("Je werkervaring"), {
        "free_text": _l("Wat je typte"), "beroep": _l("Herkend als"), "years": _l("Jaren")}),
    ("vaardigheden", _l("Je vaardigheden"), {
        "free_text": _l("Wat je typte"), "skill": _l("Herkend als"),
        "self_level": _l("Je eigen niveau")}),
    ("toestemmingen", _l("Je toestemmingen"), {
        "purpose": _l("Waarvoor"), "granted": _l("Toestemming gegeven"),
        "given_at": _l("Gegeven op"), "withdrawn_at": _l("Ingetrokken op")}),
    ("matches", _l("Plekken die bij je passen of waarvoor je bent voorgesteld"), {
        "plek": _l("Plek"), "werkgever": _l("Werkgever"), "status": _l("Stand"),
        "proposed_at": _l("Voorgesteld op"), "employer_decision": _l("Besluit van de werkgever"),
        "decline_reason": _l("Reden"), "decline_note": _l("Toelichting"),
        "meeting_on": _l("Kennismaking op"), "outcome": _l("Uitkomst"),
        "candidate_declined_at": _l("Je bedankte op")}),
    ("afspraken", _l("Je afspraken voor een kennismaking"), {
        "starts_at": _l("Wanneer"), "place": _l("Waar"), "video_url": _l("Videolink"),
        "contact_name": _l("Contactpersoon"), "contact_phone": _l("Telefoonnummer"),
        "cancelled_at": _l("Afgezegd op")}),
    ("berichten", _l("Je berichten"), {
        "created_at": _l("Datum"), "kind": _l("Soort bericht"), "read_at": _l("Gelezen op")}),
    ("scholing", _l("Je scholing"), {
        "module": _l("Module"), "status": _l("Stand"), "started_on": _l("Begonnen op"),
        "ended_on": _l("Klaar op"), "reason": _l("Reden")}),
    ("statusgeschiedenis", _l("Stappen in je traject"), {
        "at": _l("Datum"), "from_status": _l("Van"), "to_status": _l("Naar"),
        "reason": _l("Reden")}),
    ("concept_intake", _l("Je intake die nog niet af is"), {
        "step": _l("Stap"), "updated_at": _l("Laatst bewaard op")}),
    ("e-mails", _l("E-mails aan jou"), {
        "created_at": _l("Gemaakt op"), "subject": _l("Onderwerp"), "sent_at": _l("Verstuurd op")}),
    ("logboek", _l("Logboek: wie wat deed met je gegevens"), {
        "at": _l("Datum"), "action": _l("Wat er gebeurde"), "subject_type": _l("Over")}),
    ("herkenning_bijgedragen", _l("Woorden die je ons leerde"), {
        "text": _l("Wat je typte"), "status": _l("Stand")}),
)


# Fields that hold a code, and the vocabulary (spt.vocabulary) or mapping that names it.
CODED: dict[str, dict[str, object]] = {
    "profiel": {"level": "level", "nt2_level": "nt2", "themes": "theme", "kinds": "kind",
                "status": "candidate_status"},
    "vaardigheden": {"self_level": dict((int(k), v) for k, v in SKILL_LEVELS),
                     "mapped_by": "mapped_by"},
    "werkervaring": {"mapped_by": "mapped_by"},
    "toestemmingen": {"purpose": consents.PURPOSES},
    "berichten": {"kind": {"consent_request": _l("vraag om toestemming"),
                           "proposal": _l("voorstel"),
                           "appointment_set": _l("kennismaking gepland"),
                           "appointment_changed": _l("kennismaking verzet"),
                           "appointment_cancelled": _l("kennismaking afgezegd"),
                           "employer_verified": _l("organisatie gecontroleerd"),
                           "employer_refused": _l("organisatie nog niet goedgekeurd")}},
    "matches": {"status": "match_status"},
    "scholing": {"status": "enrolment_status"},
    "statusgeschiedenis": {"from_status": "candidate_status|match_status",
                           "to_status": "candidate_status|match_status"},
    "logboek": {"subject_type": {"candidate": _l("je profiel"), "user": _l("je account"),
                                 "match": _l("een match"), "placement": _l("een plek")}},
    "account": {"role": {"candidate": _l("kandidaat"), "employer": _l("werkgever"),
                         "advisor": _l("adviseur"), "admin": _l("beheerder")}},
}


def _named(value, naming) -> str:
    """A code as its label, from a vocabulary name ("a|b": the first that knows it) or a dict."""
    if isinstance(value, list):
        return ", ".join(_named(v, naming) for v in value)
    if isinstance(naming, dict):
        return str(naming.get(value, value))
    for name in naming.split("|"):
        text = str(vocabulary.label(value, name, "candidate"))
        if text != str(value):
            return text
    return str(value)


@dataclass(frozen=True, slots=True)
class Section:
    """One part of the export: a heading, the labels of the fields that hold something, and
    one row of written-out values per record (a single record reads as a list of facts)."""

    key: str
    heading: object
    labels: list[object]
    rows: list[list[str]]

    @property
    def single(self) -> bool:
        """Account and profile: one record, shown as label-value pairs rather than a table."""
        return self.key in SINGLE


SINGLE = ("account", "profiel")
_EMPTY = (None, "", [], {})


@dataclass(frozen=True, slots=True)
class ReadableExport:
    """The sections of an export and when it was made, written out."""

    sections: list[Section]
    made: str


def candidate_export(db: Session, *, candidate_id: int, actor_id: int | None) -> ReadableExport:
    """Everything stored about a candidate, readable (logged as an export, like the JSON)."""
    data = privacy.export_candidate(db, candidate_id=candidate_id, actor_id=actor_id)
    return ReadableExport(sections(data), format_datetime(utcnow(), "d MMMM yyyy, HH:mm"))


def sections(data: dict) -> list[Section]:
    """The export as sections of labelled, written-out values (fields empty everywhere left out)."""
    out = []
    for key, heading, fields in SECTIONS:
        records = data.get(key)
        records = [records] if isinstance(records, dict) else list(records or ())
        shown = [f for f in fields if any(r.get(f) not in _EMPTY for r in records)]
        coded = CODED.get(key, {})
        rows = [["" if r.get(f) in _EMPTY else _named(r[f], coded[f]) if f in coded
                 else written(r[f]) for f in shown] for r in records]
        out.append(Section(key, heading, [fields[f] for f in shown], rows))
    return out


def written(value) -> str:
    """A stored value as a person reads it: dates written out, yes/no, lists joined."""
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, str):
        parsed = _moment(value)
        if parsed is not None:
            return parsed
        return value
    if isinstance(value, list):
        return ", ".join(written(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {written(v)}" for k, v in value.items())
    return str(value)


def _moment(text: str) -> str | None:
    """An ISO date or time from the export, written out ("12 januari 2027"), else None."""
    if len(text) < 10 or text[4:5] != "-" or text[7:8] != "-":
        return None
    try:
        if len(text) == 10:
            return format_date(date.fromisoformat(text), "d MMMM yyyy")
        return format_datetime(datetime.fromisoformat(text), "d MMMM yyyy, HH:mm")
    except ValueError:
        return None
