"""SPT Match: the Flask application factory."""

import os

from flask import Flask
from flask_babel import get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

from spt import config as config_module


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: config, database, extensions, blueprints, error pages and CLI."""
    # Templates and static files live inside the package, so an installed wheel serves pages.
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    defaults = config_module.defaults(app.instance_path)
    app.config.from_mapping(defaults)
    app.config.from_mapping(config_module.from_environment())
    if test_config:
        app.config.from_mapping(test_config)
    config_module.finalise(app.config)
    if app.config["PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"],
                                x_proto=app.config["PROXY_COUNT"])

    # The app's own modules are imported when the factory runs, not at the top: spt.cli and
    # spt.jobs import create_app from this module, so a top-level import would be a cycle.
    from spt import db, errors, observability, request_guards, security  # noqa: PLC0415
    from spt.extensions import babel, csrf, limiter, login_manager, select_locale  # noqa: PLC0415
    from spt.services import mail  # noqa: PLC0415

    observability.configure_logging(app.config["LOG_FORMAT"])
    observability.init_app(app)
    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    security.init_app(app)
    mail.init_app(app)
    errors.init_app(app)
    request_guards.init_app(app)
    _register_blueprints(app)
    _register_template_helpers(app)

    from spt.cli import register_commands  # noqa: PLC0415 (see above: spt.cli imports create_app)

    register_commands(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from spt.views import (  # noqa: PLC0415 (see create_app: the views reach spt.jobs)
        admin,
        admin_synonyms,
        advisor,
        advisor_enrolments,
        advisor_kpis,
        advisor_pipeline,
        advisor_privacy,
        advisor_recognition,
        advisor_rounds,
        api,
        appointments,
        audit,
        auth,
        candidate,
        catalogue,
        employer,
        employer_recognition,
        health,
        inbox,
        intake,
        main,
        mfa,
        preferences,
        public,
    )

    for module in (main, auth, mfa, intake, api, candidate, employer, employer_recognition,
                   advisor, advisor_privacy, advisor_enrolments, advisor_pipeline,
                   advisor_recognition, advisor_rounds, advisor_kpis, admin, admin_synonyms,
                   audit, catalogue, health, preferences, public,
                   appointments, inbox):
        app.register_blueprint(module.bp)


def _register_template_helpers(app: Flask) -> None:
    from spt import vocabulary  # noqa: PLC0415 (see create_app)
    from spt.views.inbox import unread_messages  # noqa: PLC0415 (see _register_blueprints)

    app.add_template_filter(vocabulary.label_filter, "label")
    app.add_template_filter(vocabulary.labels_filter, "labels")

    @app.context_processor
    def inject_locale():
        return {"current_locale": str(get_locale() or "nl"), "inbox_unread": unread_messages,
                "contact": {"name": app.config["CONTACT_NAME"],
                            "email": app.config["CONTACT_EMAIL"],
                            "phone": app.config["CONTACT_PHONE"]}}
