"""Blueprints, one per audience, and small helpers that views share."""

from flask import render_template
from flask_babel import lazy_gettext as _l

from spt.services.errors import DomainError
from spt.vocabulary import MappedBy


def render_form(template: str, form, **context):
    """Render a form page: 400 when the submitted form has errors, 200 otherwise."""
    status = 400 if form.errors or context.get("error") else 200
    return render_template(template, form=form, **context), status


def add_error(form, error: DomainError) -> None:
    """Show a service's DomainError next to its field, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


# How recognition reads in Dutch: who decided, and the languages a requirement names.
DECIDED_BY = dict(MappedBy.choices())
LANGUAGES = {"nl": _l("Nederlands"), "en": _l("Engels"), "de": _l("Duits"), "fr": _l("Frans"),
             "es": _l("Spaans"), "pl": _l("Pools"), "tr": _l("Turks"), "ar": _l("Arabisch")}
SYNONYM_ORIGINS = {"shipped": _l("meegeleverd"), "advisor": _l("adviseur"),
                   "candidate": _l("kandidaat"), "employer": _l("werkgever")}


def recognition_labels() -> dict:
    """Dutch wording that the recognition templates share."""
    return {"decided_by": DECIDED_BY, "languages": LANGUAGES,
            "synonym_origins": SYNONYM_ORIGINS}

