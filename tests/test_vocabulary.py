"""One vocabulary: every code has a Dutch and an English label, and pages never print raw codes."""

import re
from html.parser import HTMLParser

import pytest
from flask_babel import force_locale, get_translations
from sqlmodel import select

import matching.types
from spt import vocabulary
from spt.db import get_db
from spt.models import LEVELS, NT2_LEVELS, PLACEMENT_KINDS, THEMES, Candidate, Match, Placement
from spt.vocabulary import (
    AUDIENCES,
    PHRASE,
    VOCABULARIES,
    EducationLevel,
    Nt2Level,
    PlacementKind,
    Theme,
)

DEMO_PASSWORD = "demo-wachtwoord-2026"
EVERY_LABEL = [(name, code, audience) for name, cls in VOCABULARIES.items() for code in cls
               for audience in (None, *AUDIENCES, PHRASE)]


@pytest.mark.parametrize(("name", "code", "audience"), EVERY_LABEL)
def test_every_code_has_a_dutch_and_an_english_label(app, name, code, audience):
    text = code.label(audience)
    assert str(text).strip(), f"{name} {code} has no Dutch label"
    if code.label(audience) == code.value and isinstance(text, str):
        return  # CEFR levels: the code is the label in every language
    msgid = text._args[0]
    with app.test_request_context("/"), force_locale("en"):
        catalogue = get_translations()._catalog
        assert catalogue.get(msgid), f"{name} {code}: {msgid!r} has no English translation"


def test_the_matcher_keeps_a_copy_equal_to_the_vocabulary():
    assert matching.types.KINDS == PlacementKind.values() == PLACEMENT_KINDS
    assert matching.types.LEVELS == EducationLevel.values() == LEVELS
    assert matching.types.NT2_LEVELS == Nt2Level.values() == NT2_LEVELS
    assert matching.types.THEMES == Theme.values() == THEMES


def test_a_member_is_its_stored_string_and_an_unknown_code_passes_through(app):
    assert PlacementKind.WEP == "wep" and f"{PlacementKind.WEP}" == "wep"
    with app.test_request_context("/"):
        assert str(vocabulary.label("wep", "kind")) == "Werkervaringsplek (WEP)"
        assert str(vocabulary.label("wep", "kind", PHRASE)) == "een werkervaringsplek (WEP)"
        assert str(vocabulary.label("vacature", "kind", "employer")) == "Vacature (een baan)"
        assert vocabulary.label("iets-ouds", "kind") == "iets-ouds"
        assert vocabulary.label(None, "kind") == ""


def test_the_label_filter_speaks_the_pages_audience_and_language(app):
    template = "{{ 'vacature'|label('kind') }} / {{ ['bbl', 'wep']|labels('kind') }}"
    with app.test_request_context("/werkgever/"):
        assert app.jinja_env.from_string(template).render() == (
            "Vacature (een baan) / BBL-leerbaan (leren en werken), Werkervaringsplek (WEP)")
    with app.test_request_context("/adviseur/"), force_locale("en"):
        assert app.jinja_env.from_string(template).render() == (
            "Vacancy / BBL apprenticeship, Work-experience placement (WEP)")


# --- No raw code on the screen ------------------------------------------------------------


class _Text(HTMLParser):
    """The visible text nodes of a page (scripts and styles left out)."""

    def __init__(self):
        super().__init__()
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.nodes.append(data.strip())


def every_label(app, locale: str) -> list[str]:
    """Every label in Dutch and in this language, longest first."""
    texts = set()
    for language in {"nl", locale}:
        with app.test_request_context("/"), force_locale(language):
            texts |= {str(code.label(a)) for cls in VOCABULARIES.values() for code in cls
                      for a in (None, *AUDIENCES, PHRASE)}
    return sorted(texts, key=len, reverse=True)


SEPARATORS = ",·—:;()/|"


def raw_codes_in(html: str, labels: list[str]) -> list[str]:
    """Text pieces (between punctuation) that are exactly a code, such as 'Status: klaar'.

    Labels are taken out first, so "Een baan (vacature)" is no raw "vacature"; a code that is
    also a label ("geen") cannot be told apart and is not counted.
    """
    parser = _Text()
    parser.feed(html)
    codes = {code.value for cls in VOCABULARIES.values() for code in cls} - set(labels)
    found = []
    for node in parser.nodes:
        text = node
        for label in labels:  # a whole piece only: "stage installatietechniek" stays
            text = re.sub(rf"(^|[{SEPARATORS}])\s*{re.escape(label)}\s*(?=$|[{SEPARATORS}])",
                          r"\1|", text)
        for piece in re.split(rf"[{SEPARATORS}]| - ", text):
            if piece.strip() in codes:
                found.append(f"{piece.strip()!r} in {node[:80]!r}")
    return found


def test_the_raw_code_check_catches_what_users_saw(app):
    labels = every_label(app, "nl")
    assert raw_codes_in("<p>Status: klaar</p>", labels)
    assert raw_codes_in("<span>— wep, proefplaatsing, vacature</span>", labels)
    assert raw_codes_in("<td>bbl, wep</td>", labels)
    assert raw_codes_in("<td>on_hold</td>", labels)
    assert not raw_codes_in("<td>BBL-leerbaan, Een baan (vacature)</td><p>Status: Klaar</p>",
                            labels)


def _login(app, email: str):
    client = app.test_client()
    response = client.post("/inloggen", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, email
    return client


def _pages(app) -> dict[str, list[str]]:
    with app.app_context():
        db = get_db()
        candidates = db.exec(select(Candidate.id)).all()
        placements = db.exec(select(Placement.id)).all()
        shown = db.exec(select(Match.id, Placement.id).join(Placement).where(
            Match.status != "berekend")).all()
        kandidaat = db.exec(select(Candidate).where(
            Candidate.email == "kandidaat@example.nl")).one()
        assert kandidaat.kinds and kandidaat.themes
    employer_pages = ["/werkgever/", "/werkgever/plekken", "/werkgever/plekken/nieuw"]
    employer_pages += [f"/werkgever/plekken/{p}" for p in placements]
    employer_pages += [f"/werkgever/plekken/{p}/kandidaten" for p in placements]
    employer_pages += [f"/werkgever/kandidaten/{m}" for m, _p in shown]
    return {
        "kandidaat@example.nl": ["/kandidaat/", "/kandidaat/profiel", "/kandidaat/toestemming",
                                 "/kandidaat/mijn-gegevens", "/berichten",
                                 *[f"/intake/{n}" for n in range(1, 7)]],
        "werkgever@zonnewerk.nl": employer_pages,
        "adviseur@spt-match.nl": [
            "/adviseur/", "/adviseur/pipeline", "/adviseur/matchronde", "/adviseur/kpi",
            *[f"/adviseur/kandidaten/{c}" for c in candidates],
            *[f"/adviseur/kandidaten/{c}/gegevens" for c in candidates],
            *[f"/adviseur/plekken/{p}" for p in placements]],
    }


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_no_page_prints_a_raw_code(app, runner, locale):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    checked, problems, labels = 0, [], every_label(app, locale)
    for email, urls in _pages(app).items():
        client = _login(app, email)
        client.get(f"/taal/{locale}")
        if email.startswith("adviseur"):
            form = {"region": "", "theme": "", "max_per_placement": 1}
            round_page = client.post("/adviseur/matchronde", data=form, follow_redirects=True)
            assert round_page.status_code == 200
            html = round_page.get_data(as_text=True)
            problems += [f"matchronde: {p}" for p in raw_codes_in(html, labels)]
        for url in urls:
            response = client.get(url)
            if response.status_code in (403, 404):
                continue  # another employer's placement
            assert response.status_code == 200, url
            checked += 1
            html = response.get_data(as_text=True)
            problems += [f"{url}: {p}" for p in raw_codes_in(html, labels)]
    assert checked > 30
    assert not problems, "\n".join(problems)
