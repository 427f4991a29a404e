"""Forms for the second login step (TOTP)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Regexp

CODE_ATTRS = {"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}


class CodeForm(FlaskForm):
    """The six-digit code from the authenticator app."""

    code = StringField(_l("Code uit je app"), render_kw=CODE_ATTRS, validators=[
        DataRequired(_l("Dit veld is verplicht.")), Length(max=12),
        Regexp(r"^\s*\d{3}\s*\d{3}\s*$", message=_l("Vul de 6 cijfers uit je app in."))],
        description=_l("Zes cijfers, bijvoorbeeld 123 456. Elke 30 seconden komt er een nieuwe."))
