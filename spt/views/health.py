"""Operations endpoints: the health check for load balancers and the progress of background jobs."""

from flask import Blueprint, jsonify
from sqlalchemy import text

from spt import jobs
from spt.auth import role_required
from spt.db import get_engine
from spt.extensions import limiter

bp = Blueprint("health", __name__)
# The health check may take at most this long on PostgreSQL before it counts as down.
HEALTH_STATEMENT_TIMEOUT_MS = 2000


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """200 when the database answers a trivial query, else 503 (no login, no session)."""
    with get_engine().connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SET LOCAL statement_timeout = {HEALTH_STATEMENT_TIMEOUT_MS}"))
        connection.execute(text("SELECT 1"))
    # A failed query raises OperationalError: spt.errors answers {"status": "database_unavailable"}.
    return jsonify(status="ok")


@bp.get("/api/jobs/<job_id>")
@role_required("advisor", "admin")
def job(job_id: str):
    """The state and progress (percent) of a background job, for a page to poll."""
    state = jobs.status(job_id)
    if state is None:
        return jsonify(error="Deze taak bestaat niet (meer)."), 404
    return jsonify(state)
