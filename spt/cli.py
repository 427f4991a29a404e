"""The `spt` command line: it calls services, nothing else."""

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from spt.config import UnsafeConfigError


def _create_app():
    from spt import create_app

    try:
        return create_app()
    except UnsafeConfigError as error:
        click.echo(f"SPT Match start niet: {error}", err=True)
        sys.exit(2)


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main():
    """SPT Match: beheer, demo en onderhoud."""


@click.group("db")
def db_group():
    """Database schema."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade():
    """Create or update the database schema."""
    from spt import migrate
    from spt.db import get_engine

    migrate.upgrade(get_engine())
    click.echo("Database bijgewerkt.")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@with_appcontext
def db_revision(message):
    """Autogenerate a migration from the models (for developers)."""
    from spt import migrate
    from spt.db import get_engine

    migrate.revision(get_engine(), message)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(["candidate", "employer", "advisor", "admin"]),
              required=True)
@click.password_option()
@with_appcontext
def create_user(email, role, password):
    """Create an account (advisors and admins are created this way)."""
    from spt.db import get_db
    from spt.services import accounts
    from spt.services.errors import DomainError

    try:
        user = accounts.create_user(get_db(), email=email, password=password, role=role)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Account {user.email} ({user.role}) aangemaakt.")


def _print_summaries(summaries) -> None:
    for summary in summaries:
        click.echo(f"{summary.name}: {summary.added} toegevoegd, {summary.updated} bijgewerkt, "
                   f"{summary.unchanged} ongewijzigd")


@click.command("import-esco")
@with_appcontext
def import_esco():
    """Load the ESCO occupations in Dutch (idempotent)."""
    from spt.db import get_db
    from spt.services import reference

    _print_summaries([reference.import_esco(get_db())])


@click.command("load-reference")
@with_appcontext
def load_reference():
    """Load all reference data: ESCO, skills, modules, career paths (idempotent)."""
    from spt.db import get_db
    from spt.services import reference

    _print_summaries(reference.load_all(get_db()))


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Load realistic Dutch demo data (idempotent)."""
    from spt.db import get_db
    from spt.services import demo

    summary = demo.seed(get_db())
    click.echo(demo.describe(summary))


@click.command("demo")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def demo_command(host, port):
    """Upgrade the database, load the demo data and serve on 127.0.0.1:5000."""
    from spt import migrate
    from spt.db import get_db, get_engine
    from spt.services import demo, reference

    migrate.upgrade(get_engine())
    _print_summaries(reference.load_all(get_db()))
    summary = demo.seed(get_db())
    click.echo(demo.describe(summary))
    click.echo(f"\nSPT Match draait op http://{host}:{port}/  (stoppen: Ctrl+C)")
    current_app.run(host=host, port=port, debug=False, use_reloader=False)


@click.command("send-mail")
@with_appcontext
def send_mail():
    """Send queued mail over SMTP (when SPT_MAIL_URL is set)."""
    from spt.db import get_db
    from spt.services import mail

    click.echo(f"{mail.deliver_pending(get_db())} berichten verstuurd.")


def register_commands(app) -> None:
    """Attach the commands to the app (also reachable through `flask --app spt`)."""
    for command in (db_group, create_user, import_esco, load_reference, seed_demo, demo_command,
                    send_mail):
        app.cli.add_command(command)
