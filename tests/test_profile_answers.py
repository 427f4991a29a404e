"""Intake answers and the profile: one mapping, and a round trip over every field."""

import re
from datetime import date

import pytest
from sqlmodel import select

from spt.db import get_db
from spt.forms.intake import STEP_FORMS
from spt.models import Candidate
from spt.services.profile import ANSWERS, answers, apply_answers
from tests.test_intake import STEP1, STEP5, fill_steps, finish_and_log_in


def _selected_nt2(html: str) -> str:
    select_html = html[html.index('name="nt2_level"'):]
    select_html = select_html[:select_html.index("</select>")]
    return re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected',
                     select_html).group(0)


def test_a_native_speaker_editing_step_5_still_reads_moedertaal(app, client):
    fill_steps(client, upto=5)
    client.post("/intake/1", data={**STEP1, "native_dutch": "ja"})
    client.post("/intake/5", data={**STEP5, "nt2_level": "moedertaal"})
    finish_and_log_in(app, client)
    with app.app_context():
        stored = get_db().exec(select(Candidate)).one()
        assert (stored.nt2_level, stored.nt2_speaker) == ("C2", False)

    html = client.get("/intake/5").get_data(as_text=True)
    assert 'value="moedertaal"' in _selected_nt2(html)
    response = client.post("/intake/5", data={**STEP5, "nt2_level": "moedertaal"})
    assert response.status_code == 302
    with app.app_context():
        stored = get_db().exec(select(Candidate)).one()
        assert (stored.nt2_level, stored.nt2_speaker) == ("C2", False)
    assert 'value="moedertaal"' in _selected_nt2(client.get("/intake/5").get_data(as_text=True))


def test_a_second_language_speaker_at_c2_keeps_c2(app, client):
    fill_steps(client, upto=5)
    client.post("/intake/5", data={**STEP5, "nt2_level": "C2"})  # step 1 says: not native
    finish_and_log_in(app, client)
    html = client.get("/intake/5").get_data(as_text=True)
    assert 'value="C2"' in _selected_nt2(html)


PROFILES = [
    {"first_name": "Fatima", "last_name": "El Idrissi", "email": "f@example.nl",
     "phone": "06 1234 5678", "postcode": "1093 AB", "pc4": "1093", "birth_year": 1988,
     "heard_via": "uwv", "gender": "v", "nt2_speaker": True, "intent": "switch",
     "level": "mbo-3", "foreign_diploma": "erkend", "education_field": "elektrotechniek",
     "certificates": ["vca-basis"], "driving_licences": ["B", "C"],
     "themes": ["energie", "ict"], "kinds": ["bbl", "wep"], "themes_only": True,
     "kinds_only": False, "hours_strict": True, "hours_per_week": 32, "max_km": 25,
     "available_from": date(2027, 2, 1), "nt2_level": "B1"},
    # Nothing optional answered; a native speaker (C2 read back as "moedertaal").
    {"first_name": "Jan", "last_name": "de Vries", "email": "j@example.nl", "phone": "",
     "postcode": "1012", "pc4": "1012", "birth_year": 1970, "heard_via": "", "gender": None,
     "nt2_speaker": False, "intent": None, "level": None, "foreign_diploma": None,
     "education_field": "", "certificates": [], "driving_licences": [], "themes": ["bouw"],
     "kinds": ["vacature"], "themes_only": False, "kinds_only": True, "hours_strict": False,
     "hours_per_week": 40, "max_km": 10, "available_from": date(2027, 1, 4),
     "nt2_level": "C2"},
    # Step 1 left unanswered, a C2 speaker stays C2.
    {"first_name": "Ola", "last_name": "N", "email": "o@example.nl", "phone": "",
     "postcode": "1093", "pc4": "1093", "birth_year": 1999, "heard_via": "kennis",
     "gender": "x", "nt2_speaker": None, "intent": "grow", "level": "master",
     "foreign_diploma": "niet-erkend", "education_field": "", "certificates": [],
     "driving_licences": [], "themes": ["mobiliteit"], "kinds": ["stage"],
     "themes_only": False, "kinds_only": False, "hours_strict": False, "hours_per_week": 24,
     "max_km": 5, "available_from": date(2027, 3, 1), "nt2_level": "C2"},
]


@pytest.mark.parametrize("profile", PROFILES, ids=["every-field", "native-speaker", "unknown"])
def test_profile_to_form_data_to_profile_is_the_identity(app, profile):
    with app.app_context():
        draft = answers(Candidate(**profile))
        again = Candidate()
        apply_answers(again, draft)
        assert {key: getattr(again, key) for key in profile} == profile
        assert answers(again) == draft


def test_every_answer_of_the_step_forms_is_mapped_once(app):
    with app.test_request_context("/"):
        form_fields = {(str(step), field.name) for step, form in STEP_FORMS.items()
                       for field in form(meta={"csrf": False})
                       if field.name not in ("jobs", "skills", "csrf_token")}
    mapped = [(answer.step, answer.name) for answer in ANSWERS]
    assert len(mapped) == len(set(mapped))
    assert set(mapped) == form_fields
    attributes = {answer.attribute for answer in ANSWERS} | {"pc4"}
    assert attributes == {key for profile in PROFILES for key in profile}
