"""The kennismaking appointment page, the same for the candidate, the employer and advisors."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from spt.auth import role_required
from spt.db import get_db
from spt.forms.appointments import AppointmentFields, CancelForm
from spt.services import appointments
from spt.services.errors import DomainError
from spt.views import add_error

bp = Blueprint("appointments", __name__, url_prefix="/afspraken")
PARTIES = ("candidate", "employer", "advisor", "admin")  # the service checks whose it is


def _page(appointment_id: int, form=None, status: int = 200):
    shown = appointments.page(get_db(), user=current_user, appointment_id=appointment_id)
    if form is None:
        form = AppointmentFields(prefix="afspraak")
        form.fill(shown)
    return render_template("afspraak.html", shown=shown, form=form,
                           cancel_form=CancelForm(prefix="afzeggen")), status


@bp.route("/<int:appointment_id>", methods=["GET", "POST"])
@role_required(*PARTIES)
def show(appointment_id: int):
    """The appointment with date and time written out; POST moves it."""
    if request.method == "GET":
        return _page(appointment_id)
    form = AppointmentFields(prefix="afspraak")
    if form.validate_on_submit():
        try:
            appointments.reschedule(get_db(), user=current_user, appointment_id=appointment_id,
                                    data=form.appointment_data())
        except DomainError as error:
            if error.status not in (400, 409):
                raise
            add_error(form, error)
            return _page(appointment_id, form, error.status)
        flash(_("De afspraak is verzet. Iedereen krijgt de nieuwe uitnodiging."), "success")
        return redirect(url_for(".show", appointment_id=appointment_id))
    return _page(appointment_id, form, 400)


@bp.post("/<int:appointment_id>/afzeggen")
@role_required(*PARTIES)
def cancel(appointment_id: int):
    """Cancel the appointment; everyone's calendar takes it out."""
    if not CancelForm(prefix="afzeggen").validate_on_submit():
        raise DomainError(_("Het formulier is verlopen. Probeer het opnieuw."))
    appointments.cancel(get_db(), user=current_user, appointment_id=appointment_id)
    flash(_("De afspraak is afgezegd. Iedereen heeft bericht gekregen."), "success")
    return redirect(url_for(".show", appointment_id=appointment_id))
