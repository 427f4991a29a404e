"""A tiny HTTP client for bench/load.py: one cookie jar per visitor, CSRF tokens from the forms.

http.client rather than a cookie jar library: the production config marks cookies Secure, and the
benchmark talks plain HTTP on loopback, so cookies are kept by name and always sent back.
"""

import http.client
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]*)"')
PASSWORD = "een lang wachtwoord 42"
STEPS = {
    1: {"first_name": "Lotte", "last_name": "Load", "phone": "06 1234 5678",
        "postcode": "1093 AB", "birth_year": "1985", "heard_via": "uwv", "gender": "v",
        "native_dutch": "ja"},
    2: {"jobs-0-title": "Vrachtwagen chauffeur", "jobs-0-years": "6",
        "jobs-1-title": "kapper", "jobs-1-years": "3"},
    3: {"skills-0-skill": "vca basis", "skills-0-level": "2",
        "skills-1-skill": "Storingen zoeken", "skills-1-level": "3"},
    4: {"level": "mbo-2", "foreign_diploma": "", "education_field": "logistiek",
        "certificates": ["vca-basis"], "driving_licences": ["B"]},
    5: {"themes": ["energie", "installatie"], "kinds": ["bbl", "wep"], "hours_per_week": "32",
        "available_from": "2027-01-11", "max_km": "25", "nt2_level": "B1"},
    6: {"privacy_read": "y", "consent_matching": "y", "consent_employers": "y",
        "password": PASSWORD, "confirm": PASSWORD},
}


@dataclass
class Response:
    """What came back: status, redirect target, body text and the time taken."""

    status: int
    location: str
    text: str
    seconds: float


@dataclass
class Visitor:
    """One browser: its own cookies, one connection per request (gunicorn sync closes them)."""

    port: int
    timeout: float = 120.0  # 50 visitors queue on 2 workers; a browser waits this long too
    cookies: dict = field(default_factory=dict)
    statuses: list = field(default_factory=list)

    def request(self, method: str, path: str, form: dict | None = None) -> Response:
        """Send one request and keep the cookies it sets."""
        body = urlencode(form, doseq=True) if form is not None else None
        headers = {"Connection": "close", "Accept-Language": "nl"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for cookie in raw.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if value:
                self.cookies[name.strip()] = value.strip()
            else:
                self.cookies.pop(name.strip(), None)
        self.statuses.append(raw.status)
        return Response(raw.status, raw.headers.get("Location", ""), text,
                        time.perf_counter() - started)

    def submit(self, path: str, form: dict) -> Response:
        """GET the form, then POST it with the CSRF token from the page."""
        page = self.request("GET", path)
        token = CSRF.search(page.text)
        if page.status != 200 or token is None:
            raise RuntimeError(f"GET {path}: {page.status}, no form")
        return self.request("POST", path, {**form, "csrf_token": token.group(1)})


@dataclass
class IntakeResult:
    """One visitor's intake: acknowledged means step 6 answered 302 to the candidate home."""

    email: str
    acknowledged: bool = False
    statuses: list = field(default_factory=list)
    error: str | None = None


def intake(port: int, email: str, done=None) -> IntakeResult:
    """Walk through the six intake steps as a new visitor."""
    visitor, result = Visitor(port), IntakeResult(email)
    try:
        for number in range(1, 7):
            form = dict(STEPS[number], email=email) if number == 1 else STEPS[number]
            response = visitor.submit(f"/intake/{number}", form)
            if response.status != 302:
                result.error = f"step {number}: {response.status}"
                break
        else:
            result.acknowledged = response.location.endswith("/kandidaat/")
    except (OSError, http.client.HTTPException, RuntimeError) as error:
        result.error = f"{type(error).__name__}: {error}"
    result.statuses = visitor.statuses
    if done is not None and result.acknowledged:
        done()
    return result


def login(port: int, email: str, password: str = PASSWORD) -> Visitor:
    """A visitor logged in through the login form."""
    visitor = Visitor(port)
    response = visitor.submit("/inloggen", {"email": email, "password": password})
    if response.status != 302:
        raise RuntimeError(f"login failed: {response.status}")
    return visitor
