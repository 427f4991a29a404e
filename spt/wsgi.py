"""WSGI entry point of the installed package: gunicorn -c python:spt.gunicorn_conf spt.wsgi:app.

The matcher's catalogue and placement index are built by gunicorn's post_worker_init hook
(spt/gunicorn_conf.py), before the worker takes its first request.
"""

from spt import create_app

app = create_app()
