"""The kennismaking appointment: when, where (a place or a video link) and with whom."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TelField, TimeField, URLField
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional, Regexp

from spt.services.appointments import AppointmentData, AppointmentPage

PLACE_OR_VIDEO = _l("Vul een adres in of een videolink.")


class AppointmentFields(FlaskForm):
    """Date, time, place or video link, and the contact person of a kennismaking."""

    day = DateField(_l("Datum"), validators=[InputRequired(_l("Kies een datum."))])
    time = TimeField(_l("Tijd"), description=_l("Bijvoorbeeld 10:00."),
                     validators=[InputRequired(_l("Kies een tijd."))])
    place = StringField(_l("Adres"), description=_l("Waar de kennismaking is. Leeg bij een "
                                                    "gesprek via video."),
                        validators=[Length(max=300)])
    video_url = URLField(_l("Videolink"), description=_l("Bijvoorbeeld een Teams- of "
                                                         "Zoom-link. Leeg als u elkaar ziet."),
                         validators=[Optional(), Length(max=500), URL(
                             require_tld=False, message=_l("Vul een link in die begint met "
                                                           "https://."))])
    contact_name = StringField(_l("Contactpersoon"),
                               validators=[DataRequired(_l("Vul de naam van de "
                                                           "contactpersoon in.")),
                                           Length(max=200)])
    contact_phone = TelField(_l("Telefoon van de contactpersoon"), validators=[
        Optional(), Length(max=40), Regexp(r"^\+?[0-9 ()-]{10,20}$", message=_l(
            "Vul een telefoonnummer in, bijvoorbeeld 020 123 4567."))])

    def validate(self, extra_validators=None) -> bool:
        """A place or a video link: one of the two says where to go."""
        valid = super().validate(extra_validators)
        if not (self.place.data or "").strip() and not (self.video_url.data or "").strip():
            self.place.errors = [*self.place.errors, PLACE_OR_VIDEO]
            return False
        return valid

    def appointment_data(self) -> AppointmentData:
        """The fields as the appointments service takes them."""
        return AppointmentData(day=self.day.data, time=self.time.data,
                               place=(self.place.data or "").strip(),
                               video_url=(self.video_url.data or "").strip(),
                               contact_name=(self.contact_name.data or "").strip(),
                               contact_phone=(self.contact_phone.data or "").strip())

    def fill(self, shown: AppointmentPage) -> None:
        """Show a stored appointment's values in Amsterdam time (when nothing was typed)."""
        self.day.data, self.time.data = shown.local_start.date(), shown.local_start.time()
        for name in ("place", "video_url", "contact_name", "contact_phone"):
            getattr(self, name).data = getattr(shown.row, name)


class CancelForm(FlaskForm):
    """Cancel an appointment (the button; the page says what follows)."""
