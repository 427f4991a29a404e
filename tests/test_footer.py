"""The footer on every page: who runs the SPT, how to reach them, privacy and accessibility."""

import pytest


@pytest.fixture
def contact_app(app):
    app.config.update(CONTACT_NAME="Servicepunt Techniek Noord-Holland Noord",
                      CONTACT_EMAIL="info@spt-nhn.nl", CONTACT_PHONE="072 123 45 67")
    return app


def test_every_page_names_the_spt_and_how_to_reach_it(contact_app, client):
    for path in ("/", "/privacy", "/inloggen", "/intake/1"):
        page = client.get(path).get_data(as_text=True)
        assert "Servicepunt Techniek Noord-Holland Noord" in page, path
        assert 'href="mailto:info@spt-nhn.nl"' in page and 'href="tel:0721234567"' in page, path
        assert 'href="/privacy"' in page and 'href="/toegankelijkheid"' in page, path


def test_without_contact_details_the_footer_promises_no_address(app, client):
    page = client.get("/").get_data(as_text=True)
    assert "mailto:" not in page and "tel:" not in page and "Vragen?" not in page
    statement = client.get("/toegankelijkheid").get_data(as_text=True)
    assert "Meld het bij je adviseur van het Servicepunt" in statement


def test_the_accessibility_statement_says_what_is_checked_and_where_to_report(
        contact_app, client):
    response = client.get("/toegankelijkheid")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "WCAG 2.1" in page and "axe" in page
    assert "Een volledige keuring door een deskundige is nog niet gedaan" in page
    assert "Meld het bij Servicepunt Techniek Noord-Holland Noord" in page
    client.get("/taal/en")
    english = client.get("/toegankelijkheid").get_data(as_text=True)
    assert "A full audit by an expert has not been done yet" in english
