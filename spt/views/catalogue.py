"""Admin pages for the reference catalogue: list, create, edit, retire and restore."""

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from spt.auth import role_required
from spt.db import get_db
from spt.forms.catalogue import CareerPathForm, ModuleForm, SkillForm, lines
from spt.services import catalogue
from spt.services.errors import DomainError
from spt.views import add_error, render_form

bp = Blueprint("catalogue", __name__, url_prefix="/beheer")


def _text(field) -> str:
    return (field.data or "").strip()


def _skill_data(form) -> dict:
    return {"slug": form.slug.data, "label": _text(form.label), "kind": form.kind.data,
            "themes": form.themes.data, "synonyms": lines(form.synonyms.data),
            "esco_uris": lines(form.esco_uris.data)}


def _module_data(form) -> dict:
    data = {key: getattr(form, key).data for key in catalogue.MODULE_KEYS}
    data |= {"level": form.level.data or None, "min_nt2": form.min_nt2.data or None,
             "min_level": form.min_level.data or None, "cost_eur": form.cost_eur.data or 0,
             "start_moments": lines(form.start_moments.data), "skills": lines(form.skills.data),
             "location": _text(form.location), "description": _text(form.description)}
    return data


def _path_data(form) -> dict:
    return {"slug": form.slug.data, "title": _text(form.title), "theme": form.theme.data,
            "description": _text(form.description), "levels": form.levels.data,
            "entry_profiles": lines(form.entry_profiles.data),
            "target_occupations": lines(form.target_occupations.data),
            "required_skills": lines(form.required_skills.data), "steps": lines(form.steps.data)}


def _skill_form_values(_db, row) -> dict:
    return {"synonyms": "\n".join(row.synonyms), "esco_uris": "\n".join(row.esco_uris)}


def _module_form_values(db, row) -> dict:
    return {"start_moments": "\n".join(row.start_moments), "level": row.level or "",
            "min_nt2": row.min_nt2 or "", "min_level": row.min_level or "",
            "skills": "\n".join(catalogue.module_skill_slugs(db, row.id))}


def _path_form_values(db, row) -> dict:
    def step_line(step):
        extra = ", ".join(step.placement_kinds) if step.kind == "placement" else ""
        return f"{step.kind} | {step.title}" + (f" | {extra}" if extra else "")

    return {"entry_profiles": "\n".join(row.entry_profiles),
            "target_occupations": "\n".join(row.target_occupation_uris),
            "required_skills": "\n".join(row.required_skill_slugs),
            "steps": "\n".join(step_line(s) for s in catalogue.steps_of(db, row.id))}


@dataclass(frozen=True)
class Kind:
    """How one catalogue kind is shown and saved."""

    key: str
    title: object
    form: type
    to_data: object
    form_values: object
    save: object


KINDS = {
    "vaardigheden": Kind("skill", _l("Vaardigheden"), SkillForm, _skill_data, _skill_form_values,
                         catalogue.save_skill),
    "modules": Kind("module", _l("LLO-modules"), ModuleForm, _module_data, _module_form_values,
                    catalogue.save_module),
    "loopbaanpaden": Kind("career_path", _l("Loopbaanpaden"), CareerPathForm, _path_data,
                          _path_form_values, catalogue.save_career_path),
}


def _kind(name: str) -> Kind:
    if name not in KINDS:
        abort(404)
    return KINDS[name]


@bp.get("/<any(vaardigheden, modules, loopbaanpaden):name>")
@role_required("admin")
def listing(name: str):
    """List a catalogue kind with search and retired rows on request."""
    kind = _kind(name)
    query = request.args.get("q", "")[:100]
    include_retired = request.args.get("ingetrokken") == "1"
    rows = catalogue.listing(get_db(), kind.key, query=query, include_retired=include_retired)
    return render_template("beheer/catalogue_list.html", name=name, kind=kind, rows=rows,
                           query=query, include_retired=include_retired)


@bp.route("/<any(vaardigheden, modules, loopbaanpaden):name>/nieuw", methods=["GET", "POST"])
@bp.route("/<any(vaardigheden, modules, loopbaanpaden):name>/<int:row_id>",
          methods=["GET", "POST"])
@role_required("admin")
def edit(name: str, row_id: int | None = None):
    """Create or edit a catalogue row."""
    kind = _kind(name)
    db = get_db()
    row = catalogue.get(db, kind.key, row_id) if row_id else None
    form = kind.form(obj=row) if request.method == "GET" and row else kind.form()
    if request.method == "GET" and row:
        for field, value in kind.form_values(db, row).items():
            getattr(form, field).data = value
    if form.validate_on_submit():
        try:
            kind.save(db, actor_id=current_user.id, row_id=row_id, data=kind.to_data(form))
        except DomainError as error:
            add_error(form, error)
        else:
            flash(_("Opgeslagen."), "success")
            return redirect(url_for(".listing", name=name))
    return render_form("beheer/catalogue_form.html", form, name=name, kind=kind, row=row)


@bp.post("/<any(vaardigheden, modules, loopbaanpaden):name>/<int:row_id>/intrekken")
@role_required("admin")
def retire(name: str, row_id: int):
    """Retire a row: it disappears from choices, and what refers to it keeps working."""
    catalogue.set_retired(get_db(), actor_id=current_user.id, kind=_kind(name).key,
                          row_id=row_id, retired=request.form.get("herstellen") != "1")
    flash(_("Bijgewerkt."), "success")
    return redirect(url_for(".listing", name=name))
