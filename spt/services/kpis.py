"""KPIs for advisors and the steering group, from the pipeline history; groups under 10 hidden.

The figures and their suppression rules live in kpi_figures; training and retention (what happens
after a placement or alongside it) in kpi_followup.
"""

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from spt.db import among
from spt.models import AuditEvent, Candidate, Employer, Match, Placement, StatusChange
from spt.services import kpi_followup, pipeline, postcodes
from spt.services.kpi_figures import (
    GROUPS,
    MIN_GROUP,
    Cell,
    Period,
    Table,
    counts,
    medians,
    people_of,
    ratio,
    split_columns,
)
from spt.services.workqueue import aware
from spt.vocabulary import CandidateStatus as C
from spt.vocabulary import MatchStatus as M

__all__ = ["MIN_GROUP", "Cell", "Period", "Table", "dashboard"]
FUNNEL = (C.INTAKE_AFGEROND, C.MATCHVOORSTEL, C.VOORGESTELD, C.KENNISMAKING, C.GEPLAATST)
# Pipeline order: reaching a later status means the earlier funnel stages were passed.
ORDER = (C.INTAKE_AFGEROND, C.ORIENTATIE, C.MATCHVOORSTEL, C.VOORGESTELD, C.KENNISMAKING,
         C.PROEFPLAATSING, C.GEPLAATST, C.NAZORG, C.DUURZAAM_GEPLAATST)
TOP_PLACEMENTS = 20


def changes(db: Session, period: Period, subject_type: str, statuses) -> list[StatusChange]:
    """The status changes of a kind of subject to any of the statuses, in the period."""
    return list(db.exec(select(StatusChange).where(
        StatusChange.subject_type == subject_type, col(StatusChange.to_status).in_(statuses),
        StatusChange.at >= period.start, StatusChange.at < period.end)))


def intakes(db: Session, period: Period, people) -> Table:
    """Candidates who signed up in the period, by whether the intake is complete."""
    rows = db.exec(select(Candidate.id, Candidate.intake_completed_at).where(
        Candidate.created_at >= period.start, Candidate.created_at < period.end)).all()
    done = [i for i, at in rows if at is not None]
    open_ = [i for i, at in rows if at is None]
    return Table("intakes", str(_l("Intakes")), split_columns(), [
        (str(_l("Volledig")), counts(done, people)),
        (str(_l("Onvolledig")), counts(open_, people))])


def funnel(db: Session, period: Period, people) -> Table:
    """Candidates reaching each stage in the period, and the conversion from the stage before."""
    reached: dict[str, set[int]] = {s: set() for s in FUNNEL}
    for change in changes(db, period, "candidate", ORDER):
        for stage in FUNNEL:
            if ORDER.index(change.to_status) >= ORDER.index(stage):
                reached[stage].add(change.subject_id)
    rows, before = [], None
    for stage in FUNNEL:
        conversion = ratio(reached[stage], before, people) if before is not None else \
            [Cell(None)] * 3
        rows.append((str(pipeline.CANDIDATE_STATUSES[stage]),
                     counts(reached[stage], people) + conversion))
        before = reached[stage]
    columns = split_columns(*(_l("Conversie %(group)s", group=str(label).lower())
                               for _k, label in GROUPS))
    return Table("trechter", str(_l("Trechter: kandidaten per fase")), columns, rows)


def time_to_placement(db: Session, period: Period, people) -> Table:
    """Median days from the finished intake to placement, for placements in the period."""
    placed = {c.subject_id: aware(c.at) for c in changes(db, period, "candidate", (C.GEPLAATST,))}
    starts = dict(db.exec(select(Candidate.id, Candidate.intake_completed_at).where(
        among(db, col(Candidate.id), placed))).all())
    days = {cid: (at - aware(starts[cid])).total_seconds() / 86400
            for cid, at in placed.items() if starts.get(cid)}
    return Table("doorlooptijd", str(_l("Tijd tot plaatsing")), split_columns(), [
        (str(_l("Mediaan dagen van intake tot geplaatst")), medians(days, people)),
        (str(_l("Aantal geplaatst")), counts(days, people))], bar=0)


def placements_by(db: Session, period: Period, people) -> list[Table]:
    """Placements (matches reaching 'geplaatst') by kind, theme and region."""
    ids = {c.subject_id for c in changes(db, period, "match", (M.GEPLAATST,))}
    rows = db.exec(select(Match.candidate_id, Placement.kind, Placement.theme, Placement.pc4)
                   .join(Placement).where(among(db, col(Match.id), ids))).all()
    tables = []
    for key, title, value in (
            ("soort", _l("Plaatsingen per soort plek"), lambda r: r[1]),
            ("thema", _l("Plaatsingen per thema"), lambda r: r[2] or "—"),
            ("regio", _l("Plaatsingen per arbeidsmarktregio"),
             lambda r: getattr(postcodes.area(r[3]), "region", "—"))):
        groups: dict[str, list[int]] = {}
        for row in rows:
            groups.setdefault(value(row), []).append(row[0])
        tables.append(Table(key, str(title), split_columns(),
                            [(k, counts(v, people)) for k, v in sorted(groups.items())]))
    return tables


def mentor_capacity(db: Session, people) -> Table:
    """Mentor capacity in use per employer right now (matches in an active stage)."""
    rows = db.exec(select(Employer.name, Employer.mentor_capacity, Match.candidate_id)
                   .join(Placement, Placement.employer_id == Employer.id)
                   .join(Match, Match.placement_id == Placement.id)
                   .where(col(Match.status).in_(pipeline.ACTIVE_WITH_EMPLOYER))).all()
    per: dict[tuple[str, int], list[int]] = {}
    for name, capacity, cid in rows:
        per.setdefault((name, capacity), []).append(cid)

    def row(label, ids, capacity):
        share = Cell(len(ids) / capacity if capacity else None, percent=True)
        return (label, [*counts(ids, people), Cell(capacity), share])

    table_rows = [row(name, ids, cap) for (name, cap), ids in sorted(per.items())]
    if len(per) > 1:
        table_rows.append(row(str(_l("Alle werkgevers samen")),
                              [i for ids in per.values() for i in ids],
                              sum(cap for _name, cap in per)))
    return Table("capaciteit", str(_l("Begeleidingscapaciteit in gebruik (nu)")),
                 split_columns(_l("Capaciteit"), _l("Aandeel in gebruik")), table_rows, bar=4)


def congestion(db: Session, period: Period, people) -> Table:
    """How often each placement was proposed in the period (the busiest first)."""
    rows = db.exec(select(Placement.id, Placement.title, Match.candidate_id).join(Placement)
                   .where(Match.proposed_at >= period.start, Match.proposed_at < period.end)).all()
    per: dict[tuple[int, str], list[int]] = {}
    for pid, title, cid in rows:
        per.setdefault((pid, title), []).append(cid)
    busiest = sorted(per.items(), key=lambda kv: (-len(kv[1]), kv[0][0]))[:TOP_PLACEMENTS]
    mean = Cell(round(len(rows) / len(per), 2) if per else None)
    return Table("congestie", str(_l("Voorstellen per plek")), split_columns(), [
        (str(_l("Gemiddeld per voorgestelde plek")), [mean, Cell(None), Cell(None)]),
        *((f"{title} (#{pid})", counts(ids, people)) for (pid, title), ids in busiest)])


def overrides(db: Session, period: Period, people) -> Table:
    """Share of proposals where the advisor chose against the ranking."""
    events = db.exec(select(AuditEvent.action, Match.candidate_id)
                     .join(Match, Match.id == AuditEvent.subject_id)
                     .where(col(AuditEvent.action).in_(("advisor.proposed", "advisor.override")),
                            AuditEvent.subject_type == "match", AuditEvent.at >= period.start,
                            AuditEvent.at < period.end)).all()
    proposed = [cid for action, cid in events if action == "advisor.proposed"]
    overridden = [cid for action, cid in events if action == "advisor.override"]
    return Table("afwijkingen", str(_l("Afwijkingen van de ranglijst")), split_columns(), [
        (str(_l("Aandeel voorstellen met afwijking")), ratio(overridden, proposed, people)),
        (str(_l("Aantal voorstellen")), counts(proposed, people))])


def details(db: Session, period: Period, people) -> list[Table]:
    """The KPI tables the dashboard shows without a chart."""
    return [intakes(db, period, people), time_to_placement(db, period, people),
            *placements_by(db, period, people), kpi_followup.modules(db, period, people),
            congestion(db, period, people), overrides(db, period, people)]


def dashboard(db: Session, period: Period) -> list[Table]:
    """All KPI tables for the period."""
    people = people_of(db)
    return [funnel(db, period, people), kpi_followup.retention(db, period, people),
            mentor_capacity(db, people), *details(db, period, people)]
