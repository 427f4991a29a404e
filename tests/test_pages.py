"""The UI shell: Dutch pages, error pages, language switch and security headers."""


def test_home_page_is_dutch_with_a_skip_link(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert 'href="#inhoud"' in html
    assert "Aan de slag in de techniek" in html


def test_unknown_page_gets_a_dutch_404(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.get_data(as_text=True)


def test_security_headers_on_every_response(client):
    for path in ("/", "/inloggen", "/bestaat-niet"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]


def test_language_switch_to_english_sets_the_page_language(client):
    response = client.get("/taal/en?next=/inloggen")
    assert response.status_code == 302 and response.headers["Location"].endswith("/inloggen")
    assert '<html lang="en">' in client.get("/inloggen").get_data(as_text=True)
    assert client.get("/taal/xx").status_code == 404


def test_language_switch_never_redirects_off_site(client):
    response = client.get("/taal/nl?next=//evil.example")
    assert response.headers["Location"].endswith("/")
    assert "evil" not in response.headers["Location"]


def test_too_large_request_gets_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = client.post("/inloggen", data={"email": "a" * 500})
    assert response.status_code == 413
