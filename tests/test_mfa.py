"""The second login factor (TOTP) for advisors and admins."""

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import segno
from freezegun import freeze_time
from sqlmodel import select

from spt.db import get_db
from spt.extensions import limiter
from spt.models import AuditEvent, User
from spt.services.demo import DEMO_TOTP_SECRET
from spt.views.mfa import is_staff_endpoint
from tests.conftest import PASSWORD


@pytest.fixture
def mfa_app(app):
    app.config["MFA_REQUIRED"] = True
    return app


def _user(app, user_id) -> User:
    with app.app_context():
        return get_db().get(User, user_id)


def _give_secret(app, user_id) -> str:
    secret = pyotp.random_base32()
    with app.app_context():
        db = get_db()
        user = db.get(User, user_id)
        user.totp_secret = secret
        db.commit()
    return secret


def _password_step(client, app, user_id):
    return client.post("/inloggen", data={"email": _user(app, user_id).email,
                                          "password": PASSWORD})


def test_advisor_without_a_second_factor_must_set_it_up_before_any_staff_page(
        mfa_app, client, make_user):
    advisor = make_user("advisor")
    response = _password_step(client, mfa_app, advisor)
    assert response.headers["Location"].endswith("/tweestapsverificatie")
    for path in ("/adviseur/", "/adviseur/pipeline", "/adviseur/kpi"):
        assert client.get(path).headers["Location"].endswith("/tweestapsverificatie")
    setup_page = client.get("/tweestapsverificatie")
    assert setup_page.headers["Cache-Control"] == "no-store"
    page = setup_page.get_data(as_text=True)
    uri = re.search(r"otpauth://totp/[^<\s]+", page).group(0).replace("&amp;", "&")
    secret = re.search(r"secret=([A-Z2-7]+)", uri).group(1)
    assert "SPT%20Match" in uri and "api.qrserver" not in page and "chart.googleapis" not in page

    wrong = client.post("/tweestapsverificatie", data={"code": "000000"})
    assert wrong.status_code == 400 and "Deze code klopt niet" in wrong.get_data(as_text=True)
    assert _user(mfa_app, advisor).totp_secret is None

    right = client.post("/tweestapsverificatie", data={"code": pyotp.TOTP(secret).now()})
    assert right.status_code == 302
    assert _user(mfa_app, advisor).totp_secret == secret
    assert client.get("/adviseur/").status_code == 200


def _qr_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules (row, column) drawn by segno's SVG path ("M4 4.5h7m1 0h3...")."""
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)
    dark, x, y = set(), 0.0, 0.0
    for op, args in re.findall(r"([MmHh])([-\d. ]+)", path):
        numbers = [float(n) for n in args.split()]
        if op == "M":
            x, y = numbers
        elif op == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            dark |= {(int(y), int(x) + i) for i in range(int(numbers[0]))}
            x += numbers[0]
    return dark


def test_the_setup_page_shows_a_qr_code_of_the_same_key_drawn_on_the_server(
        mfa_app, client, make_user):
    _password_step(client, mfa_app, make_user("advisor"))
    page = client.get("/tweestapsverificatie").get_data(as_text=True)
    uri = re.search(r"otpauth://totp/[^<\s]+", page).group(0).replace("&amp;", "&")
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert "<title>" in svg and "<script" not in svg and "<img" not in page
    expected = segno.make(uri, error="m")
    border = 4
    drawn = {(r - border, c - border) for r, c in _qr_modules(svg)}
    assert drawn == {(r, c) for r, row in enumerate(expected.matrix)
                     for c, bit in enumerate(row) if bit}
    other = segno.make(uri.replace("secret=", "secret=A"), error="m")
    assert drawn != {(r, c) for r, row in enumerate(other.matrix) for c, bit in enumerate(row)
                     if bit}


def test_admin_pages_also_wait_for_the_second_factor(mfa_app, client, make_user):
    admin = make_user("admin")
    _password_step(client, mfa_app, admin)
    for path in ("/beheer/", "/beheer/audit", "/beheer/vaardigheden", "/beheer/gebruikers"):
        assert client.get(path).headers["Location"].endswith("/tweestapsverificatie"), path


def test_candidates_and_employers_never_need_a_second_factor(mfa_app, client, make_user, login):
    login(make_user("candidate"))
    assert client.get("/kandidaat/").status_code == 200
    assert client.get("/tweestapsverificatie").status_code == 302


def test_a_user_with_a_secret_is_logged_in_only_after_the_code(mfa_app, client, make_user):
    advisor = make_user("advisor")
    secret = _give_secret(mfa_app, advisor)
    response = client.post("/inloggen?next=/adviseur/pipeline", data={
        "email": _user(mfa_app, advisor).email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/inloggen/code")
    assert "/inloggen" in client.get("/adviseur/").headers["Location"]

    bad = client.post("/inloggen/code", data={"code": "12345x"})
    assert bad.status_code == 400 and "6 cijfers" in bad.get_data(as_text=True)
    good = client.post("/inloggen/code", data={"code": pyotp.TOTP(secret).now()})
    assert good.headers["Location"].endswith("/adviseur/pipeline")
    assert client.get("/adviseur/").status_code == 200
    with mfa_app.app_context():
        logins = get_db().exec(select(AuditEvent).where(
            AuditEvent.action == "account.login", AuditEvent.actor_id == advisor)).all()
        assert [e.detail for e in logins] == [{"mfa": True}]


def test_a_code_cannot_be_used_twice(mfa_app, client, make_user):
    advisor = make_user("advisor")
    secret = _give_secret(mfa_app, advisor)
    with freeze_time(datetime.now(UTC), tick=False):
        code = pyotp.TOTP(secret).now()
        _password_step(client, mfa_app, advisor)
        assert client.post("/inloggen/code", data={"code": code}).status_code == 302
        other = mfa_app.test_client()
        _password_step(other, mfa_app, advisor)
        replay = other.post("/inloggen/code", data={"code": code})
        assert replay.status_code == 400


def test_the_second_step_expires_after_five_minutes(mfa_app, client, make_user):
    advisor = make_user("advisor")
    secret = _give_secret(mfa_app, advisor)
    start = datetime.now(UTC)
    with freeze_time(start) as frozen:
        _password_step(client, mfa_app, advisor)
        frozen.move_to(start + timedelta(minutes=5, seconds=5))
        response = client.post("/inloggen/code", data={"code": pyotp.TOTP(secret).now()})
        assert response.headers["Location"].endswith("/inloggen")
        assert "/inloggen" in client.get("/adviseur/").headers["Location"]


def test_the_code_page_without_a_password_step_sends_you_to_login(mfa_app, client):
    assert client.get("/inloggen/code").headers["Location"].endswith("/inloggen")


def test_wrong_codes_count_towards_the_lockout(mfa_app, client, make_user):
    advisor = make_user("advisor")
    secret = _give_secret(mfa_app, advisor)
    _password_step(client, mfa_app, advisor)
    for _ in range(5):
        assert client.post("/inloggen/code", data={"code": "000000"}).status_code == 400
    locked = client.post("/inloggen/code", data={"code": pyotp.TOTP(secret).now()})
    assert "Te veel mislukte pogingen" in locked.get_data(as_text=True)
    again = _password_step(client, mfa_app, advisor)
    assert again.status_code == 400 and "Inloggen is niet gelukt" in again.get_data(as_text=True)


def test_the_code_step_is_rate_limited(mfa_app, make_user):
    advisor = make_user("advisor")
    _give_secret(mfa_app, advisor)
    mfa_app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(mfa_app)
    client = mfa_app.test_client()
    try:
        _password_step(client, mfa_app, advisor)
        codes = [client.post("/inloggen/code", data={"code": "000000"}).status_code
                 for _ in range(12)]
    finally:
        limiter.enabled = False
    assert codes[-1] == 429


def test_every_advisor_and_admin_route_is_behind_the_second_factor(app):
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            roles = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
            staff_only = roles is not None and not {"candidate", "employer"} & set(roles)
            if staff_only or rule.rule.startswith(("/adviseur", "/beheer")):
                assert is_staff_endpoint(rule.endpoint), rule.rule
        for endpoint in ("candidate.home", "employer.home", "auth.login", "main.index"):
            assert not is_staff_endpoint(endpoint)


def test_the_mfa_flag_reads_false_from_the_environment(app, client, make_user):
    app.config["MFA_REQUIRED"] = "false"
    advisor = make_user("advisor")
    assert _password_step(client, app, advisor).headers["Location"].endswith("/adviseur/")


def test_demo_staff_log_in_with_the_printed_demo_key(mfa_app, runner, client):
    output = runner.invoke(args=["seed-demo"]).output
    assert DEMO_TOTP_SECRET in output
    response = client.post("/inloggen", data={"email": "adviseur@spt-match.nl",
                                              "password": "demo-wachtwoord-2026"})
    assert response.headers["Location"].endswith("/inloggen/code")
    client.post("/inloggen/code", data={"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
    assert client.get("/adviseur/").status_code == 200


def test_the_command_line_resets_a_lost_second_factor(app, runner, make_user):
    admin = make_user("admin", email="enige-beheerder@spt.nl")
    _give_secret(app, admin)
    result = runner.invoke(args=["reset-mfa", "--email", "Enige-Beheerder@spt.nl"])
    assert result.exit_code == 0, result.output
    assert _user(app, admin).totp_secret is None
    again = runner.invoke(args=["reset-mfa", "--email", "enige-beheerder@spt.nl"])
    assert again.exit_code != 0 and "geen tweestapsverificatie" in again.output
    assert runner.invoke(args=["reset-mfa", "--email", "niemand@spt.nl"]).exit_code != 0
