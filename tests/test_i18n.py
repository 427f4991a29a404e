"""English interface: the shipped catalog is complete and the app really speaks it.

The catalog tests compare the .pot, .po and compiled .mo with each other only, so a
new Dutch string that nobody has translated yet does not break CI.  A separate test
extracts the messages from the current sources, prints the share translated (see
`pytest -rP tests/test_i18n.py`) and fails only when it drops below 95%.
"""

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "spt" / "translations"
POT = TRANSLATIONS / "messages.pot"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
# The same keywords as `pybabel extract -k _l -k lazy_gettext` (on top of Babel's defaults).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
MINIMUM_SHARE = 0.95


def _read_po(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, locale="en")


def _key(message) -> str:
    """The singular msgid (after its context, if any); plural messages keyed on their first form."""
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return f"{message.context}\x04{msgid}" if message.context else msgid


def _strings(message) -> list[str]:
    """The translation(s) of a message as a list (plural forms come as list or tuple)."""
    string = message.string
    return list(string) if isinstance(string, (list, tuple)) else [string]


def _translated(message) -> bool:
    strings = _strings(message)
    return bool(strings) and all(s and s.strip() for s in strings)


def _messages(catalog) -> dict:
    return {_key(m): m for m in catalog if m.id}


def test_po_translates_every_msgid_of_the_template():
    template = _messages(_read_po(POT))
    english = _messages(_read_po(PO))
    assert template, "messages.pot is empty; run pybabel extract"
    missing = sorted(set(template) - set(english))
    untranslated = sorted(k for k, m in english.items() if not _translated(m))
    fuzzy = sorted(k for k, m in english.items() if m.fuzzy)
    assert not missing, f"in messages.pot but not in messages.po (run pybabel update): {missing}"
    assert not untranslated, f"untranslated in messages.po: {untranslated}"
    assert not fuzzy, f"fuzzy in messages.po (check and remove the flag): {fuzzy}"


def test_po_keeps_every_placeholder():
    placeholder = re.compile(r"%(?:\([A-Za-z_]+\))?[sdif%]")
    wrong = []
    for key, message in _messages(_read_po(PO)).items():
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        strings = _strings(message)
        want = sorted(placeholder.findall(ids[-1]))
        wrong += [key for s in strings if sorted(placeholder.findall(s)) != want]
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong}"


def test_compiled_mo_matches_po():
    """A fresh install does not compile, so the shipped .mo must be current."""
    with MO.open("rb") as handle:
        compiled = _messages(read_mo(handle))
    english = _messages(_read_po(PO))
    stale = sorted(k for k, m in english.items()
                   if k not in compiled or _strings(compiled[k]) != _strings(m))
    assert not stale, f"messages.mo is out of date (run pybabel compile): {stale[:10]}"


def _source_msgids() -> set[str]:
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle, filename="babel.cfg")
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        msgid = message[0] if isinstance(message, (list, tuple)) else message
        if msgid:
            found.add(msgid)
    return found


def test_share_of_current_source_strings_translated(record_property):
    sources = _source_msgids()
    assert len(sources) > 100, "extraction found almost nothing; is babel.cfg right?"
    english = {k for k, m in _messages(_read_po(PO)).items() if _translated(m)}
    untranslated = sorted(sources - english)
    share = 1 - len(untranslated) / len(sources)
    report = (f"English covers {share:.1%} of {len(sources)} source strings; "
              f"{len(untranslated)} untranslated")
    record_property("english_share", round(share, 4))
    print(report, *untranslated, sep="\n  ")  # shown with pytest -s or -rP
    assert share >= MINIMUM_SHARE, f"{report}: {untranslated}"


# --- The app in English and back in Dutch ---------------------------------------------

PAGES = {
    "/": ("Get started in a technical career", "Aan de slag in de techniek"),
    "/inloggen": ("Log in", "Inloggen"),
    "/intake/1": ("First name", "Voornaam"),
}


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_language_switch_to_english_and_back(client):
    assert client.get("/taal/en").status_code == 302
    for path, (english, dutch) in PAGES.items():
        html = _page(client, path)
        assert '<html lang="en">' in html, path
        assert english in html, path
        assert dutch not in html, path
    login = _page(client, "/inloggen")
    assert "Log in</button>" in login or 'value="Log in"' in login
    assert "Password" in login and "Wachtwoord" not in login
    assert "Forgotten your password?" in login
    intake = _page(client, "/intake/1")  # step titles are translated from a variable
    assert "About you" in intake and "Over jou" not in intake
    assert "Education and certificates" in intake

    assert client.get("/taal/nl").status_code == 302
    for path, (english, dutch) in PAGES.items():
        html = _page(client, path)
        assert '<html lang="nl">' in html, path
        assert dutch in html, path
        assert english not in html, path


def test_dutch_is_the_default_and_unknown_languages_are_refused(client):
    assert '<html lang="nl">' in _page(client, "/")
    assert client.get("/taal/xx").status_code == 404
    assert '<html lang="nl">' in _page(client, "/")


def test_language_switch_returns_to_the_same_page(client):
    response = client.get("/taal/en?next=/inloggen")
    assert response.headers["Location"].endswith("/inloggen")
    response = client.get("/taal/en?next=//evil.example/")
    assert not response.headers["Location"].endswith("evil.example/")


def test_own_messages_of_forms_are_english(client):
    client.get("/taal/en")
    html = client.post("/intake/1", data={"first_name": ""}).get_data(as_text=True)
    assert "This field is required." in html
    assert "Dit veld is verplicht." not in html


# --- WTForms' own messages follow the chosen language ---------------------------------

@pytest.mark.parametrize(("lang", "expected", "other"), [
    ("en", "Not a valid choice.", "Ongeldige keuze."),
    ("nl", "Ongeldige keuze.", "Not a valid choice."),
])
def test_wtforms_messages_follow_the_language(client, lang, expected, other):
    client.get(f"/taal/{lang}")
    response = client.post("/intake/1", data={"heard_via": "not-an-option",
                                              "gender": "not-an-option"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert expected in html
    assert other not in html


def test_wtforms_messages_in_nested_forms_are_english(client):
    """The intake's repeated rows are plain WTForms forms with their own Meta."""
    client.get("/taal/en")
    html = client.post("/intake/3", data={"skills-0-skill": "lassen",
                                          "skills-0-level": "9"}).get_data(as_text=True)
    assert "Not a valid choice." in html
    assert "Ongeldige keuze." not in html
