"""KPIs beside and after the pipeline: modules started and completed, retention after placement."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, or_, select

from spt.db import among
from spt.models import ModuleEnrolment, StatusChange
from spt.models._base import utcnow
from spt.services.kpi_figures import Period, Table, counts, ratio, split_columns
from spt.services.retention import months_before
from spt.services.workqueue import aware
from spt.vocabulary import CandidateStatus as C

# Civiele waarde means formal recognition beyond the institution that gave the module.
CIVIL_EFFECT = ("wettelijk erkend", "landelijk erkend")
RETENTION_MONTHS = (6, 12)


def _within(column, first: date, end: date):
    """The day column falls in first..end, end exclusive (like Period)."""
    return (column >= first) & (column < end)


def modules(db: Session, period: Period, people) -> Table:
    """Modules started, completed and stopped in the period; completions by civiele waarde."""
    first, end = period.start.date(), period.end.date()
    rows = db.exec(select(ModuleEnrolment.candidate_id, ModuleEnrolment.status,
                          ModuleEnrolment.started_on, ModuleEnrolment.ended_on,
                          ModuleEnrolment.civil_value)
                   .where(or_(_within(ModuleEnrolment.started_on, first, end),
                              _within(col(ModuleEnrolment.ended_on), first, end)))).all()
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
    return Table("modules", str(_l("Scholing: modules gestart en afgerond")), split_columns(),
                 table_rows, note=str(_l("Civiele waarde: wettelijk of landelijk erkend "
                                         "(mbo-certificaat, keuzedeel, branchecertificaat).")))


def retention(db: Session, period: Period, people) -> Table:
    """Of those placed in the period, the share still at work 6 and 12 months later."""
    now = utcnow()
    placed: dict[int, datetime] = {}
    for cid, at in db.exec(select(StatusChange.subject_id, StatusChange.at).where(
            StatusChange.subject_type == "candidate", StatusChange.to_status == C.GEPLAATST,
            StatusChange.at >= period.start, StatusChange.at < period.end)):
        placed[cid] = min(placed.get(cid, aware(at)), aware(at))
    dropped: dict[int, list[datetime]] = {}
    for cid, at in db.exec(select(StatusChange.subject_id, StatusChange.at).where(
            StatusChange.subject_type == "candidate", StatusChange.to_status == C.UITGEVALLEN,
            among(db, col(StatusChange.subject_id), placed))):
        dropped.setdefault(cid, []).append(aware(at))
    rows = []
    for months in RETENTION_MONTHS:
        cohort = [cid for cid, at in placed.items() if months_before(now, months) >= at]
        kept = [cid for cid in cohort if not any(
            placed[cid] < at <= months_before(placed[cid], -months) for at in dropped.get(cid, ()))]
        rows += [(str(_l("Na %(n)d maanden nog aan het werk", n=months)),
                  ratio(kept, cohort, people)),
                 (str(_l("Geplaatst, %(n)d maanden of langer geleden", n=months)),
                  counts(cohort, people))]
    return Table("behoud", str(_l("Behoud na plaatsing")), split_columns(), rows,
                 note=str(_l("Telt wie in de gekozen periode geplaatst is en bij wie 6 of 12 "
                             "maanden voorbij zijn; uitgevallen binnen die tijd telt als niet "
                             "behouden.")))
