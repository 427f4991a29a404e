"""KPIs for advisors and the steering group, from the pipeline history; groups under 10 hidden.

Every figure is split by women (gender 'v') and NT2 speakers, in aggregate only. A split cell whose
group (the count, or the denominator of a rate, or the observations of a median) is under
MIN_GROUP is suppressed; totals are always shown.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from statistics import median

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, or_, select

from spt.models import (
    AuditEvent,
    Candidate,
    Employer,
    Match,
    Module,
    ModuleEnrolment,
    Placement,
    StatusChange,
)
from spt.services import pipeline, postcodes
from spt.services.workqueue import aware

MIN_GROUP = 10
GROUPS = (("total", _l("Totaal")), ("women", _l("Vrouwen")), ("nt2", _l("NT2")))
FUNNEL = ("intake_afgerond", "matchvoorstel", "voorgesteld", "kennismaking", "geplaatst")
# Pipeline order: reaching a later status means the earlier funnel stages were passed.
ORDER = ("intake_afgerond", "orientatie", "matchvoorstel", "voorgesteld", "kennismaking",
         "proefplaatsing", "geplaatst", "nazorg", "duurzaam_geplaatst")
TOP_PLACEMENTS = 20
# Civiele waarde means formal recognition beyond the institution that gave the module.
CIVIL_EFFECT = ("wettelijk erkend", "landelijk erkend")


@dataclass(frozen=True)
class Cell:
    """One figure; `suppressed` when its group is too small to show."""

    value: float | int | None
    suppressed: bool = False
    percent: bool = False

    def display(self) -> str:
        """The figure as Dutch text ('n<10' when suppressed, '—' when there is none)."""
        if self.suppressed:
            return f"n<{MIN_GROUP}"
        if self.value is None:
            return "—"
        if self.percent:
            return f"{round(100 * self.value)}%"
        return str(self.value) if isinstance(self.value, int) else f"{self.value:.1f}".replace(
            ".", ",")

    def export(self):
        """The figure for a spreadsheet: a number, or text when suppressed or empty."""
        if self.suppressed or self.value is None:
            return self.display()
        return round(self.value, 4) if self.percent else self.value


@dataclass(frozen=True)
class Table:
    """A KPI table: a row label, then cells; `bar` is the column drawn as a chart."""

    key: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list]] = field(default_factory=list)
    note: str = ""
    bar: int = 0

    def bar_max(self) -> float:
        """The largest value in the chart column (at least 1)."""
        values = [r[1][self.bar].value for r in self.rows
                  if not r[1][self.bar].suppressed and r[1][self.bar].value is not None]
        return max([1, *values])


@dataclass(frozen=True)
class Period:
    """A date range in UTC, start inclusive and end exclusive."""

    start: datetime
    end: datetime

    @classmethod
    def of(cls, first: date | None, last: date | None, today: date | None = None) -> "Period":
        """The days first..last inclusive; by default the last 365 days."""
        last = last or today or date.today()
        first = first or last - timedelta(days=364)
        return cls(datetime.combine(first, time(), UTC),
                   datetime.combine(last + timedelta(days=1), time(), UTC))

    @property
    def last_day(self) -> date:
        """The last day included."""
        return (self.end - timedelta(days=1)).date()


def _groups(db: Session) -> dict[int, tuple[bool, bool]]:
    return {cid: (gender == "v", bool(nt2)) for cid, gender, nt2 in db.exec(
        select(Candidate.id, Candidate.gender, Candidate.nt2_speaker))}


def _members(ids, people) -> list[list[int]]:
    ids = list(ids)
    return [ids, [i for i in ids if people.get(i, (0, 0))[0]],
            [i for i in ids if people.get(i, (0, 0))[1]]]


def counts(ids, people) -> list[Cell]:
    """Total, women and NT2 counts; a split suppressed when under MIN_GROUP distinct people."""
    groups = _members(ids, people)
    return [Cell(len(g), suppressed=k > 0 and len(set(g)) < MIN_GROUP)
            for k, g in enumerate(groups)]


def ratio(hits, base, people) -> list[Cell]:
    """Hits per base item for each group (ids may repeat); suppressed when the base is small.

    Small means fewer than MIN_GROUP distinct people, so one person's many rows never count
    as a group.
    """
    out = []
    for k, (group_hits, group_base) in enumerate(zip(_members(hits, people),
                                                     _members(base, people), strict=True)):
        value = len(group_hits) / len(group_base) if group_base else None
        out.append(Cell(value, suppressed=k > 0 and len(set(group_base)) < MIN_GROUP,
                        percent=True))
    return out


def medians(observations: dict[int, float], people) -> list[Cell]:
    """Median per group; suppressed when fewer than MIN_GROUP observations."""
    out = []
    for k, ids in enumerate(_members(observations, people)):
        value = float(median(observations[i] for i in ids)) if ids else None
        out.append(Cell(None if value is None else round(value, 1),
                        suppressed=k > 0 and len(ids) < MIN_GROUP))
    return out


def _changes(db: Session, period: Period, subject_type: str, statuses) -> list[StatusChange]:
    return list(db.exec(select(StatusChange).where(
        StatusChange.subject_type == subject_type, col(StatusChange.to_status).in_(statuses),
        StatusChange.at >= period.start, StatusChange.at < period.end)))


def _split_columns(*extra) -> list[str]:
    return [str(label) for _k, label in GROUPS] + [str(e) for e in extra]


def intakes(db: Session, period: Period, people) -> Table:
    """Candidates who signed up in the period, by whether the intake is complete."""
    rows = db.exec(select(Candidate.id, Candidate.intake_completed_at).where(
        Candidate.created_at >= period.start, Candidate.created_at < period.end)).all()
    done = [i for i, at in rows if at is not None]
    open_ = [i for i, at in rows if at is None]
    return Table("intakes", str(_l("Intakes")), _split_columns(), [
        (str(_l("Volledig")), counts(done, people)),
        (str(_l("Onvolledig")), counts(open_, people))])


def funnel(db: Session, period: Period, people) -> Table:
    """Candidates reaching each stage in the period, and the conversion from the stage before."""
    reached: dict[str, set[int]] = {s: set() for s in FUNNEL}
    for change in _changes(db, period, "candidate", ORDER):
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
    columns = _split_columns(*(_l("Conversie %(group)s", group=str(label).lower())
                               for _k, label in GROUPS))
    return Table("trechter", str(_l("Trechter: kandidaten per fase")), columns, rows)


def time_to_placement(db: Session, period: Period, people) -> Table:
    """Median days from the finished intake to placement, for placements in the period."""
    placed = {c.subject_id: aware(c.at) for c in _changes(db, period, "candidate", ("geplaatst",))}
    starts = dict(db.exec(select(Candidate.id, Candidate.intake_completed_at).where(
        col(Candidate.id).in_(placed or {0}))).all())
    days = {cid: (at - aware(starts[cid])).total_seconds() / 86400
            for cid, at in placed.items() if starts.get(cid)}
    return Table("doorlooptijd", str(_l("Tijd tot plaatsing")), _split_columns(), [
        (str(_l("Mediaan dagen van intake tot geplaatst")), medians(days, people)),
        (str(_l("Aantal geplaatst")), counts(days, people))], bar=0)


def placements_by(db: Session, period: Period, people) -> list[Table]:
    """Placements (matches reaching 'geplaatst') by kind, theme and region."""
    ids = {c.subject_id for c in _changes(db, period, "match", ("geplaatst",))}
    rows = db.exec(select(Match.candidate_id, Placement.kind, Placement.theme, Placement.pc4)
                   .join(Placement).where(col(Match.id).in_(ids or {0}))).all()
    tables = []
    for key, title, value in (
            ("soort", _l("Plaatsingen per soort plek"), lambda r: r[1]),
            ("thema", _l("Plaatsingen per thema"), lambda r: r[2] or "—"),
            ("regio", _l("Plaatsingen per arbeidsmarktregio"),
             lambda r: getattr(postcodes.area(r[3]), "region", "—"))):
        groups: dict[str, list[int]] = {}
        for row in rows:
            groups.setdefault(value(row), []).append(row[0])
        tables.append(Table(key, str(title), _split_columns(),
                            [(k, counts(v, people)) for k, v in sorted(groups.items())]))
    return tables


def modules(db: Session, period: Period, people) -> Table:
    """Modules started, completed and stopped in the period; completions by civiele waarde."""
    first, end = period.start.date(), period.end.date()
    rows = db.exec(select(ModuleEnrolment.candidate_id, ModuleEnrolment.status,
                          ModuleEnrolment.started_on, ModuleEnrolment.ended_on,
                          Module.civil_value).join(Module, Module.id == ModuleEnrolment.module_id)
                   .where(or_(col(ModuleEnrolment.started_on).between(first, end),
                              col(ModuleEnrolment.ended_on).between(first, end)))).all()
    started = [r[0] for r in rows if first <= r[2] < end]
    ended = [r for r in rows if r[3] is not None and first <= r[3] < end]
    completed = [r[0] for r in ended if r[1] == "afgerond"]
    stopped = [r[0] for r in ended if r[1] == "gestopt"]
    civil = [r[0] for r in ended if r[1] == "afgerond" and r[4] in CIVIL_EFFECT]
    table_rows = [(str(_l("Gestart")), counts(started, people)),
                  (str(_l("Afgerond")), counts(completed, people)),
                  (str(_l("Gestopt")), counts(stopped, people)),
                  (str(_l("Aandeel afgerond van wie afrondde of stopte")),
                   ratio(completed, completed + stopped, people)),
                  (str(_l("Aandeel afgeronde modules met civiele waarde")),
                   ratio(civil, completed, people))]
    return Table("modules", str(_l("Scholing: modules gestart en afgerond")), _split_columns(),
                 table_rows, note=str(_l("Civiele waarde: wettelijk of landelijk erkend "
                                         "(mbo-certificaat, keuzedeel, branchecertificaat).")))


def mentor_capacity(db: Session, people) -> Table:
    """Mentor capacity in use per employer right now (matches in an active stage)."""
    rows = db.exec(select(Employer.name, Employer.mentor_capacity, Match.candidate_id)
                   .join(Placement, Placement.employer_id == Employer.id)
                   .join(Match, Match.placement_id == Placement.id)
                   .where(col(Match.status).in_(pipeline.ACTIVE_WITH_EMPLOYER))).all()
    per: dict[tuple[str, int], list[int]] = {}
    for name, capacity, cid in rows:
        per.setdefault((name, capacity), []).append(cid)
    return Table("capaciteit", str(_l("Begeleidingscapaciteit in gebruik (nu)")),
                 _split_columns(_l("Capaciteit")),
                 [(name, counts(ids, people) + [Cell(cap)])
                  for (name, cap), ids in sorted(per.items())])


def congestion(db: Session, period: Period, people) -> Table:
    """How often each placement was proposed in the period (the busiest first)."""
    rows = db.exec(select(Placement.id, Placement.title, Match.candidate_id).join(Placement)
                   .where(Match.proposed_at >= period.start, Match.proposed_at < period.end)).all()
    per: dict[tuple[int, str], list[int]] = {}
    for pid, title, cid in rows:
        per.setdefault((pid, title), []).append(cid)
    busiest = sorted(per.items(), key=lambda kv: (-len(kv[1]), kv[0][0]))[:TOP_PLACEMENTS]
    mean = Cell(round(len(rows) / len(per), 2) if per else None)
    return Table("congestie", str(_l("Voorstellen per plek")), _split_columns(), [
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
    return Table("afwijkingen", str(_l("Afwijkingen van de ranglijst")), _split_columns(), [
        (str(_l("Aandeel voorstellen met afwijking")), ratio(overridden, proposed, people)),
        (str(_l("Aantal voorstellen")), counts(proposed, people))])


def dashboard(db: Session, period: Period) -> list[Table]:
    """All KPI tables for the period."""
    people = _groups(db)
    return [intakes(db, period, people), funnel(db, period, people),
            time_to_placement(db, period, people), *placements_by(db, period, people),
            modules(db, period, people), mentor_capacity(db, people),
            congestion(db, period, people), overrides(db, period, people)]
