"""URLs for the outside world: mailed links from SPT_BASE_URL, and safe redirect targets."""

import re
from urllib.parse import urlsplit

from flask import current_app

# C0 and C1 controls, DEL, zero-width and bidi controls: browsers drop or reinterpret some of
# them (a tab inside "/\t/evil.example" vanishes and leaves "//evil.example"), so they go first.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
MAX_TARGET = 2000


def external_url(endpoint: str, **values) -> str:
    """An absolute link for a mail, built from SPT_BASE_URL and never from the request's Host."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path.rstrip("/") or "/",
                                       url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def safe_path(target: str | None) -> str | None:
    """A same-site path to redirect to, or None: no scheme, no host, no '//' or '/\\' trick."""
    if not target or len(target) > MAX_TARGET:
        return None
    cleaned = _INVISIBLE.sub("", target).strip().replace("\\", "/")
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc or not cleaned.startswith("/") or cleaned.startswith("//"):
        return None
    return cleaned
