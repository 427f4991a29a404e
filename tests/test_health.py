"""The health check: cheap, public, JSON."""


def test_healthz_answers_ok_without_login_or_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert "Set-Cookie" not in response.headers

