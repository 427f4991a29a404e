"""The accessibility check itself: unless it finds faults, clean journeys prove nothing."""

import pytest

from tests.browser.conftest import Journey, run_axe

FAULTY = """<!doctype html><html lang="nl"><head><title>Fout</title></head><body><main>
<h1>Formulier</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<form><input type="text" name="postcode"><button></button></form>
<p style="color:#bbb;background:#fff">Lichtgrijze tekst</p></main></body></html>"""


def test_axe_finds_missing_labels_alt_texts_and_low_contrast(browser):
    page = browser.new_page()
    try:
        page.set_content(FAULTY)
        found = {v["id"]: v["impact"] for v in run_axe(page)}
    finally:
        page.close()
    assert found["image-alt"] == "critical"
    assert found["label"] == "critical"
    assert found["button-name"] == "critical"
    assert found["color-contrast"] == "serious"


def test_a_journey_fails_with_a_readable_list_of_violations(browser, tmp_path, monkeypatch):
    monkeypatch.setattr("tests.browser.conftest.SCREENSHOTS", tmp_path)
    page = browser.new_page()
    try:
        page.set_content(FAULTY)
        journey = Journey("zelftest", page)
        journey.check("foute pagina")
        with pytest.raises(pytest.fail.Exception) as failure:
            journey.assert_accessible()
    finally:
        page.close()
    message = str(failure.value)
    assert "[critical] label: Form elements must have labels" in message
    assert "page: foute pagina" in message
    assert 'input[name="postcode"]' in message or "<input" in message
