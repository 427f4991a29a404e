"""gunicorn settings for a checkout: the same as the installed `python:spt.gunicorn_conf`."""

from spt.gunicorn_conf import *  # noqa: F403
