"""A gunicorn worker builds the matcher's catalogue and index before it serves a request."""

from types import SimpleNamespace

from spt import gunicorn_conf
from spt.services import matchmaking


def test_post_worker_init_builds_catalogue_and_index_before_returning(app, monkeypatch):
    monkeypatch.setattr(matchmaking, "_cache", {})
    monkeypatch.setattr(matchmaking, "_index_cache", {})
    gunicorn_conf.post_worker_init(SimpleNamespace(wsgi=app))
    assert matchmaking._cache and matchmaking._index_cache  # built, not left to a thread
