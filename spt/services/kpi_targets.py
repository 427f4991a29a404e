"""Targets ('doelen') per KPI chart, set by an admin and drawn as a line on the dashboard."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from spt.models import KpiTarget
from spt.models._base import utcnow
from spt.services import audit


@dataclass(frozen=True)
class TargetKind:
    """A KPI that can have a target: its key, its Dutch name and its unit."""

    key: str
    label: object
    percent: bool
    maximum: float


TARGETS = (
    TargetKind("trechter", _l("Trechter: aantal kandidaten geplaatst in de periode"), False,
               100_000),
    TargetKind("plaatsingen", _l("Plaatsingen per maand"), False, 10_000),
    TargetKind("behoud", _l("Behoud na plaatsing (procent nog aan het werk)"), True, 100),
    TargetKind("capaciteit", _l("Begeleidingscapaciteit in gebruik (procent)"), True, 100),
)
KEYS = tuple(t.key for t in TARGETS)


def current(db: Session) -> dict[str, float]:
    """The targets that are set, per key (percentages as 0..100)."""
    return {row.key: row.value for row in db.exec(select(KpiTarget))}


def save(db: Session, *, admin_id: int, values: dict[str, float | None]) -> dict[str, float]:
    """Set, change or clear (None) the targets of the given keys; unknown keys are ignored."""
    for key in KEYS:
        if key not in values:
            continue
        row, value = db.get(KpiTarget, key), values[key]
        if value is None:
            if row is not None:
                db.delete(row)
        elif row is None:
            db.add(KpiTarget(key=key, value=value, updated_by_id=admin_id))
        else:
            row.value, row.updated_by_id, row.updated_at = value, admin_id, utcnow()
    audit.record(db, actor_id=admin_id, action="admin.kpi_targets", subject_type="kpi",
                 detail={k: values[k] for k in KEYS if k in values})
    db.commit()
    return current(db)
