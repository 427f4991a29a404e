"""Public career paths and training, for everyone: listings, pages, widgets and the sitemap."""

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from spt.db import get_db
from spt.forms.intake import KIND_CHOICES, THEME_CHOICES
from spt.forms.public import (
    COST_LABELS,
    FORMAT_LABELS,
    LEVELS,
    ModuleFilterForm,
    PathFilterForm,
)
from spt.security import frameable
from spt.services import public_catalogue
from spt.urls import external_url

bp = Blueprint("public", __name__)
STEP_KINDS = {"orientation": _l("Kennismaken"), "module": _l("Scholing"),
              "placement": _l("Werkplek"), "job": _l("Aan het werk")}


def _words() -> dict:
    return {"themes": dict(THEME_CHOICES), "kinds": dict(KIND_CHOICES), "steps": STEP_KINDS,
            "costs": COST_LABELS, "formats": FORMAT_LABELS, "levels": dict(LEVELS)}


def _filtered(form_class, listing, template: str, **context):
    """A listing filtered by its GET form; a refused value: 400 and the message by its field."""
    db = get_db()
    form = form_class(formdata=request.args)
    form.set_regions(public_catalogue.regions(db))
    valid = form.validate()
    rows = listing(db, form.filters())
    return render_template(template, form=form, rows=rows, words=_words(), **context), \
        200 if valid else 400


@bp.get("/loopbaanpaden")
def paths():
    """Every career path, filtered by the visitor's choices."""
    return _filtered(PathFilterForm, public_catalogue.paths, "public/paden.html",
                     canonical=external_url("public.paths"))


@bp.get("/loopbaanpaden/<path_slug>")
def path(path_slug: str):
    """One career path: the work, the steps, how long and what it costs."""
    detail = public_catalogue.path_detail(get_db(), path_slug)
    return render_template("public/pad.html", detail=detail, words=_words(),
                           canonical=external_url("public.path", path_slug=path_slug))


@bp.get("/scholing")
def modules():
    """Every LLO module on offer, filtered by the visitor's choices."""
    return _filtered(ModuleFilterForm, public_catalogue.modules, "public/scholing.html",
                     canonical=external_url("public.modules"))


@bp.get("/scholing/<module_slug>")
def module(module_slug: str):
    """One module: what you learn and what it yields, where, when, how long, what it costs."""
    detail = public_catalogue.module_detail(get_db(), module_slug)
    return render_template("public/module.html", detail=detail, words=_words(),
                           canonical=external_url("public.module", module_slug=module_slug))


@bp.get("/embed/loopbaanpaden")
@frameable
def embed_paths():
    """A script-free widget of career paths for a partner's site (in an iframe)."""
    return _filtered(PathFilterForm, public_catalogue.paths, "embed/paden.html")


@bp.get("/embed/scholing")
@frameable
def embed_modules():
    """A script-free widget of modules for a partner's site (in an iframe)."""
    return _filtered(ModuleFilterForm, public_catalogue.modules, "embed/scholing.html")


@bp.get("/sitemap.xml")
def sitemap():
    """The public pages for search engines, with absolute addresses from SPT_BASE_URL."""
    path_slugs, module_slugs = public_catalogue.sitemap(get_db())
    urls = [external_url(e) for e in ("main.index", "public.paths", "public.modules",
                                      "main.how_matching_works", "main.privacy",
                                      "main.accessibility")]
    urls += [external_url("public.path", path_slug=s) for s in path_slugs]
    urls += [external_url("public.module", module_slug=s) for s in module_slugs]
    return render_template("public/sitemap.xml", urls=urls), 200, {
        "Content-Type": "application/xml; charset=utf-8"}


@bp.get("/robots.txt")
def robots():
    """Where the sitemap is; the pages behind a login are closed to crawlers anyway."""
    return f"User-agent: *\nAllow: /\nSitemap: {external_url('public.sitemap')}\n", 200, {
        "Content-Type": "text/plain; charset=utf-8"}
