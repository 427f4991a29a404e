"""The advisor's werkvoorraad, candidate and placement pages, proposals and overrides."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

import matching
from matching import DEFAULT_WEIGHTS
from spt.db import get_db
from spt.models import (
    AuditEvent,
    Candidate,
    CandidateSkill,
    Employer,
    Match,
    Module,
    ModuleEnrolment,
    Skill,
    StatusChange,
    User,
)
from spt.models._base import utcnow
from spt.services import advisor_review, employers, introductions, matcher_profiles
from tests.factories import PASSWORD, make_candidate, make_employer, make_match, make_placement
from tests.mailbox import mails_to


@pytest.fixture
def world(app):
    """One candidate and two open placements: a close one (ranked first) and a far one."""
    _user, employer = make_employer(app, name="Zon & Dak BV")
    near = make_placement(app, employer, title="leerling zonnepaneelmonteur", pc4="1093",
                          theme="energie")
    far = make_placement(app, employer, title="monteur Zaandam", pc4="1506", theme="energie",
                         kind="vacature")
    cand_user, candidate = make_candidate(app)
    return {"employer": employer, "near": near, "far": far, "candidate": candidate,
            "candidate_user": cand_user}


def _events(app, action):
    with app.app_context():
        return get_db().exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_werkvoorraad_lists_new_intakes_and_claiming_sets_the_advisor(app, client, advisor,
                                                                      world):
    page = client.get("/adviseur/")
    assert page.status_code == 200
    assert f"K-{world['candidate']:06d}" in page.get_data(as_text=True)
    response = client.post(f"/adviseur/kandidaten/{world['candidate']}/oppakken")
    assert response.status_code == 302
    with app.app_context():
        assert get_db().get(Candidate, world["candidate"]).advisor_id == advisor
    assert f"K-{world['candidate']:06d}" not in client.get("/adviseur/").get_data(as_text=True)


def test_werkvoorraad_shows_each_list(app, client, advisor, world):
    make_employer(app, verified=False, name="Nog Te Checken BV")
    make_candidate(app, completed=False, first_name="Onvolledig")
    soon = make_placement(app, world["employer"], title="start binnenkort",
                          start_date=(utcnow() + timedelta(days=5)).date())
    assert soon
    _u, quiet = make_candidate(app, first_name="Stilte")
    with app.app_context():
        db = get_db()
        row = db.get(Candidate, quiet)
        row.last_contact_at = utcnow() - timedelta(days=40)
        db.add(row)
        db.commit()
    make_match(app, world["candidate"], world["near"], status="wacht_op_kandidaat")
    text = client.get("/adviseur/").get_data(as_text=True)
    for expected in ("Nog Te Checken BV", "Onvolledig", "start binnenkort", "Stilte",
                     "leerling zonnepaneelmonteur"):
        assert expected in text


def test_advisor_verifies_an_employer(app, client, advisor):
    _u, employer = make_employer(app, verified=False, email="baas@bedrijf.nl",
                                 name="Warmte Noord BV")
    assert client.post(f"/adviseur/werkgevers/{employer}/controleren").status_code == 302
    with app.app_context():
        row = get_db().get(Employer, employer)
        assert row.verified_at is not None and row.verified_by_id == advisor
    assert client.post(f"/adviseur/werkgevers/{employer}/controleren").status_code == 400
    (subject, body), = mails_to(app, "baas@bedrijf.nl")  # told once, not at the second try
    assert "gecontroleerd" in subject and "/werkgever/" in body
    employer_client = app.test_client()
    employer_client.post("/inloggen", data={"email": "baas@bedrijf.nl", "password": PASSWORD})
    assert '<span class="badge">1<span class="visually-hidden">' in employer_client.get(
        "/werkgever/").get_data(as_text=True)
    page = employer_client.get("/berichten").get_data(as_text=True)
    assert page.count("Een adviseur heeft Warmte Noord BV gecontroleerd.") == 1


def test_candidate_page_explains_the_ranking_and_logs_the_scores_shown(app, client, advisor,
                                                                       world):
    page = client.get(f"/adviseur/kandidaten/{world['candidate']}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for expected in ("leerling zonnepaneelmonteur", "Vereiste vaardigheden", "Gewicht",
                     "Reisafstand", "Volledigheid", "Loopbaanpaden", "Geschiedenis"):
        assert expected in text
    assert text.index("leerling zonnepaneelmonteur") < text.index("monteur Zaandam")
    events = _events(app, "advisor.scores_shown")
    assert len(events) == 1 and events[0].subject_id == world["candidate"]
    assert events[0].detail["weights"]["essential"] == DEFAULT_WEIGHTS.essential
    assert {row[0] for row in events[0].detail["shown"]} >= {str(world["near"])}


def test_candidate_page_phrases_hard_exclusions_in_dutch(app, client, advisor, world):
    make_placement(app, world["employer"], title="vrachtwagen", requires_driving_licence=True,
                   pc4="1093")
    _u, no_licence = make_candidate(app, driving_licences=[])
    text = client.get(f"/adviseur/kandidaten/{no_licence}").get_data(as_text=True)
    assert "De plek vraagt een rijbewijs dat de kandidaat niet heeft." in text


def test_proposing_the_top_placement_asks_consent_before_identity_is_shown(app, client, advisor,
                                                                           world):
    response = client.post(f"/adviseur/kandidaten/{world['candidate']}/voorstellen/"
                           f"{world['near']}", data={"version": 0, "note": "past goed"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        db = get_db()
        match = db.exec(select(Match).where(Match.candidate_id == world["candidate"])).one()
        assert match.status == "wacht_op_kandidaat" and match.proposed_by_id == advisor
        assert match.override_reason is None
        assert not introductions.identity_visible(db, candidate_id=world["candidate"],
                                                  employer_id=world["employer"])
        proposed = db.exec(select(AuditEvent).where(AuditEvent.action == "advisor.proposed")).one()
        assert proposed.detail["factors"] and proposed.detail["score"] == match.score
        assert db.get(Candidate, world["candidate"]).status == "matchvoorstel"

        introductions.answer(db, user=db.get(User, world["candidate_user"]), match_id=match.id,
                             consent=True)
    with app.app_context():
        assert introductions.identity_visible(get_db(), candidate_id=world["candidate"],
                                              employer_id=world["employer"])


def test_proposing_a_lower_ranked_placement_needs_a_reason(app, client, advisor, world):
    url = f"/adviseur/kandidaten/{world['candidate']}/voorstellen/{world['far']}"
    refused = client.post(url, data={"version": 0})
    assert refused.status_code == 400
    assert "Geef een reden op" in refused.get_data(as_text=True)
    with app.app_context():
        assert get_db().exec(select(Match)).all() == []
    response = client.post(url, data={"version": 0, "override_reason": "wil in Zaandam werken"})
    assert response.status_code == 302
    with app.app_context():
        match = get_db().exec(select(Match)).one()
        assert match.override_reason == "wil in Zaandam werken"
        assert match.status == "wacht_op_kandidaat"
    (event,) = _events(app, "advisor.override")
    assert event.detail["rank"] == 2 and event.detail["ranked_above"] == [str(world["near"])]
    assert event.detail["weights"]["distance"] == DEFAULT_WEIGHTS.distance
    assert event.detail["factors"]


def test_a_stale_version_on_propose_gets_409_and_changes_nothing(app, client, advisor, world):
    match_id = make_match(app, world["candidate"], world["near"], status="berekend")
    with app.app_context():
        db = get_db()
        match = db.get(Match, match_id)
        match.version = 3
        db.add(match)
        db.commit()
    response = client.post(f"/adviseur/kandidaten/{world['candidate']}/voorstellen/"
                           f"{world['near']}", data={"version": 2})
    assert response.status_code == 409
    assert "Iemand anders heeft deze match net gewijzigd" in response.get_data(as_text=True)
    with app.app_context():
        assert get_db().get(Match, match_id).status == "berekend"
        assert get_db().get(Match, match_id).version == 3


def test_placement_page_ranks_candidates_and_proposes(app, client, advisor, world):
    _u, second = make_candidate(app, first_name="Tweede", pc4="1506", postcode="1506 AA",
                                skills=())
    page = client.get(f"/adviseur/plekken/{world['near']}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Samira" in text and "Tweede" in text
    assert text.index("Samira") < text.index("Tweede")
    assert _events(app, "advisor.scores_shown")[0].subject_type == "placement"
    lower = client.post(f"/adviseur/plekken/{world['near']}/voorstellen/{second}",
                        data={"version": 0})
    assert lower.status_code == 400
    top = client.post(f"/adviseur/plekken/{world['near']}/voorstellen/{world['candidate']}",
                      data={"version": 0})
    assert top.status_code == 302


def test_notes_are_saved_and_an_unrecognised_skill_is_fixed_by_name(app, client, advisor,
                                                                     world):
    with app.app_context():
        db = get_db()
        db.add(CandidateSkill(candidate_id=world["candidate"], free_text="VCA basis",
                              needs_review=True))
        db.commit()
    text = client.get(f"/adviseur/kandidaten/{world['candidate']}").get_data(as_text=True)
    assert "“VCA basis”" in text and "niet herkend" in text and "Zoek een vaardigheid" in text
    client.post(f"/adviseur/kandidaten/{world['candidate']}/notities",
                data={"notes": "gemotiveerd, wil begeleiding bij taal"})
    with app.app_context():
        db = get_db()
        skill = db.exec(select(CandidateSkill).where(CandidateSkill.needs_review)).one()
    found = client.get(f"/adviseur/kandidaten/{world['candidate']}/herkenning",
                       query_string={"rij": f"skill-{skill.id}", "zoek": "vca"})
    assert 'value="vca-basis"' in found.get_data(as_text=True)
    response = client.post(f"/adviseur/kandidaten/{world['candidate']}/herkenning",
                           data={"rij": f"skill-{skill.id}", "doel": "vca-basis"})
    assert response.status_code == 302
    with app.app_context():
        db = get_db()
        assert db.get(Candidate, world["candidate"]).advisor_notes.startswith("gemotiveerd")
        mapped = db.get(CandidateSkill, skill.id)
        assert mapped.skill_id is not None and not mapped.needs_review
        assert mapped.mapped_by == "advisor"
    bad = client.post(f"/adviseur/kandidaten/{world['candidate']}/herkenning",
                      data={"rij": f"skill-{skill.id}", "doel": "bestaat-niet"})
    assert bad.status_code == 400
    assert "Kies een resultaat uit de lijst." in bad.get_data(as_text=True)


def test_a_fixed_skill_stays_fixed_when_the_candidate_saves_the_skills_step(app, client,
                                                                           advisor, world,
                                                                           login):
    typed = "panelen leggen op schuine daken"
    candidate_client = app.test_client()
    login(world["candidate_user"], on=candidate_client)
    step = {"skills-0-skill": typed, "skills-0-level": "2"}
    assert candidate_client.post("/intake/3", data=step).status_code == 302
    with app.app_context():
        row = get_db().exec(select(CandidateSkill).where(
            CandidateSkill.candidate_id == world["candidate"])).one()
    assert row.needs_review and row.skill_id is None
    client.post(f"/adviseur/kandidaten/{world['candidate']}/herkenning",
                data={"rij": f"skill-{row.id}", "doel": "zonnepanelen-monteren"})
    assert candidate_client.post("/intake/3", data=step | {"skills-0-level": "3"}).status_code \
        == 302
    with app.app_context():
        db = get_db()
        [again] = db.exec(select(CandidateSkill).where(
            CandidateSkill.candidate_id == world["candidate"])).all()
        slug = db.exec(select(Skill.slug).where(Skill.id == again.skill_id)).first()
    assert (slug, again.needs_review, again.self_level) == ("zonnepanelen-monteren", False, 3)


def test_candidate_history_shows_who_when_why(app, client, advisor, world):
    with app.app_context():
        db = get_db()
        db.add(StatusChange(subject_type="candidate", subject_id=world["candidate"],
                            from_status="aangemeld", to_status="intake_afgerond",
                            reason="intake telefonisch", actor_id=advisor))
        db.commit()
    text = client.get(f"/adviseur/kandidaten/{world['candidate']}").get_data(as_text=True)
    assert "intake telefonisch" in text and "advisor" in text


def test_a_match_created_since_the_page_was_shown_gets_409(app, client, advisor, world):
    make_match(app, world["candidate"], world["near"], status="wacht_op_kandidaat")
    response = client.post(f"/adviseur/kandidaten/{world['candidate']}/voorstellen/"
                           f"{world['near']}", data={"version": 0})
    assert response.status_code == 409
    with app.app_context():
        assert get_db().exec(select(Match)).one().status == "wacht_op_kandidaat"


def test_a_proposal_ranks_on_the_cached_index_and_maps_only_its_own_placement(
        app, client, advisor, world, monkeypatch):

    for n in range(5):
        make_placement(app, world["employer"], title=f"monteur {n}", pc4="1093", theme="energie")
    assert client.get(f"/adviseur/kandidaten/{world['candidate']}").status_code == 200
    builds, mapped = [], []
    real_build, real_map = matching.PlacementIndex.build, matcher_profiles._placement_profile
    monkeypatch.setattr(matching.PlacementIndex, "build",
                        lambda *a, **k: builds.append(1) or real_build(*a, **k))
    monkeypatch.setattr(matcher_profiles, "_placement_profile",
                        lambda *a, **k: mapped.append(a[0].id) or real_map(*a, **k))
    response = client.post(f"/adviseur/kandidaten/{world['candidate']}/voorstellen/"
                           f"{world['far']}", data={"version": 0, "override_reason": "wil dit"})
    assert response.status_code == 302
    assert builds == [] and mapped == [world["far"]]
    (event,) = _events(app, "advisor.override")
    assert event.detail["rank"] == 7 and str(world["near"]) in event.detail["ranked_above"]


def test_the_candidate_page_honours_alleen_and_licence_categories(app, client, advisor, world):
    truck = make_placement(app, world["employer"], title="chauffeur laadpalen", pc4="1093",
                           theme="energie", kind="bbl", required_licences=["C"])
    _u, picky = make_candidate(app, kinds=["bbl"], kinds_only=True, driving_licences=["CE"])
    text = client.get(f"/adviseur/kandidaten/{picky}").get_data(as_text=True)
    assert "De kandidaat wil alleen een andere soort plek." in text  # the far one is a vacature
    with app.app_context():

        page = advisor_review.candidate_page(get_db(), viewer_id=advisor, candidate_id=picky)
        eligible = {r.placement.id: r.result.eligible for r in page.ranked}
    assert eligible[truck] and eligible[world["near"]]  # CE includes C
    assert not eligible[world["far"]]


def test_the_advisor_sees_counts_wishes_and_what_closes_a_vca_gap(app, client, advisor, world):
    vca = make_placement(app, world["employer"], title="monteur met vca", pc4="1093",
                         theme="ict", kind="vacature", requires_vca=True,
                         essential=("zonnepanelen-monteren", "helpdesk"))
    _u, candidate = make_candidate(app, certificates=[], kinds=["bbl"], themes=["energie"])
    html = client.get(f"/adviseur/kandidaten/{candidate}").get_data(as_text=True)
    card = html[html.index("monteur met vca"):]
    card = card[:card.index("</article>")] if "</article>" in card else card[:6000]
    assert "Vereiste vaardigheden:</strong> 1 van 2" in card
    assert "niet gehaald: thema, soort plek" in card and "een gok" in card
    assert "haalbaar met VCA Basisveiligheid (B-VCA) (1 week" in card
    assert str(vca) in html


def test_the_advisor_sees_the_intent_and_the_wishes_said_with_alleen(app, client, advisor):
    _u, candidate = make_candidate(app, intent="switch", kinds_only=True, hours_strict=True)
    html = client.get(f"/adviseur/kandidaten/{candidate}").get_data(as_text=True)
    assert "overstappen naar ander werk" in html
    assert html.count("(alleen deze)") == 1 and "(precies)" in html


def test_a_started_module_is_not_advised_again_on_the_advisors_page(app, advisor):


    _eu, employer = make_employer(app)
    placement = make_placement(app, employer, title="pv monteur", pc4="1093", theme="energie",
                               essential=("omvormers-installeren",))
    _u, candidate = make_candidate(app)

    def planned():
        with app.app_context():
            page = advisor_review.candidate_page(get_db(), viewer_id=advisor,
                                                 candidate_id=candidate)
            (row,) = [r for r in page.ranked if r.placement.id == placement]
            return [m.id for m in row.plan.modules]

    first = planned()
    assert first  # a module teaches it
    with app.app_context():
        db = get_db()
        module = db.exec(select(Module).where(Module.slug == first[0])).one()
        db.add(ModuleEnrolment(candidate_id=candidate, module_id=module.id, status="gestart",
                               started_on=date(2026, 11, 2)))
        db.commit()
    assert first[0] not in planned()


def test_advisor_refuses_an_employer_with_a_reason_the_employer_reads(app, client, advisor):
    _u, employer = make_employer(app, verified=False, email="nee@bedrijf.nl",
                                 name="Klusbedrijf Zuid")
    empty = client.post(f"/adviseur/werkgevers/{employer}/afwijzen", data={"reason": "  "})
    assert empty.status_code == 400 and "Schrijf op waarom" in empty.get_data(as_text=True)
    refused = client.post(f"/adviseur/werkgevers/{employer}/afwijzen", data={
        "reason": "Het KvK-nummer hoort bij een ander bedrijf."}, follow_redirects=True)
    assert "Klusbedrijf Zuid is niet goedgekeurd" in refused.get_data(as_text=True)
    with app.app_context():
        row = get_db().get(Employer, employer)
        assert row.refused_at is not None and row.verified_at is None
        assert row.refusal_reason == "Het KvK-nummer hoort bij een ander bedrijf."
    assert "Klusbedrijf Zuid" not in client.get("/adviseur/").get_data(as_text=True)
    (subject, body), = mails_to(app, "nee@bedrijf.nl")
    assert "nog niet goedgekeurd" in subject and "ander bedrijf" in body
    boss = app.test_client()
    boss.post("/inloggen", data={"email": "nee@bedrijf.nl", "password": PASSWORD})
    home = boss.get("/werkgever/").get_data(as_text=True)
    assert "De reden: Het KvK-nummer hoort bij een ander bedrijf." in home
    assert "Het KvK-nummer hoort bij een ander bedrijf" in boss.get("/berichten").get_data(
        as_text=True)
    with app.app_context():  # the employer corrects the organisation: back in the queue
        db = get_db()
        employers.save_profile(db, employer=db.get(Employer, employer), actor_id=_u, data={
            **{k: getattr(db.get(Employer, employer), k) for k in employers.PROFILE_KEYS},
            "postcode": "1011AB", "recognised_training_company": False, "sbb_number": ""})
    assert "Klusbedrijf Zuid" in client.get("/adviseur/").get_data(as_text=True)
