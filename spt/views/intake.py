"""The intake wizard at /intake: six steps, saved per step, finished by creating the account."""

import secrets
from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from spt.db import get_db
from spt.extensions import limiter
from spt.forms.catalogue import options
from spt.forms.intake import STEP_FORMS, AccountForm, ConsentForm, ResumeForm, ResumeRequestForm
from spt.services import intake, intake_drafts, intake_typed, public_catalogue
from spt.services.errors import DomainError
from spt.services.profile import completeness
from spt.views import add_error
from spt.views.auth import register_limit

bp = Blueprint("intake", __name__, url_prefix="/intake")
STEP_TITLES = {1: "Over jou", 2: "Werk en ervaring", 3: "Vaardigheden",
               4: "Opleiding en certificaten", 5: "Wensen", 6: "Toestemming"}


@bp.before_request
def only_visitors_and_candidates():
    """Employers, advisors and admins have no intake."""
    if current_user.is_authenticated and current_user.role != "candidate":
        abort(403)


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _token() -> str:
    if "intake_token" not in session:
        session["intake_token"] = secrets.token_urlsafe(32)
    return session["intake_token"]


def _draft_data() -> tuple[dict, int]:
    return intake.form_data(get_db(), user_id=_user_id(), token=session.get("intake_token"))


@bp.get("/")
def start():
    """Continue where the visitor left off; ?pad= or ?module= preselects step 5's wishes."""
    _data, furthest = _draft_data()
    path_slug, module_slug = request.args.get("pad", ""), request.args.get("module", "")
    if path_slug or module_slug:
        wish = public_catalogue.wish(get_db(), path_slug=path_slug, module_slug=module_slug)
        if wish is None:
            flash(_("Deze keuze kennen we niet (meer). Bij stap 5 kies je zelf wat je wilt."),
                  "info")
        else:
            session["intake_wish"] = {"title": wish.title, "themes": list(wish.themes),
                                      "kinds": list(wish.kinds)}
            flash(_("Je koos %(title)s. Bij stap 5 (Wensen) staat dat al aangevinkt.",
                    title=wish.title), "info")
            furthest = min(furthest, 5)
    return redirect(url_for(".step", number=furthest))


def _with_wish(saved: dict) -> dict:
    """Step 5 as saved, plus the themes and kinds of a path or module chosen on its page."""
    wish = session.get("intake_wish") or {}
    return saved | {key: list(dict.fromkeys([*saved.get(key, []), *wish.get(key, [])]))
                    for key in ("themes", "kinds")} if wish else saved


def _form_values(number: int, form) -> dict:
    if number == 2:
        return {"jobs": [{"title": (e.title.data or "").strip(), "years": e.years.data}
                         for e in form.jobs if (e.title.data or "").strip()],
                "intent": form.intent.data or None}
    if number == 3:
        return {"skills": [{"name": (e.skill.data or "").strip(), "level": e.level.data}
                           for e in form.skills if (e.skill.data or "").strip()]}
    values = {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
    for key, value in values.items():
        if isinstance(value, date):
            values[key] = value.isoformat()
        elif isinstance(value, str):
            values[key] = value.strip()
    return values


def _make_form(number: int, data: dict, *, submitted: bool):
    saved = dict(data.get(str(number), {}))
    if number == 1 and not saved.get("email") and current_user.is_authenticated:
        saved["email"] = current_user.email  # a logged-in candidate's address to start with
    if number == 5:
        saved = _with_wish(saved)
    if number == 5 and saved.get("available_from"):
        saved["available_from"] = date.fromisoformat(saved["available_from"])
    if number == 3:
        saved = {"skills": [{"skill": s["name"], "level": s["level"]}
                            for s in saved.get("skills", [])]}
    if number == 2:
        saved["intent"] = saved.get("intent") or ""
    form = STEP_FORMS[number]() if submitted else STEP_FORMS[number](data=saved)
    if number == 4:
        form.certificates.choices = options(intake.certificate_choices(get_db()))
    return form


def link_limit() -> str:
    """The rate limit of mails with a "ga verder" link from one address."""
    return current_app.config["INTAKE_LINK_RATE_LIMIT"]


@bp.route("/<int:number>", methods=["GET", "POST"])
@limiter.limit(link_limit, methods=["POST"],
               exempt_when=lambda: (request.view_args or {}).get("number") != 1)
def step(number: int):
    """One of steps 1-5; a valid submit saves the step and goes on."""
    if number == 6:
        return consent()
    if number not in STEP_FORMS:
        abort(404)
    data, furthest = _draft_data()
    form = _make_form(number, data, submitted=False)
    if form.is_submitted():
        form = _make_form(number, data, submitted=True)
        if form.validate():
            try:
                saved = intake.save_step(get_db(), user_id=_user_id(), token=_token(),
                                         step=number, values=_form_values(number, form),
                                         action=_answer(number, form))
            except DomainError as error:
                add_error(form, error)
            else:
                if number == 5:
                    session.pop("intake_wish", None)  # chosen now: the form says what stays
                return redirect(_after_save(number, saved.check))
    return _render(number, form, data, furthest)


def _texts(number: int, form) -> list[str]:
    if number == 2:
        return [(e.title.data or "").strip() for e in form.jobs]
    return [(e.skill.data or "").strip() for e in form.skills]


def _answer(number: int, form) -> dict | None:
    """The candidate's answer to "Bedoel je ...?": which row, and what they chose."""
    name = next((n for n in ("choose", "wrong") if n in request.form), None)
    if number not in intake_typed.TYPED or name is None:
        return None
    row, _sep, target = request.form[name].partition(":")
    texts = _texts(number, form)
    if not row.isdigit() or int(row) >= len(texts):
        raise DomainError(_("Deze keuze hoort niet bij wat je schreef. Kies opnieuw."))
    if name == "wrong":
        return {"op": "wrong", "text": texts[int(row)]}
    if target in ("", "-"):
        return {"op": "none", "text": texts[int(row)]}
    return {"op": "choose", "text": texts[int(row)], "target": target}


def _after_save(number: int, check: bool) -> str:
    if check:  # show what was recognised on the step where it was typed
        flash(_("Opgeslagen. Kijk hieronder wat wij herkend hebben. Klopt het? Klik dan op "
                "'Opslaan en verder'."), "info")
        return url_for(".step", number=number, _anchor="herkenning")
    return _next_url(number)


def _next_url(number: int) -> str:
    if intake.is_finished(get_db(), _user_id()):
        flash(_("Je gegevens zijn opgeslagen. Je matches zijn bijgewerkt."), "success")
        return url_for("candidate.profile")
    return url_for(".step", number=number + 1)


def _render(number: int, form, data: dict, furthest: int):
    status = 400 if form.errors or form.form_errors else 200
    saved = data.get(str(number), {})
    readings = intake_typed.readings(number, _texts(number, form), saved) \
        if number in intake_typed.TYPED else []
    return render_template(f"intake/step{number}.html", form=form, number=number,
                           titles=STEP_TITLES, saved=saved, readings=readings,
                           wish=session.get("intake_wish") if number == 5 else None,
                           furthest=max(furthest, number), meter=completeness(data)), status


@bp.route("/6", methods=["GET", "POST"], endpoint="consent")
@limiter.limit(register_limit, methods=["POST"])
def consent():
    """Step 6: consent per purpose, then the account is created (or the intake finished)."""
    data, furthest = _draft_data()
    form = ConsentForm() if current_user.is_authenticated else AccountForm()
    if form.validate_on_submit():
        consents = {"matching": form.consent_matching.data,
                    "employers_pseudonymous": form.consent_employers.data,
                    "mail": form.consent_mail.data, "research": form.consent_research.data}
        try:
            intake.complete(
                get_db(), user=current_user._get_current_object()
                if current_user.is_authenticated else None, token=session.get("intake_token"),
                consents=consents, password=getattr(form, "password", None) and form.password.data)
        except DomainError as error:
            add_error(form, error)
        else:
            session.pop("intake_token", None)
            if not current_user.is_authenticated:
                # New or taken address: the same answer, the rest goes by mail.
                flash(_("Je intake is opgeslagen. Kijk in je mail: bevestig je e-mailadres met "
                        "de link en log daarna in om je routes te zien. Had je al een "
                        "account, dan staat in de mail hoe je inlogt."), "success")
                return redirect(url_for("auth.login"))
            flash(_("Je intake is klaar. Hieronder zie je routes die bij je passen."), "success")
            return redirect(url_for("candidate.home"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("intake/step6.html", form=form, number=6, titles=STEP_TITLES,
                           furthest=max(furthest, 6), meter=completeness(data),
                           missing=intake.missing_steps(data),
                           privacy_version=intake.PRIVACY_VERSION), status


@bp.route("/verder", methods=["GET", "POST"])
@limiter.limit(link_limit, methods=["POST"])
def request_link():
    """Ask for a new "ga verder" link; the answer is the same whether or not a draft exists."""
    form = ResumeRequestForm()
    if form.validate_on_submit():
        intake_drafts.send_link(get_db(), email=form.email.data)
        flash(_("Als er een intake bij dit e-mailadres hoort, krijg je een e-mail met een "
                "link. Daarmee ga je verder waar je was."), "info")
        return redirect(url_for(".request_link"))
    return render_template("intake/verder.html", form=form), 400 if form.errors else 200


@bp.route("/verder/<token>", methods=["GET", "POST"])
def resume(token: str):
    """A mailed link: confirm, then this browser continues the intake (the link is used up)."""
    form = ResumeForm()
    try:
        intake_drafts.check_link(get_db(), token=token)
        if form.validate_on_submit():
            browser_token = intake_drafts.resume(
                get_db(), token=token, user=current_user._get_current_object()
                if current_user.is_authenticated else None)
            if browser_token:
                session["intake_token"] = browser_token
            flash(_("Welkom terug. Je intake staat klaar; ga verder waar je was."), "success")
            return redirect(url_for(".start"))
    except DomainError as error:
        return render_template("intake/verder.html", form=ResumeRequestForm(formdata=None),
                               error=error.message), error.status
    return render_template("intake/verder_link.html", form=form)
