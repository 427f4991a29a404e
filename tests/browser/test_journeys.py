"""Browser journeys: candidates, employers and advisors as they meet SPT Match in Chromium.

Every page a journey visits gets a screenshot (tests/screenshots/<journey>/) and an axe-core check;
a journey fails on any serious or critical accessibility violation.
"""

import re
from datetime import date, timedelta

import yaml
from playwright.sync_api import expect

from spt.services.reference import data_file
from tests.browser.conftest import DEMO_PASSWORD
from tests.mailbox import link_to

# Demo candidates by name, to log in as whoever the matcher ranks first.
DEMO_CANDIDATES = {f"{c['first_name']} {c['last_name']}": c["email"] for c in yaml.safe_load(
    data_file("demo.yaml").read_text("utf-8"))["candidates"]}

PASSWORD = "een lang wachtwoord 42"
ABOUT = {"Voornaam": "Nadia", "Achternaam": "Willems", "Telefoonnummer": "06 9876 5432",
         "Postcode": "1315 AB", "Geboortejaar": "1990"}
JOBS = [("elektricien", "4"), ("vrachtwagenchauffeur", "6")]
SKILLS = [("storingen zoeken", "Goed"), ("werken op hoogte", "Basis"),
          ("klantvriendelijk", "Expert")]


def test_candidate_completes_intake_and_sees_career_paths(page, live_server, journey):
    """A visitor signs up from the front page, does the six steps and sees career paths."""
    page.goto("/")
    journey.visit("voorpagina")
    page.get_by_role("link", name="Aanmelden als kandidaat").click()
    journey.visit("aanmelden")
    page.get_by_label("E-mailadres").fill("nadia@example.nl")
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Herhaal wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Account maken").click()
    expect(page.get_by_text("Kijk in je mail")).to_be_visible()
    journey.visit("kijk-in-je-mail")
    _confirm_and_log_in(page, live_server, "nadia@example.nl")

    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn loopbaan")
    journey.visit("start")
    page.get_by_role("link", name="Start of ga verder met de intake").click()

    _expect_step(page, 1, "Over jou")
    _next(page)  # nothing filled in: the errors are listed above the form and at each field
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Controleer het formulier")
    expect(summary.get_by_role("link", name="Voornaam: Dit veld is verplicht.")).to_be_visible()
    expect(page.get_by_label("Voornaam", exact=True)).to_have_attribute("aria-invalid", "true")
    journey.visit("stap-1-fouten")
    for label, value in {**ABOUT, "E-mailadres": "nadia@example.nl"}.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Hoe heb je van ons gehoord?").select_option(label="UWV of werk.nl")
    journey.visit("stap-1")
    _next(page)

    _expect_step(page, 2, "Werk en ervaring")
    for n, (title, years) in enumerate(JOBS, start=1):
        group = page.get_by_role("group", name=f"Werk {n}")
        group.get_by_label("Beroep of functie").fill(title)
        group.get_by_label("Aantal jaren").fill(years)
    journey.visit("stap-2")
    _next(page)
    _expect_recognised(page, 2, "Werk en ervaring", "elektromonteur")  # "elektricien"
    journey.visit("stap-2-herkend")
    _next(page)

    _expect_step(page, 3, "Vaardigheden")
    for n, (skill, level) in enumerate(SKILLS, start=1):
        page.get_by_label(f"Vaardigheid {n}", exact=True).fill(skill)
        page.get_by_label(f"Niveau van vaardigheid {n}", exact=True).select_option(label=level)
    journey.visit("stap-3")
    _next(page)
    _expect_recognised(page, 3, "Vaardigheden", "storingen zoeken")
    journey.visit("stap-3-herkend")
    _next(page)

    _expect_step(page, 4, "Opleiding en certificaten")
    page.get_by_label("Hoogste opleiding").select_option(label="mbo niveau 2")
    page.get_by_label("VCA basis").check()
    page.get_by_label("B", exact=True).check()
    journey.visit("stap-4")
    _next(page)

    _expect_step(page, 5, "Wensen")
    page.get_by_label("Energie (zon, wind, warmte, laadpalen)").check()
    page.get_by_label("Installatietechniek").check()
    page.get_by_label("Leren en werken: BBL-leerbaan").check()
    page.get_by_label("Een baan (vacature)").check()
    page.get_by_label("Uren per week").fill("32")
    page.get_by_label("Vanaf wanneer kun je beginnen?").fill("2027-01-11")
    page.get_by_label("Hoe ver wil je reizen? (km, enkele reis)").fill("30")
    page.get_by_label("Hoe goed spreek je Nederlands?").select_option("B1")
    journey.visit("stap-5")
    _next(page)

    _expect_step(page, 6, "Toestemming")
    page.get_by_label("Ik heb de privacyverklaring gelezen.").check()
    page.get_by_label("SPT mag mijn gegevens gebruiken").check()
    page.get_by_label("Een adviseur mag mijn profiel").check()
    journey.visit("stap-6")
    page.get_by_role("button", name="Intake afronden").click()

    _expect_career_paths(page, "Nadia")
    journey.visit("mijn-loopbaan")

    page.goto("/kandidaat/mijn-gegevens")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Alle gegevens die we over je bewaren")
    expect(page.get_by_text("11 januari 2027")).to_be_visible()
    journey.visit("mijn-gegevens")
    journey.assert_accessible()


def test_candidate_completes_intake_with_the_keyboard_only(page, live_server, journey):
    """The same intake with Tab, typing, Space, Enter and arrow keys; never the mouse."""
    keys = Keyboard(page)
    page.goto("/intake/")
    _expect_step(page, 1, "Over jou")
    keys.tab_to("Naar de inhoud")  # the skip link is the first stop and works
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"

    for label, value in {**ABOUT, "E-mailadres": "karim@example.nl"}.items():
        keys.tab_to(label)
        page.keyboard.type(value)
    keys.tab_to("Hoe heb je van ons gehoord?")
    keys.choose("UWV of werk.nl")
    journey.visit("stap-1")
    keys.submit("Opslaan en verder")

    _expect_step(page, 2, "Werk en ervaring")
    keys.tab_to("Beroep of functie", nth=0)
    page.keyboard.type("installatiemonteur")
    keys.tab_to("Aantal jaren", nth=0)
    page.keyboard.type("3")
    journey.visit("stap-2")
    keys.submit("Opslaan en verder")
    _expect_recognised(page, 2, "Werk en ervaring", "installatiemonteur")
    keys.submit("Opslaan en verder")

    _expect_step(page, 3, "Vaardigheden")
    for n, (skill, level) in enumerate(SKILLS, start=1):
        keys.tab_to(f"Vaardigheid {n}")
        page.keyboard.type(skill)
        keys.tab_to(f"Niveau van vaardigheid {n}")
        keys.choose(level)
    journey.visit("stap-3")
    keys.submit("Opslaan en verder")
    _expect_recognised(page, 3, "Vaardigheden", "storingen zoeken")
    keys.submit("Opslaan en verder")

    _expect_step(page, 4, "Opleiding en certificaten")
    keys.tab_to("Hoogste opleiding")
    keys.choose("mbo niveau 3")
    keys.tab_to("VCA basis")
    page.keyboard.press("Space")
    keys.tab_to("B")
    page.keyboard.press("Space")
    journey.visit("stap-4")
    keys.submit("Opslaan en verder")

    _expect_step(page, 5, "Wensen")
    for label in ("Energie (zon, wind, warmte, laadpalen)", "Leren en werken: BBL-leerbaan"):
        keys.tab_to(label)
        page.keyboard.press("Space")
    keys.tab_to("Uren per week")
    page.keyboard.type("36")
    keys.tab_to("Vanaf wanneer kun je beginnen?")
    keys.type_date("2027-02-01")
    keys.tab_to("Hoe ver wil je reizen? (km, enkele reis)")
    page.keyboard.type("25")
    keys.tab_to("Hoe goed spreek je Nederlands?")
    keys.choose("B2")
    journey.visit("stap-5")
    keys.submit("Opslaan en verder")

    _expect_step(page, 6, "Toestemming")
    for label in ("Ik heb de privacyverklaring gelezen.", "SPT mag mijn gegevens gebruiken",
                  "Een adviseur mag mijn profiel"):
        keys.tab_to(label, prefix=True)
        page.keyboard.press("Space")
    keys.tab_to("Kies een wachtwoord")
    page.keyboard.type(PASSWORD)
    keys.tab_to("Herhaal wachtwoord")
    page.keyboard.type(PASSWORD)
    journey.visit("stap-6")
    keys.submit("Intake afronden")
    expect(page.get_by_text("Kijk in je mail")).to_be_visible()
    _confirm_and_log_in(page, live_server, "karim@example.nl")

    _expect_career_paths(page, "Nadia")
    journey.visit("mijn-loopbaan")
    keys.tab_to("Mijn profiel")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    stored = page.get_by_role("table", name="Wat we van je weten")
    # what was chosen reads as its label, never as the stored code
    for typed in ("installatiemonteur", "mbo niveau 3", "Energie", "BBL-leerbaan", "36 uur",
                  "2027-02-01", "25 km"):
        expect(stored).to_contain_text(typed)
    journey.visit("mijn-profiel")
    assert keys.unfocused_stops == [], f"focus not visible on: {keys.unfocused_stops}"
    journey.assert_accessible()


PUBLIC_PAGES = ["/", "/hoe-werkt-het-matchen", "/privacy", "/toegankelijkheid", "/inloggen",
                "/registreren",
                "/werkgever/registreren", "/intake/1", "/intake/2", "/intake/3", "/intake/4",
                "/intake/5", "/intake/6", "/loopbaanpaden", "/loopbaanpaden/laadpaalmonteur",
                "/scholing?thema=energie", "/scholing/keuzedeel-laadpalen",
                "/embed/loopbaanpaden?thema=energie"]


def test_public_pages_fit_a_phone_screen(page, journey):
    """Most candidates arrive on a phone: no sideways scrolling, and still accessible."""
    page.set_viewport_size({"width": 360, "height": 740})
    for path in PUBLIC_PAGES:
        page.goto(path)
        journey.visit(path.strip("/").replace("/", "-") or "voorpagina")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a 360px screen"
    journey.assert_accessible()


def _expect_step(page, number: int, title: str) -> None:
    expect(page).to_have_url(re.compile(rf"/intake/{number}(#.*)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text(f"Stap {number} van 6")).to_be_visible()


def _confirm_and_log_in(page, live_server, email: str) -> None:
    """Open the confirmation link from the mail, then log in with the form."""
    page.goto(link_to(live_server.app, email, "/e-mailadres-bevestigen/"))
    expect(page.get_by_text("Je e-mailadres is bevestigd")).to_be_visible()
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def _expect_recognised(page, number: int, title: str, label: str) -> None:
    """After saving, the same step shows what each typed text was recognised as."""
    _expect_step(page, number, title)
    expect(page.get_by_text("Herkend als").first).to_be_visible()
    expect(page.locator(".reading strong", has_text=label).first).to_be_visible()


def _next(page) -> None:
    page.get_by_role("button", name="Opslaan en verder").click()


def _expect_career_paths(page, first_name: str) -> None:
    expect(page).to_have_url(re.compile(r"/kandidaat/?(#.*)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn loopbaan")
    expect(page.get_by_text(f"Hallo {first_name}.")).to_be_visible()
    paths = page.get_by_role("region", name="Loopbaanpaden die bij je passen")
    expect(paths.get_by_role("heading", level=3).first).to_be_visible()
    assert paths.get_by_role("article").count() >= 1


class Keyboard:
    """Drive a page with the keyboard alone, and note tab stops whose focus is not visible."""

    MAX_TABS = 80

    def __init__(self, page):
        self.page = page
        self.unfocused_stops: list[str] = []

    def _focused(self) -> dict:
        return self.page.evaluate("""() => {
            const el = document.activeElement;
            if (!el || el === document.body) return {name: '', index: -1, visible: true};
            const labels = el.labels ? Array.from(el.labels).map(l => l.innerText.trim()) : [];
            const name = (labels[0] || el.getAttribute('aria-label') || el.innerText ||
                          el.value || '').trim();
            const same = Array.from(document.querySelectorAll(el.tagName)).filter(
                other => (other.labels && other.labels[0] &&
                          other.labels[0].innerText.trim() === name));
            const style = getComputedStyle(el);
            const visible = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
                            || style.boxShadow !== 'none';
            return {name, index: same.indexOf(el), visible};
        }""")

    def tab_to(self, name: str, *, nth: int = 0, prefix: bool = False) -> None:
        """Press Tab until the element with this accessible label has focus."""
        for _ in range(self.MAX_TABS):
            self.page.keyboard.press("Tab")
            focused = self._focused()
            stop = f"{focused['name'][:40]!r} on {self.page.url}"
            if focused["index"] != -1 or focused["name"]:  # every stop passed shows its focus
                if not focused["visible"] and stop not in self.unfocused_stops:
                    self.unfocused_stops.append(stop)
            found = focused["name"].startswith(name) if prefix else focused["name"] == name
            if found and max(focused["index"], 0) == nth:
                return
        raise AssertionError(f"Tab never reached {name!r} on {self.page.url}")

    def choose(self, label: str) -> None:
        """Move the focused <select> to the option with this text using the arrow keys."""
        start = self.page.evaluate("document.activeElement.selectedIndex")
        count = self.page.evaluate("document.activeElement.options.length")
        key = "ArrowDown"
        for _ in range(2 * count):
            if self.page.evaluate("document.activeElement.selectedOptions[0].text.trim()") == label:
                return
            index = self.page.evaluate("document.activeElement.selectedIndex")
            if index == count - 1:
                key = "ArrowUp"
            self.page.keyboard.press(key)
        raise AssertionError(f"option {label!r} not reachable from index {start}")

    def type_date(self, iso: str) -> None:
        """Type a date into a focused <input type=date>.

        Its segments follow Chromium's interface language (month first in en-US, day first in
        nl), not the page's: try day first, and if the value comes out swapped go back with
        Shift+Tab and type it month first.
        """
        year, month, day = iso.split("-")
        for order in ((day, month, year), (month, day, year)):
            for part in order:
                self.page.keyboard.type(part)
            value = self.page.evaluate("document.activeElement.value")
            if value == iso:
                return
            self.page.keyboard.press("Shift+Tab")
            self.page.keyboard.press("Shift+Tab")
        raise AssertionError(f"date input holds {value!r}, wanted {iso!r}")

    def submit(self, button: str) -> None:
        """Tab to the submit button and press Enter; wait for the next page."""
        self.tab_to(button)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")


ORGANISATION = "Warmtewerk Oost BV"
BBL_TITLE = "leerling monteur elektrotechnische installaties"


def test_employer_registers_is_verified_posts_a_bbl_place_and_accepts_an_introduction(
        page, new_page, live_server, journey):
    """Employer, advisor and candidate each in their own browser, from sign-up to kennismaking."""
    employer = page
    employer.goto("/")
    employer.get_by_role("link", name="Aanmelden als werkgever").click()
    journey.visit("werkgever-aanmelden")
    employer.get_by_label("E-mailadres").fill("info@warmtewerk.nl")
    employer.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    employer.get_by_label("Herhaal wachtwoord").fill(PASSWORD)
    employer.get_by_label("Naam organisatie").fill(ORGANISATION)
    employer.get_by_label("Naam contactpersoon").fill("Sanne de Jong")
    employer.get_by_role("button", name="Account maken").click()
    _confirm_and_log_in(employer, live_server, "info@warmtewerk.nl")
    expect(employer.get_by_role("heading", level=1)).to_have_text(ORGANISATION)
    expect(employer.get_by_text("wacht op controle door een adviseur")).to_be_visible()
    journey.visit("werkgever-start")

    employer.get_by_role("link", name="Organisatie").click()
    employer.get_by_label("KvK-nummer").fill("81234567")
    employer.get_by_label("Postcode van de vestiging").fill("1093 AB")
    employer.get_by_label("Sector").select_option(label="Installatietechniek")
    employer.get_by_label("Wij zijn een erkend leerbedrijf (SBB)").check()
    employer.get_by_label("SBB-nummer (leerbedrijf-ID)").fill("100777888")
    employer.get_by_label("Aantal praktijkopleiders en werkbegeleiders").fill("2")
    employer.get_by_label("Begeleidingscapaciteit").fill("2")
    journey.visit("werkgever-organisatie")
    employer.get_by_role("button", name="Opslaan").click()
    expect(employer.get_by_text("De gegevens van uw organisatie zijn opgeslagen.")).to_be_visible()

    advisor = new_page()
    _log_in(advisor, "adviseur@spt-match.nl", DEMO_PASSWORD, journey)
    expect(advisor.get_by_role("heading", level=1)).to_have_text("Werkvoorraad")
    journey.visit("adviseur-werkvoorraad", advisor)
    row = advisor.get_by_role("row").filter(has_text=ORGANISATION)
    row.get_by_role("button", name="Gecontroleerd").click()
    expect(advisor.get_by_text(f"{ORGANISATION} is gecontroleerd.")).to_be_visible()

    employer.reload()
    expect(employer.get_by_text("wacht op controle door een adviseur")).to_have_count(0)
    employer.get_by_role("link", name="Nieuwe plek").click()
    employer.get_by_label("BBL-leerbaan (leren en werken)").check()
    employer.get_by_label("Open: klaar om kandidaten voor te stellen").check()
    employer.get_by_label("Functietitel").fill(BBL_TITLE)
    employer.get_by_label("Een dag uit het leven").fill(
        "Je werkt met een ervaren monteur aan installaties in woningen in Amsterdam-Oost.")
    employer.get_by_label("Eisen: wat echt nodig is").fill(
        "storingen zoeken\nrijbewijs B is noodzakelijk\nmbo-2 elektrotechniek")
    employer.get_by_label("Wensen: wat mooi meegenomen is").fill("klantvriendelijk")
    employer.get_by_label("Niveau", exact=True).select_option(label="mbo niveau 2")
    employer.get_by_label("Crebonummer van de opleiding").fill("25333")
    employer.get_by_label("Sector").select_option(label="Installatietechniek")
    employer.get_by_label("Postcode van de werkplek").fill("1093 AB")
    employer.get_by_label("Uren per week").fill("32")
    employer.get_by_label("Startdatum").fill("2027-02-01")
    employer.get_by_label("Duur in weken").fill("104")
    employer.get_by_label("Aantal plekken").fill("1")
    employer.get_by_label("Wij bieden opleiding of scholing aan").check()
    journey.visit("werkgever-nieuwe-plek")
    employer.get_by_role("button", name="Verder: laat zien wat het wordt").click()
    shown = employer.get_by_role("table", name="Wat uw eisen en wensen worden")
    expect(shown).to_contain_text("rijbewijs B - verplicht")
    expect(shown).to_contain_text("mbo-2 - opleiding (telt niet als vaardigheid)")
    journey.visit("werkgever-nieuwe-plek-herkenning")
    employer.get_by_role("button", name="Opslaan", exact=True).click()
    expect(employer.get_by_text("De plek is opgeslagen.")).to_be_visible()
    expect(employer.get_by_role("heading", level=1)).to_have_text(BBL_TITLE)
    journey.visit("werkgever-plek")
    placement_path = re.search(r"/werkgever/plekken/(\d+)", employer.url)
    assert placement_path, employer.url

    # The workspace lists placements only by start date; the advisor opens this one directly.
    advisor.goto(f"/adviseur/plekken/{placement_path.group(1)}")
    expect(advisor.get_by_role("heading", level=1)).to_have_text(BBL_TITLE)
    best = advisor.get_by_role("article").filter(
        has=advisor.get_by_role("heading", name=re.compile(r"^1\. "))).first
    expect(best.get_by_role("table").first).to_contain_text("Vereiste vaardigheden")
    name = _candidate_name(best.get_by_role("heading", level=3).inner_text())
    journey.visit("adviseur-plek", advisor)
    best.get_by_label("Toelichting voor het dossier").fill("Past bij de plek; woont dichtbij.")
    best.get_by_role("button", name=re.compile("^Voorstellen")).click()
    expect(advisor.get_by_text("Voorstel verstuurd")).to_be_visible()

    candidate = new_page()
    _log_in(candidate, DEMO_CANDIDATES[name], DEMO_PASSWORD)
    introductions = candidate.get_by_role("region", name="Voorstellen aan werkgevers")
    offer = introductions.get_by_role("article").filter(has_text=ORGANISATION)
    journey.visit("kandidaat-voorstel", candidate)
    offer.get_by_label("Ja", exact=True).check()
    offer.get_by_role("button", name="Verstuur mijn antwoord").click()
    expect(candidate.get_by_text("Je gaf toestemming.").first).to_be_visible()
    journey.check("kandidaat-toestemming-gegeven", candidate)

    employer.get_by_role("link", name="Voorgestelde kandidaten").click()
    journey.visit("werkgever-kandidaten")
    employer.get_by_role("link", name=name).click()
    expect(employer.get_by_role("heading", level=1)).to_have_text(name)
    expect(employer.get_by_role("region", name="Waarom deze kandidaat past")).to_contain_text(
        "Hoe de score is opgebouwd")
    journey.visit("werkgever-kandidaat")
    invite = employer.get_by_role("group", name="Uitnodigen voor een kennismaking")
    invite.get_by_label("Datum", exact=True).fill((date.today() + timedelta(days=30)).isoformat())
    invite.get_by_label("Tijd", exact=True).fill("10:00")
    invite.get_by_label("Adres", exact=True).fill("Werkplaats 1, Haarlem")
    invite.get_by_label("Contactpersoon", exact=True).fill("Jan de Vries")
    employer.get_by_role("button", name="Uitnodigen").click()
    expect(employer.get_by_text("Uw besluit is opgeslagen")).to_be_visible()
    expect(employer.get_by_text("Kennismaking op")).to_be_visible()
    journey.visit("werkgever-kennismaking")
    journey.assert_accessible()
    employer.get_by_role("link", name="Bekijk, verzet of zeg af").click()
    expect(employer.get_by_role("heading", name="Verzetten")).to_be_visible()
    journey.visit("afspraak")
    candidate.reload()
    candidate.get_by_role("link", name=re.compile("^Berichten")).click()
    expect(candidate.get_by_text("Kennismaking gepland")).to_be_visible()
    journey.visit("kandidaat-berichten", candidate)
    journey.assert_accessible()


def test_advisor_reviews_proposes_runs_a_match_round_and_opens_the_kpis(page, live_server,
                                                                        journey):
    """An advisor reads a ranked match and its explanation, proposes it, runs a round, sees KPIs."""
    _log_in(page, "adviseur@spt-match.nl", DEMO_PASSWORD, journey)
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkvoorraad")
    journey.visit("werkvoorraad")
    page.get_by_role("link", name=re.compile("Tomasz Nowak")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tomasz Nowak")

    best = page.get_by_role("article").filter(has=page.get_by_role(
        "heading", name=re.compile(r"^1\. "))).first
    expect(best.get_by_role("table").first).to_contain_text("Opbouw van de score")
    expect(best).to_contain_text("Heeft al:")
    expect(best).to_contain_text("Mist (vereist):")
    journey.visit("kandidaat-ranglijst")
    best.get_by_label("Toelichting voor het dossier").fill("Past bij zijn ervaring als monteur.")
    best.get_by_role("button", name=re.compile("^Voorstellen")).click()
    expect(page.get_by_text("Voorstel verstuurd")).to_be_visible()
    journey.visit("kandidaat-voorgesteld")

    page.get_by_role("button", name="Start vastleggen").click()
    expect(page.get_by_text(re.compile("^Start van de module vastgelegd"))).to_be_visible()
    running = page.get_by_role("table", name="Modules van deze kandidaat").get_by_role(
        "row").filter(has=page.get_by_role("button", name="Uitkomst vastleggen"))
    running.get_by_label("Uitkomst").select_option("afgerond")
    running.get_by_role("button", name="Uitkomst vastleggen").click()
    expect(page.get_by_text(re.compile("^Module afgerond"))).to_be_visible()
    journey.visit("kandidaat-scholing")

    page.get_by_role("link", name="Werkvoorraad").click()
    page.get_by_role("link", name="Matchronde").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Matchronde")
    journey.visit("matchronde")
    page.get_by_role("button", name="Ronde berekenen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Matchronde \d+"))
    pairs = page.get_by_role("table", name="Voorgestelde paren")
    expect(pairs).to_be_visible(timeout=30_000)  # a round may run in the background first
    expect(pairs.get_by_role("row", name=re.compile(r"K-\d+"))).not_to_have_count(0)
    journey.visit("matchronde-resultaat")
    pairs.get_by_role("checkbox", name=re.compile("^Voorstellen")).first.check()
    page.get_by_role("button", name="Gekozen paren voorstellen").click()
    expect(page.get_by_text("1 voorstellen verstuurd.")).to_be_visible()

    page.get_by_role("link", name="Werkvoorraad").click()
    page.get_by_role("link", name="Pipeline").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pipeline")
    journey.visit("pipeline")
    page.get_by_role("link", name="Werkvoorraad").click()
    page.get_by_role("link", name="KPI's").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("KPI's")
    journey.visit("kpi")
    journey.assert_accessible()


def _candidate_name(heading: str) -> str:
    """'1. K-000004 Esther Koster' -> 'Esther Koster'."""
    return re.sub(r"^(\d+\.\s*)?K-\d+\s+", "", heading.strip())


def _log_in(page, email: str, password: str, journey=None) -> None:
    page.goto("/inloggen")
    if journey is not None:
        journey.visit("inloggen", page)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def test_visitor_filters_career_paths_opens_one_and_starts_the_intake_with_it(page, journey):
    """Without an account: filter the paths with the form, read one, start the intake from it."""
    page.goto("/loopbaanpaden")
    journey.visit("loopbaanpaden")
    page.get_by_label("Thema").select_option("energie")
    page.get_by_role("button", name="Toon").click()
    expect(page).to_have_url(re.compile(r"/loopbaanpaden\?.*thema=energie"))
    journey.visit("loopbaanpaden-energie")
    page.get_by_role("link", name="Laadpaalmonteur", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Laadpaalmonteur")
    journey.visit("laadpaalmonteur")
    page.get_by_role("link", name="Keuzedeel Laadpalen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Keuzedeel Laadpalen")
    journey.visit("keuzedeel-laadpalen")
    page.go_back()
    page.get_by_role("link", name="Start de intake met Laadpaalmonteur").click()
    _expect_step(page, 1, "Over jou")
    expect(page.get_by_text("Je koos Laadpaalmonteur.")).to_be_visible()
    journey.visit("intake-met-pad")
    page.goto("/intake/5")
    expect(page.get_by_label("Energie (zon, wind, warmte, laadpalen)")).to_be_checked()
    journey.assert_accessible()
