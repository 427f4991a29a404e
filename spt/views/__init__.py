"""Blueprints, one per audience, and small helpers that views share."""

from flask import render_template
from flask_babel import lazy_gettext as _l

from spt.services.errors import DomainError


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
DECIDED_BY = {"matcher": _l("herkenner"), "candidate": _l("kandidaat"),
              "employer": _l("werkgever"), "advisor": _l("adviseur")}
LANGUAGES = {"nl": _l("Nederlands"), "en": _l("Engels"), "de": _l("Duits"), "fr": _l("Frans"),
             "es": _l("Spaans"), "pl": _l("Pools"), "tr": _l("Turks"), "ar": _l("Arabisch")}
SYNONYM_ORIGINS = {"shipped": _l("meegeleverd"), "advisor": _l("adviseur"),
                   "candidate": _l("kandidaat"), "employer": _l("werkgever")}


def recognition_labels() -> dict:
    """Dutch wording that the recognition templates share."""
    return {"decided_by": DECIDED_BY, "languages": LANGUAGES,
            "synonym_origins": SYNONYM_ORIGINS}


# How a wish reads inside a sentence ("Het past bij wat je wilt: een BBL-leerbaan, ...").
THEME_WORDS = {"bouw": _l("bouw en infra"), "installatie": _l("installatietechniek"),
               "energie": _l("energie"), "mobiliteit": _l("mobiliteit"), "ict": _l("ICT")}
KIND_WORDS = {"vacature": _l("een baan"), "wep": _l("een werkervaringsplek (WEP)"),
              "bbl": _l("een BBL-leerbaan"), "stage": _l("een stage"),
              "proefplaatsing": _l("een proefplaatsing")}


def wish_words() -> dict:
    """Dutch wording of themes and kinds for the reasons a placement fits."""
    return {"themes": THEME_WORDS, "kinds": KIND_WORDS}
