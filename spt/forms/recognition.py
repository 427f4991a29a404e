"""Forms to fix what a typed text was recognised as: search by name, then pick a result."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

NONE = "-"  # the answer "geen van deze"
ROW = [DataRequired(_l("Kies een tekst uit de lijst.")), Length(max=20),
       Regexp(r"^(title|(job|skill|req)-\d{1,9})$", message=_l("Kies een tekst uit de lijst."))]


class SearchForm(FlaskForm):
    """Which typed text to fix, and the words to search for (a GET form)."""

    class Meta:
        csrf = False

    rij = StringField(validators=ROW)
    zoek = StringField(_l("Zoek op naam"), validators=[
        Optional(), Length(max=100, message=_l("Zoek met hoogstens 100 tekens."))])


class FixForm(FlaskForm):
    """The result picked for a typed text, or "geen van deze"."""

    rij = StringField(validators=ROW)
    doel = StringField(validators=[DataRequired(_l("Kies een resultaat uit de lijst.")),
                                   Length(max=200)])

    def target(self) -> str | None:
        """The chosen occupation uri or skill slug; None for "geen van deze"."""
        return None if self.doel.data == NONE else self.doel.data
