"""Blueprints, one per audience, and small helpers that views share."""

from flask import render_template

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
