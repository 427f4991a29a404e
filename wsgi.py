"""WSGI entry point: gunicorn wsgi:app."""

from spt import create_app

app = create_app()
