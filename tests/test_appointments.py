"""The kennismaking appointment: set, moved and cancelled by each party, with .ics invites."""

import smtplib
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from icalendar import Calendar
from sqlmodel import col, select

from spt.db import get_db
from spt.models import Appointment, InboxItem, Match, OutboxMessage, User
from spt.services import introductions, mail
from tests.conftest import PASSWORD
from tests.factories import (
    invite_fields,
    make_candidate,
    make_employer,
    make_match,
    make_placement,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CANDIDATE, EMPLOYER, ADVISOR = "samira@example.nl", "baas@example.nl", "adviseur@spt.nl"
WRITTEN_OUT = "dinsdag 12 januari 2027, 10:00"


@pytest.fixture(autouse=True)
def today():
    """Every test runs on 1 December 2026, so January 2027 lies ahead and November behind."""
    with freeze_time("2026-12-01 09:00:00", tick=True):
        yield


@pytest.fixture
def world(app, login, make_user):
    """An employer, a candidate who consented to it, and the advisor who proposed: clients."""
    employer_user, employer_id = make_employer(app, email=EMPLOYER, mentor_capacity=2,
                                               contact_name="Jan de Vries")
    placement_id = make_placement(app, employer_id, title="leerling monteur", seats=2)
    advisor_id = make_user("advisor", email=ADVISOR)
    candidate_user, candidate_id = make_candidate(app, email=CANDIDATE, status="matchvoorstel")
    match_id = make_match(app, candidate_id, placement_id, status="matchvoorstel")
    with app.app_context():
        db = get_db()
        introductions.propose(db, advisor=db.get(User, advisor_id), match_id=match_id,
                              expected_version=1)
        introductions.answer(db, user=db.get(User, candidate_user), match_id=match_id,
                             consent=True)
    clients = {}
    for name, user_id in (("employer", employer_user), ("candidate", candidate_user),
                          ("advisor", advisor_id)):
        clients[name] = app.test_client()
        login(user_id, PASSWORD, on=clients[name])
    return {"clients": clients, "match": match_id, "candidate": candidate_id,
            "placement": placement_id, "employer": employer_id}


def invite(app, world, **fields):
    """The employer invites the candidate; the response."""
    with app.app_context():
        version = get_db().get(Match, world["match"]).version
    return world["clients"]["employer"].post(
        f"/werkgever/kandidaten/{world['match']}/uitnodigen",
        data={"uitnodigen-version": version, **invite_fields("2027-01-12", **fields)})


def the_appointment(app) -> Appointment:
    with app.app_context():
        return get_db().exec(select(Appointment).order_by(col(Appointment.id).desc())).first()


def invites_to(app, address: str) -> list[Calendar]:
    """The calendar invites mailed to this address, oldest first, parsed back."""
    with app.app_context():
        messages = get_db().exec(select(OutboxMessage).where(
            OutboxMessage.recipient == address, col(OutboxMessage.attachment).is_not(None))
            .order_by(OutboxMessage.id)).all()
    assert all(m.attachment_name == "kennismaking.ics" for m in messages)
    return [Calendar.from_ical(m.attachment) for m in messages]


def event(calendar: Calendar):
    (only,) = calendar.walk("VEVENT")
    return only


def test_an_invitation_is_an_appointment_with_an_invite_for_all_three(app, world):
    response = invite(app, world)
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = the_appointment(app)
    assert stored.match_id == world["match"] and stored.sequence == 0
    assert stored.starts_at.replace(tzinfo=UTC) == datetime(2027, 1, 12, 9, 0, tzinfo=UTC)
    assert (stored.place, stored.contact_name, stored.contact_phone) == (
        "Werkplaats 1, Amsterdam", "Jan de Vries", "020 123 4567")
    for address in (CANDIDATE, EMPLOYER, ADVISOR):
        (calendar,) = invites_to(app, address)
        assert calendar["METHOD"] == "REQUEST"
        vevent = event(calendar)
        assert vevent.decoded("DTSTART") == datetime(2027, 1, 12, 10, 0, tzinfo=AMSTERDAM)
        assert str(vevent["UID"]) == stored.uid and vevent["SEQUENCE"] == 0
        assert str(vevent["LOCATION"]) == "Werkplaats 1, Amsterdam"
        attendees = {str(a) for a in vevent["ATTENDEE"]}
        assert attendees == {f"mailto:{CANDIDATE}", f"mailto:{EMPLOYER}", f"mailto:{ADVISOR}"}
    with app.app_context():
        to_candidate = get_db().exec(select(OutboxMessage).where(
            OutboxMessage.recipient == CANDIDATE,
            col(OutboxMessage.attachment).is_not(None))).one()
    assert WRITTEN_OUT in to_candidate.subject and "Jan de Vries" in to_candidate.body
    pages = {"candidate": "/kandidaat/", "employer": f"/werkgever/kandidaten/{world['match']}",
             "advisor": f"/adviseur/kandidaten/{world['candidate']}"}
    for who, path in pages.items():
        page = world["clients"][who].get(path).get_data(as_text=True)
        assert WRITTEN_OUT in page, who
        assert f"/afspraken/{stored.id}" in page, who
        own = world["clients"][who].get(f"/afspraken/{stored.id}")
        assert own.status_code == 200 and WRITTEN_OUT in own.get_data(as_text=True), who


@pytest.mark.parametrize(("fields", "message", "kept"), [
    ({"day": "2026-11-30"}, "Dit moment is al voorbij", "Jan de Vries"),
    ({"day": "2026-12-01", "time": "08:00"}, "Dit moment is al voorbij", "Werkplaats 1, Amsterdam"),
    ({"place": "", "video_url": ""}, "Vul een adres in of een videolink.", "020 123 4567"),
    ({"video_url": "geen link"}, "Vul een link in die begint met https://.", "geen link"),
    ({"time": "25:99"}, "Ongeldige waarde voor tijd.", "Jan de Vries"),
])
def test_a_bad_moment_or_place_is_refused_in_dutch_keeping_what_was_typed(app, world, fields,
                                                                        message, kept):
    day = fields.pop("day", "2027-01-12")
    with app.app_context():
        version = get_db().get(Match, world["match"]).version
    response = world["clients"]["employer"].post(
        f"/werkgever/kandidaten/{world['match']}/uitnodigen",
        data={"uitnodigen-version": version, **invite_fields(day, **fields)})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html and f'value="{kept}"' in html
    assert the_appointment(app) is None
    with app.app_context():
        assert get_db().get(Match, world["match"]).status == "voorgesteld"
    assert invites_to(app, CANDIDATE) == []


def test_the_candidate_moves_it_and_every_calendar_gets_a_higher_sequence(app, world):
    invite(app, world)
    first = the_appointment(app)
    moved = world["clients"]["candidate"].post(
        f"/afspraken/{first.id}", data=invite_fields("2027-01-14", prefix="afspraak",
                                                     time="14:30", contact_name="Els Bakker"))
    assert moved.status_code == 302, moved.get_data(as_text=True)
    stored = the_appointment(app)
    assert (stored.id, stored.uid, stored.sequence) == (first.id, first.uid, 1)
    assert stored.contact_name == "Els Bakker"
    for address in (CANDIDATE, EMPLOYER, ADVISOR):
        calendars = invites_to(app, address)
        assert len(calendars) == 2
        vevent = event(calendars[-1])
        assert calendars[-1]["METHOD"] == "REQUEST" and str(vevent["UID"]) == first.uid
        assert vevent["SEQUENCE"] == 1
        assert vevent.decoded("DTSTART") == datetime(2027, 1, 14, 14, 30, tzinfo=AMSTERDAM)
    page = world["clients"]["employer"].get(f"/afspraken/{first.id}").get_data(as_text=True)
    assert "donderdag 14 januari 2027, 14:30" in page
    past = world["clients"]["candidate"].post(
        f"/afspraken/{first.id}", data=invite_fields("2026-11-01", prefix="afspraak"))
    assert past.status_code == 400 and "Dit moment is al voorbij" in past.get_data(as_text=True)
    assert the_appointment(app).sequence == 1


def test_the_advisor_cancels_and_calendars_get_method_cancel(app, world):
    invite(app, world)
    first = the_appointment(app)
    advisor = world["clients"]["advisor"]
    assert advisor.post(f"/afspraken/{first.id}/afzeggen").status_code == 302
    stored = the_appointment(app)
    assert stored.cancelled_at is not None and stored.sequence == 1
    for address in (CANDIDATE, EMPLOYER, ADVISOR):
        last = invites_to(app, address)[-1]
        assert last["METHOD"] == "CANCEL"
        vevent = event(last)
        assert (str(vevent["UID"]), vevent["SEQUENCE"], str(vevent["STATUS"])) == (
            first.uid, 1, "CANCELLED")
    again = advisor.post(f"/afspraken/{first.id}/afzeggen")
    assert again.status_code == 400 and "afgezegd" in again.get_data(as_text=True)
    moved = world["clients"]["employer"].post(
        f"/afspraken/{first.id}", data=invite_fields("2027-01-14", prefix="afspraak"))
    assert moved.status_code == 400 and the_appointment(app).sequence == 1


def test_after_a_cancellation_the_employer_makes_a_new_appointment_with_a_new_uid(app, world):
    invite(app, world)
    first = the_appointment(app)
    employer = world["clients"]["employer"]
    assert world["clients"]["candidate"].post(f"/afspraken/{first.id}/afzeggen").status_code \
        == 302
    page = employer.get(f"/werkgever/kandidaten/{world['match']}").get_data(as_text=True)
    assert "Nieuwe afspraak voor de kennismaking" in page
    refused = employer.post(f"/werkgever/kandidaten/{world['match']}/afspraak",
                            data=invite_fields("2026-11-02", prefix="afspraak"))
    assert refused.status_code == 400 and "Dit moment is al voorbij" in refused.get_data(
        as_text=True)
    made = employer.post(f"/werkgever/kandidaten/{world['match']}/afspraak",
                         data=invite_fields("2027-01-19", prefix="afspraak", video_url=
                                            "https://meet.example.nl/kennismaking", place=""))
    assert made.status_code == 302, made.get_data(as_text=True)
    second = the_appointment(app)
    assert second.id != first.id and second.uid != first.uid and second.sequence == 0
    vevent = event(invites_to(app, CANDIDATE)[-1])
    assert str(vevent["UID"]) == second.uid
    assert str(vevent["LOCATION"]) == "https://meet.example.nl/kennismaking"
    twice = employer.post(f"/werkgever/kandidaten/{world['match']}/afspraak",
                          data=invite_fields("2027-01-20", prefix="afspraak"))
    assert twice.status_code == 400 and "Er staat al een afspraak" in twice.get_data(as_text=True)


def test_another_candidate_or_employer_cannot_see_or_change_the_appointment(app, world, login):
    invite(app, world)
    first = the_appointment(app)
    other_candidate, _c = make_candidate(app, email="ander@example.nl")
    other_employer, _e = make_employer(app, email="ander-bedrijf@example.nl")
    with app.app_context():
        mails_before = len(get_db().exec(select(OutboxMessage)).all())
    for user_id in (other_candidate, other_employer):
        client = app.test_client()
        login(user_id, PASSWORD, on=client)
        shown = client.get(f"/afspraken/{first.id}")
        assert shown.status_code == 404
        assert "Werkplaats 1" not in shown.get_data(as_text=True)
        assert client.post(f"/afspraken/{first.id}", data=invite_fields(
            "2027-02-01", prefix="afspraak")).status_code == 404
        assert client.post(f"/afspraken/{first.id}/afzeggen").status_code == 404
        assert client.post(f"/werkgever/kandidaten/{world['match']}/afspraak", data=invite_fields(
            "2027-02-01", prefix="afspraak")).status_code in (403, 404)
    stored = the_appointment(app)
    assert (stored.sequence, stored.cancelled_at, stored.contact_name) == (0, None,
                                                                          "Jan de Vries")
    with app.app_context():
        assert len(get_db().exec(select(OutboxMessage)).all()) == mails_before


def test_the_inbox_lists_what_happened_and_what_is_asked_with_unread_counts(app, world):
    candidate, employer = world["clients"]["candidate"], world["clients"]["employer"]
    nav = employer.get("/werkgever/").get_data(as_text=True)
    assert '<span class="badge">1<span class="visually-hidden"> ongelezen' in nav
    box = employer.get("/berichten").get_data(as_text=True)
    assert "Een adviseur stelt een kandidaat voor voor uw plek &#39;leerling monteur&#39;" in box
    assert box.index("Wat we van u vragen") < box.index("stelt een kandidaat voor") \
        < box.index("Wat er is gebeurd")
    assert "ongelezen" not in employer.get("/werkgever/").get_data(as_text=True)
    invite(app, world)
    # the decision is made: nothing is asked of the employer any more
    box = employer.get("/berichten").get_data(as_text=True)
    assert "Er wacht nu niets op u." in box
    with app.app_context():
        kinds = {(i.user_id, i.kind, i.done_at is not None)
                 for i in get_db().exec(select(InboxItem))}
        candidate_user = get_db().exec(select(User).where(User.email == CANDIDATE)).one().id
    # the candidate was asked (answered: done), then told about the appointment
    assert (candidate_user, "consent_request", True) in kinds
    assert (candidate_user, "appointment_set", False) in kinds
    nav = candidate.get("/kandidaat/").get_data(as_text=True)
    assert '<span class="badge">2<span class="visually-hidden"> ongelezen' in nav
    box = candidate.get("/berichten").get_data(as_text=True)
    assert "Kennismaking gepland: &#39;leerling monteur&#39;" in box and WRITTEN_OUT in box
    assert "Er wacht nu niets op jou." in box
    # the employer set it, so only the candidate hears about it in the inbox
    appointment = the_appointment(app)
    candidate.post(f"/afspraken/{appointment.id}/afzeggen")
    box = employer.get("/berichten").get_data(as_text=True)
    assert "Kennismaking afgezegd" in box and WRITTEN_OUT in box
    assert "Kennismaking afgezegd" not in candidate.get("/berichten").get_data(as_text=True)
    assert world["clients"]["advisor"].get("/berichten").status_code == 403


class CapturingSMTP:
    sent: list = []

    def __init__(self, host, port, timeout):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def send_message(self, message):
        CapturingSMTP.sent.append(message)


def test_the_invite_travels_as_a_text_calendar_attachment_over_smtp(app, world, monkeypatch):
    CapturingSMTP.sent = []
    monkeypatch.setattr(smtplib, "SMTP", CapturingSMTP)
    app.config["MAIL_URL"] = "smtp://mail.example.nl:25"
    invite(app, world)
    stored = the_appointment(app)
    by_address = {m["To"]: m for m in CapturingSMTP.sent}
    assert {CANDIDATE, EMPLOYER, ADVISOR} <= set(by_address)
    parts = [p for p in by_address[CANDIDATE].iter_attachments()]
    assert [p.get_content_type() for p in parts] == ["text/calendar"]
    assert parts[0].get_param("method") == "REQUEST"
    assert parts[0].get_filename() == "kennismaking.ics"
    assert str(event(Calendar.from_ical(parts[0].get_content()))["UID"]) == stored.uid


def test_a_non_text_attachment_is_set_aside_not_sent(app, world, monkeypatch):
    CapturingSMTP.sent = []
    monkeypatch.setattr(smtplib, "SMTP", CapturingSMTP)
    app.config["MAIL_URL"] = "smtp://mail.example.nl:25"
    with app.app_context():
        db = get_db()
        mail.queue(db, to="x@example.nl", subject="Test", body="Hallo",
                   attachment=mail.Attachment("a.bin", "application/octet-stream", "..."))
        db.commit()
        mail.deliver_pending(db)
        assert db.exec(select(OutboxMessage)).all()[-1].failed_at is not None
    assert "x@example.nl" not in {m["To"] for m in CapturingSMTP.sent}


def test_erasing_the_candidate_removes_appointments_invites_and_messages(app, world):
    invite(app, world)
    candidate = world["clients"]["candidate"]
    assert candidate.post("/kandidaat/verwijderen", data={"password": PASSWORD,
                                                          "confirm": "y"}).status_code == 302
    with app.app_context():
        db = get_db()
        assert db.exec(select(Appointment)).all() == []
        assert db.exec(select(InboxItem).where(col(InboxItem.match_id).is_not(None))).all() == []
        assert db.exec(select(OutboxMessage).where(
            col(OutboxMessage.attachment).is_not(None))).all() == []


def test_withdrawing_consent_cancels_the_appointment_without_naming_the_candidate(app, world):
    invite(app, world)
    first = the_appointment(app)
    withdrawn = world["clients"]["candidate"].post(
        f"/kandidaat/introducties/{world['match']}/intrekken", data={})
    assert withdrawn.status_code == 302, withdrawn.get_data(as_text=True)
    stored = the_appointment(app)
    assert stored.cancelled_at is not None and stored.sequence == 1
    for address in (CANDIDATE, EMPLOYER, ADVISOR):
        last = invites_to(app, address)[-1]
        vevent = event(last)
        assert (last["METHOD"], str(vevent["UID"]), vevent["SEQUENCE"]) == ("CANCEL",
                                                                           first.uid, 1)
        assert f"mailto:{CANDIDATE}" not in {str(a) for a in vevent["ATTENDEE"]}
    with app.app_context():
        last_to_employer = get_db().exec(select(OutboxMessage).where(
            OutboxMessage.recipient == EMPLOYER, col(OutboxMessage.attachment).is_not(None))
            .order_by(col(OutboxMessage.id).desc())).first()
    for secret in ("Samira", "Bouzid", CANDIDATE):
        assert secret not in last_to_employer.body + last_to_employer.attachment
