"""WSGI entry point of the installed package: gunicorn -c python:spt.gunicorn_conf spt.wsgi:app."""

from spt import create_app
from spt.services.matchmaking import warm_up

app = create_app()
warm_up(app)  # each worker builds the matcher's catalogue at start, not on a visitor's request
