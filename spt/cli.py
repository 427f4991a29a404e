"""The `spt` command line: it calls services, nothing else."""

import sys

import click
from alembic.util import CommandError
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from werkzeug.serving import run_simple

from spt import create_app, migrate, worker
from spt.config import UnsafeConfigError
from spt.db import get_db, get_engine
from spt.models._base import utcnow
from spt.services import (
    accounts,
    backup,
    candidate_news,
    demo,
    mail,
    notifications,
    reference,
    retention,
)
from spt.services import admin as admin_service
from spt.services.errors import DomainError


def _create_app():
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
    migrate.upgrade(get_engine())
    click.echo("Database bijgewerkt.")


@db_group.command("downgrade")
@click.argument("revision")
@click.option("--yes", is_flag=True, help="Niet vragen: verwijder wat de lijst noemt.")
@with_appcontext
def db_downgrade(revision, yes):
    """Undo migrations down to REVISION (for example 0001): says what it drops, then asks."""
    try:
        plan = migrate.downgrade_plan(get_engine(), revision)
    except CommandError as error:
        raise click.ClickException(f"Onbekende revisie {revision!r} ({error}).") from error
    if plan.current == revision:
        click.echo(f"De database staat al op revisie {revision}; er verandert niets.")
        return
    click.echo(f"Terugzetten van revisie {plan.current} naar {revision} verwijdert:")
    for table, rows in plan.tables:
        click.echo(f"  tabel {table} ({rows} rijen)")
    for table, column, rows in plan.columns:
        click.echo(f"  kolom {table}.{column} ({rows} rijen met een waarde)")
    if not plan.tables and not plan.columns:
        click.echo("  geen tabellen of kolommen")
    if not yes:
        try:
            confirmed = click.confirm("Doorgaan? Wat verwijderd is, komt niet terug",
                                      default=False)
        except click.Abort:
            confirmed = False
        if not confirmed:
            click.echo("Niets veranderd.")
            sys.exit(1)
    migrate.downgrade(get_engine(), revision)
    click.echo(f"Database teruggezet naar revisie {revision}.")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@with_appcontext
def db_revision(message):
    """Autogenerate a migration from the models (for developers)."""
    migrate.revision(get_engine(), message)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(["candidate", "employer", "advisor", "admin"]),
              required=True)
@click.password_option()
@with_appcontext
def create_user(email, role, password):
    """Create an account (advisors and admins are created this way)."""
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
    _print_summaries([reference.import_esco(get_db())])


@click.command("load-reference")
@with_appcontext
def load_reference():
    """Load all reference data: ESCO, skills, modules, career paths (idempotent)."""
    _print_summaries(reference.load_all(get_db()))


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Load realistic Dutch demo data (idempotent)."""
    try:
        summary = demo.seed(get_db())
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(demo.describe(summary))


@click.command("demo")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def demo_command(host, port):
    """Upgrade the database, load the demo data and serve on 127.0.0.1:5000."""
    if current_app.config["SPT_ENV"] == "production":
        raise click.ClickException("spt demo draait niet met SPT_ENV=production: de "
                                   "demo-accounts hebben openbare wachtwoorden.")
    migrate.upgrade(get_engine())
    _print_summaries(reference.load_all(get_db()))
    summary = demo.seed(get_db())
    click.echo(demo.describe(summary))
    if not current_app.config["MAIL_URL"]:
        # a new account confirms its address by mail: without a mail server, show the mail here
        current_app.config["MAIL_URL"] = "console://"
        click.echo("\nE-mail (bevestigen, wachtwoord vergeten) verschijnt hier in de terminal.")
    click.echo(f"\nSPT Match draait op http://{host}:{port}/  (stoppen: Ctrl+C)")
    # app.run() refuses to block inside the flask CLI, so serve with werkzeug directly.
    run_simple(host, port, current_app._get_current_object(), threaded=True)


@click.command("send-mail")
@with_appcontext
def send_mail():
    """Send queued mail over SMTP (when SPT_MAIL_URL is set)."""
    click.echo(f"{mail.deliver_pending(get_db())} berichten verstuurd.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst):
    """Run the background worker (RQ on SPT_REDIS_URL) that runs match rounds and other jobs."""
    try:
        worker.run(current_app._get_current_object(), burst=burst)
    except worker.NoRedisConfigured as error:
        raise click.ClickException(str(error)) from error


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(file):
    """Write every table to FILE (gzipped JSON lines, with the schema revision)."""
    summary = backup.backup(get_engine(), file)
    click.echo(f"Back-up gemaakt: {summary.total} rijen uit {len(summary.rows)} tabellen "
               f"(schema {summary.revision}, met manifest en controlegetallen) in {file}.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Wipe a database that is not empty first.")
@with_appcontext
def restore_command(file, force):
    """Check a backup's manifest, then load FILE into an empty database at the same revision."""
    try:
        summary = backup.restore(get_engine(), file, force=force)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Manifest klopt. Teruggezet: {summary.total} rijen in {len(summary.rows)} "
               "tabellen.")


@click.command("purge-expired")
@click.option("--dry-run", is_flag=True, help="Alleen laten zien wat verwijderd zou worden.")
@with_appcontext
def purge_expired(dry_run):
    """Apply the retention periods (idempotent); --dry-run lists and changes nothing."""
    result = retention.purge(get_db(), now=utcnow(), dry_run=dry_run)
    click.echo(retention.describe(result, dry_run=dry_run))


@click.command("digest")
@with_appcontext
def digest_command():
    """Mail each advisor the daily digest of new work (run once a day, e.g. from cron)."""
    click.echo(f"{notifications.send_digest(get_db())} digest-mails klaargezet.")


@click.command("send-news")
@with_appcontext
def send_news_command():
    """Mail candidates who asked for it the new places that fit them (run daily, e.g. cron)."""
    click.echo(f"{candidate_news.send_news(get_db())} mails over nieuwe plekken klaargezet.")


@click.command("reset-mfa")
@click.option("--email", required=True)
@with_appcontext
def reset_mfa(email):
    """Remove a lost second factor (for example of the only admin); set up anew at login."""
    user = accounts.find_by_email(get_db(), email)
    if user is None:
        raise click.ClickException("Er is geen account met dit e-mailadres.")
    try:
        admin_service.reset_second_factor(get_db(), admin=None, user_id=user.id)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Tweestapsverificatie van {user.email} gewist; stel een nieuwe in bij het "
               "inloggen.")


def register_commands(app) -> None:
    """Attach the commands to the app (also reachable through `flask --app spt`)."""
    for command in (db_group, create_user, import_esco, load_reference, seed_demo, demo_command,
                    send_mail, worker_command, backup_command, restore_command, purge_expired,
                    digest_command, send_news_command, reset_mfa):
        app.cli.add_command(command)
