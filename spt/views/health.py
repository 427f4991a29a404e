"""Operations endpoints: the health check for load balancers and the progress of background jobs."""

from flask import Blueprint, current_app, jsonify

from spt import jobs
from spt.auth import role_required
from spt.db import get_engine
from spt.extensions import limiter
from spt.services import health

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Each part separately; 503 when the database is down or its schema is behind the code."""
    report = health.check(current_app._get_current_object(), get_engine())
    return jsonify(report), 503 if report["status"] == "unavailable" else 200


@bp.get("/api/jobs/<job_id>")
@role_required("advisor", "admin")
def job(job_id: str):
    """The state and progress (percent) of a background job, for a page to poll."""
    state = jobs.status(job_id)
    if state is None:
        return jsonify(error="Deze taak bestaat niet (meer)."), 404
    return jsonify(state)
