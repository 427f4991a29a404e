"""Forms for the admin pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

ROLE_CHOICES = [SelectChoice("", _l("Alle rollen")), SelectChoice("candidate", _l("Kandidaat")),
                SelectChoice("employer", _l("Werkgever")), SelectChoice("advisor", _l("Adviseur")),
                SelectChoice("admin", _l("Beheerder"))]


class UserFilterForm(FlaskForm):
    """Filter the user list by role and a search text (a GET form, no CSRF token needed)."""

    class Meta:
        csrf = False

    rol = SelectField(_l("Rol"), choices=ROLE_CHOICES, default="", validators=[Optional()])
    zoek = SearchField(_l("Zoeken"), validators=[Optional(), Length(max=100)],
                       description=_l("E-mailadres, naam of organisatie"))


class UserActionForm(FlaskForm):
    """A button that changes an account (it carries only the CSRF token)."""
