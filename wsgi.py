"""WSGI entry point in a checkout: gunicorn wsgi:app (the same app as spt.wsgi)."""

from spt.wsgi import app  # noqa: F401
