"""JSON endpoints used as progressive enhancement."""

from flask import Blueprint, jsonify, request

from spt.db import get_db
from spt.extensions import csrf, limiter
from spt.services import suggestions

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)  # read-only GET endpoints


@bp.get("/suggest")
@limiter.limit("30 per 10 seconds;300 per hour")
def suggest():
    """Suggestions for a free-text occupation or skill: ranked, with a confidence."""
    kind, query = request.args.get("kind", ""), request.args.get("q", "")
    if kind not in suggestions.KINDS:
        return jsonify(error="Kies kind=occupation of kind=skill."), 400
    if not query.strip() or len(query) > suggestions.MAX_QUERY:
        return jsonify(error=f"Geef q: 1 tot {suggestions.MAX_QUERY} tekens."), 400
    return jsonify(suggestions=suggestions.suggest(get_db(), kind, query))
