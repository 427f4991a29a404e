"""Match rounds: a capacity-aware proposal of pairs for many candidates at once.

`compute` is the pure part over the database; spt.services.round_jobs runs it as the background
job `match_round` (start, progress, heartbeat, failure detection, restart).
"""

import time
from collections import Counter
from dataclasses import dataclass, replace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, col, select

import matching
from spt import observability
from spt.db import among
from spt.models import Candidate, Employer, Match, MatchRound, Placement, User
from spt.models._base import utcnow
from spt.services import advisor_review, audit, matchmaking, pipeline, postcodes
from spt.services.errors import DomainError, NotFound
from spt.vocabulary import MatchStatus as M

TOP_K = 10
MENTOR_GAINS = 10  # employers shown where one more mentor helps most
# Naming the hard limit explains every pair of the candidate in Python (0.13 s a candidate at
# 2,000 places): the round spends at most this many pair explanations on it.
WHY_PAIRS = 100_000
# A candidate with a match in one of these statuses is already in an introduction.
BUSY = (M.WACHT_OP_KANDIDAAT, M.VOORGESTELD, M.KENNISMAKING, M.PROEFPLAATSING, M.GEPLAATST)
# Pairs that were tried and ended are never proposed again by a round.
ENDED = (M.AFGEWEZEN, M.UITGEVALLEN)
FILLED = (M.PROEFPLAATSING, M.GEPLAATST)  # seats taken
REASONS = {
    "no_eligible_placement": _l("geen passende plek (harde eisen of te lage score)"),
    "excluded_by_advisor": _l("uitgesloten door de adviseur"),
    "capacity_full": _l("passende plekken zijn vol (plekken of begeleidingscapaciteit)"),
}


def _region(pc4: str | None) -> str:
    area = postcodes.area(pc4)
    return area.region if area else ""


def _wanted(params: dict, *, region_of: str, themes, kinds) -> bool:
    return ((not params.get("region") or region_of == params["region"])
            and (not params.get("theme") or params["theme"] in themes)
            and (not params.get("kinds") or bool(set(params["kinds"]) & set(kinds))))


def _counts(db: Session, key, statuses) -> Counter:
    rows = db.exec(select(key, func.count()).select_from(Match)
                   .join(Placement, Placement.id == Match.placement_id)
                   .where(col(Match.status).in_(statuses)).group_by(key))
    return Counter(dict(rows.all()))


def _inputs(db: Session, params: dict):
    busy = set(db.exec(select(Match.candidate_id).where(col(Match.status).in_(BUSY))))
    candidates = [c for c in advisor_review.active_candidates(db) if c.id not in busy
                  and _wanted(params, region_of=_region(c.pc4), themes=c.themes, kinds=c.kinds)]
    placements = [p for p in matchmaking.open_placements(db)
                  if _wanted(params, region_of=_region(p.pc4), themes=[p.theme], kinds=[p.kind])]
    filled = _counts(db, Match.placement_id, FILLED)
    profiles = [replace(profile, seats=max(0, profile.seats - filled[int(profile.key)]))
                for profile in matchmaking.placement_profiles(db, placements)]
    in_use = _counts(db, Placement.employer_id, pipeline.ACTIVE_WITH_EMPLOYER)
    employers = db.exec(select(Employer.id, Employer.mentor_capacity).where(
        among(db, col(Employer.id), {p.employer_id for p in placements}))).all()
    capacity = {str(e): max(0, cap - in_use[e]) for e, cap in employers}
    ended = [(str(c), str(p)) for c, p in db.exec(select(Match.candidate_id, Match.placement_id)
                                                  .where(col(Match.status).in_(ENDED)))]
    return candidates, profiles, capacity, ended


def compute(db: Session, params: dict, step=None) -> dict:
    """Run the assignment for these choices and return the result as stored JSON.

    `step(name)` is told when ranking and assigning begin (the round's progress).
    """
    step = step or (lambda _name: None)
    started = time.perf_counter()
    candidates, placements, capacity, ended = _inputs(db, params)
    cat = matchmaking.catalogue(db)
    profiles = matchmaking.candidate_profiles(db, candidates)
    step("rangschikken")
    index = matching.PlacementIndex.build(placements, knowledge=cat.knowledge)
    # the round's own placements (filtered, seats left), ranked by the rules of every page
    pairs = [p for row in matching.top_k_pairs(profiles, index, k=TOP_K, bridges=cat.bridges,
                                               today=matchmaking.today()) for p in row]
    known_c, known_p = {c.key: c for c in profiles}, {p.key: p for p in placements}
    locked = [(str(c), str(p)) for c, p in params.get("locked", [])
              if str(c) in known_c and str(p) in known_p]
    seen = {(p.candidate_key, p.placement_key) for p in pairs}
    pairs += [matchmaking.score(db, known_c[c], known_p[p]) for c, p in locked
              if (c, p) not in seen]
    excluded = {(str(c), str(p)) for c, p in params.get("excluded", [])} | set(ended)
    step("toewijzen")
    try:
        result = matching.assign(
            pairs, placements, candidates=list(known_c), employer_capacity=capacity,
            locked=locked, excluded=excluded - set(locked),
            max_proposals_per_placement=int(params.get("max_per_placement") or 1),
            mentor_gains=True)
    except ValueError as error:
        raise DomainError(_("De vastgezette combinaties passen niet binnen de plekken of de "
                            "begeleidingscapaciteit. Zet er minder vast.")) from error
    why = _why_nothing_fits(profiles, index, {p.candidate_key for p in pairs})
    return {
        "candidates": len(profiles), "placements": len(placements),
        "pairs": [{"candidate_id": int(p.candidate_key), "placement_id": int(p.placement_key),
                   "score": round(p.score, 4), "locked": p.locked} for p in result.pairs],
        "unassigned": [{"candidate_id": int(u.candidate_key), "reason": u.reason}
                       | why.get(u.candidate_key, {}) for u in result.unassigned],
        "seats": sum(u.capacity or 0 for u in result.placements),
        "employers": [{"employer_id": int(u.key), "used": u.used, "capacity": u.capacity}
                      for u in result.employers],
        # Where one more candidate of mentor capacity would place most (exact, see matching).
        "mentor_gains": [{"employer_id": int(g.employer_key), "placed": g.placed,
                          "score": round(g.score, 4)} for g in result.mentor_gains[:MENTOR_GAINS]],
        "seconds": _timed_round(started),
    }


def _why_nothing_fits(profiles, index, with_pairs: set[str]) -> dict[str, dict]:
    """For candidates without any fitting place (the first WHY_PAIRS / places of them): the hard
    limit that ruled out most places."""
    out = {}
    at_most = max(1, WHY_PAIRS // max(1, len(index)))
    for profile in [p for p in profiles if p.key not in with_pairs][:at_most]:
        codes = Counter(code for r in matching.rank(profile, index, include_ineligible=True)
                        for code in (r.explanation.exclusions if r.explanation else ()))
        if codes:
            code, n = codes.most_common(1)[0]
            out[profile.key] = {"rule": code, "rule_places": n, "places": len(index)}
    return out


def _timed_round(started: float) -> float:
    """Seconds since ``started``, also counted in the round-duration metric."""
    seconds = time.perf_counter() - started
    observability.ROUND_SECONDS.observe(seconds)
    return round(seconds, 3)


def _get(db: Session, round_id: int) -> MatchRound:
    row = db.get(MatchRound, round_id)
    if row is None:
        raise NotFound(_("Deze matchronde bestaat niet."))
    return row


def adjust(db: Session, *, advisor_id: int, round_id: int, locked: list, excluded: list
           ) -> MatchRound:
    """Lock or exclude pairs and rerun; refused locks change nothing."""
    row = _get(db, round_id)
    if row.status in ("wachtend", "bezig"):
        raise DomainError(_("De ronde wordt nog berekend. Wacht tot hij klaar is."))
    params = {**row.params, "locked": [list(p) for p in locked],
              "excluded": [list(p) for p in excluded if p not in locked]}
    result = compute(db, params)
    row.params, row.result, row.status, row.finished_at = params, result, "klaar", utcnow()
    db.add(row)
    audit.record(db, actor_id=advisor_id, action="advisor.round_adjusted",
                 subject_type="match_round", subject_id=row.id,
                 detail={"locked": params["locked"], "excluded": params["excluded"]})
    db.commit()
    return row


def chosen_pairs(db: Session, round_id: int, *, ticked: list[tuple[int, int]],
                 everything: bool = False, employer_id: int | None = None
                 ) -> list[tuple[int, int]]:
    """The pairs to propose: those ticked, or all not yet proposed (at one employer)."""
    if not everything and employer_id is None:
        pairs = ticked
    else:
        row = _get(db, round_id)
        sent = {tuple(p) for p in row.result.get("accepted", [])}
        pairs = [(p["candidate_id"], p["placement_id"]) for p in row.result.get("pairs", [])
                 if (p["candidate_id"], p["placement_id"]) not in sent]
        if employer_id is not None:
            at = _by_id(db, Placement, [p for _c, p in pairs])
            pairs = [(c, p) for c, p in pairs if p in at and at[p].employer_id == employer_id]
    if not pairs:
        raise DomainError(_("Kies eerst één of meer paren om voor te stellen."), field="accept")
    return pairs


def accept(db: Session, *, advisor: User, round_id: int, pairs: list[tuple[int, int]]
           ) -> tuple[int, list[tuple[int, int, str]]]:
    """Propose the chosen pairs of a round, each through the consent flow; report failures."""
    row = _get(db, round_id)
    offered = {(p["candidate_id"], p["placement_id"]) for p in row.result.get("pairs", [])}
    done, failed = [], []
    for candidate_id, placement_id in pairs:
        if (candidate_id, placement_id) not in offered:
            failed.append((candidate_id, placement_id, _("Deze combinatie hoort niet bij de "
                                                         "ronde.")))
            continue
        try:  # each proposal is its own transaction: one refusal does not undo the others
            advisor_review.propose(db, advisor=advisor, candidate_id=candidate_id,
                                   placement_id=placement_id, expected_version=None,
                                   round_id=round_id)
            done.append([candidate_id, placement_id])
        except DomainError as error:
            db.rollback()
            failed.append((candidate_id, placement_id, error.message))
    row = _get(db, round_id)
    row.result = {**row.result, "accepted": [*row.result.get("accepted", []), *done]}
    db.add(row)
    audit.record(db, actor_id=advisor.id, action="advisor.round_accepted",
                 subject_type="match_round", subject_id=row.id,
                 detail={"accepted": done, "failed": [[c, p] for c, p, _m in failed]})
    db.commit()
    return len(done), failed


@dataclass(frozen=True)
class RoundView:
    """A round joined back to its rows, with totals for the page."""

    round: MatchRound
    pairs: list
    unassigned: list
    employers: list
    reasons: Counter
    capacity_used: int
    capacity_total: int
    locked: set
    excluded: set
    accepted: set
    mentor_gains: list  # (employer, gain) best first
    excluded_rows: list  # (candidate, placement) of the excluded pairs, for undo

    @property
    def pair_employers(self) -> list:
        """The employers of the proposed pairs, each once, in the order they first appear."""
        return list({e.id: e for _p, _c, _pl, e in self.pairs if e is not None}.values())


def _by_id(db: Session, model, ids) -> dict:
    return {r.id: r for r in db.exec(select(model).where(among(db, col(model.id), set(ids))))}


def view(db: Session, round_id: int) -> RoundView:
    """The round's proposed pairs, unassigned candidates and capacity, for display."""
    row = _get(db, round_id)
    result = row.result
    pairs, unassigned = result.get("pairs", []), result.get("unassigned", [])
    candidates = _by_id(db, Candidate, [p["candidate_id"] for p in pairs]
                        + [u["candidate_id"] for u in unassigned])
    excluded = [tuple(p) for p in row.params.get("excluded", [])]
    candidates |= _by_id(db, Candidate, [c for c, _p in excluded])
    placements = _by_id(db, Placement, [p["placement_id"] for p in pairs]
                        + [p for _c, p in excluded])
    gains = result.get("mentor_gains", [])
    employers = _by_id(db, Employer, [e["employer_id"] for e in result.get("employers", [])]
                       + [p.employer_id for p in placements.values()]
                       + [g["employer_id"] for g in gains])
    use = result.get("employers", [])

    def as_set(key):
        return {tuple(p) for p in (result if key == "accepted" else row.params).get(key, [])}

    return RoundView(
        round=row,
        pairs=[(p, candidates.get(p["candidate_id"]), placements.get(p["placement_id"]),
                employers.get(placements[p["placement_id"]].employer_id)
                if p["placement_id"] in placements else None) for p in pairs],
        unassigned=[(candidates.get(u["candidate_id"]), REASONS.get(u["reason"], u["reason"]), u)
                    for u in unassigned],
        employers=[(employers.get(e["employer_id"]), e) for e in use],
        reasons=Counter(u["reason"] for u in unassigned),
        capacity_used=sum(e["used"] for e in use),
        capacity_total=sum(e["capacity"] or 0 for e in use),
        locked=as_set("locked"), excluded=as_set("excluded"), accepted=as_set("accepted"),
        mentor_gains=[(employers.get(g["employer_id"]), g) for g in gains],
        excluded_rows=[(c, p, candidates.get(c), placements.get(p)) for c, p in excluded])


def recent(db: Session, *, limit: int = 10) -> list[MatchRound]:
    """The latest rounds, newest first."""
    return list(db.exec(select(MatchRound).order_by(col(MatchRound.id).desc()).limit(limit)))


def regions() -> list[str]:
    """The arbeidsmarktregio's a round can be limited to."""
    return sorted({a.region for a in postcodes.areas().values() if a.region})
