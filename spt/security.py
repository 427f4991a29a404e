"""Security headers on every response; bidi controls neutralised wherever a page shows text."""

import re

from flask import request
from markupsafe import Markup

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'")


def frameable(view):
    """Mark a view as a widget that the partner sites of SPT_FRAME_ANCESTORS may frame."""
    view.frameable = True
    return view


def _partner_frames(app, headers) -> bool:
    """On a frameable page, let the partners frame it; False when it is not (or none are set)."""
    view = app.view_functions.get(request.endpoint or "")
    ancestors = app.config["FRAME_ANCESTORS"]
    if not getattr(view, "frameable", False) or not ancestors:
        return False
    headers.setdefault("Content-Security-Policy", CSP.replace(
        "frame-ancestors 'none'", "frame-ancestors " + " ".join(ancestors)))
    return True


# Bidi embedding, override and isolate controls (and the marks): in a name or skill they can
# mirror the rest of an advisor's page ("Trojan Source" style); they are dropped when shown.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def neutralise_bidi(value):
    """The value without bidi control characters (Markup stays Markup); Jinja's finalize."""
    if isinstance(value, str) and BIDI_CONTROLS.search(value):
        cleaned = BIDI_CONTROLS.sub("", value)
        return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value


def init_app(app) -> None:
    """Add the security headers to every response, and neutralise bidi controls in templates."""
    app.jinja_env.finalize = neutralise_bidi

    @app.after_request
    def add_headers(response):
        headers = response.headers
        framed = _partner_frames(app, headers)
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if not framed:  # X-Frame-Options knows no list of origins: only CSP names partners
            headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        if request.endpoint != "static":
            # Pages and downloads hold personal data: never kept by a browser or proxy cache.
            headers["Cache-Control"] = "no-store"
            headers.setdefault("Pragma", "no-cache")
        if app.config["SPT_ENV"] == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
