import os

import click
import uvicorn

from kokemus.app import create_app
from kokemus.cases.tasks import start_jobs as start_case_jobs
from kokemus.cli.context import AppContext, pass_app
from kokemus.demo.accounts import create_demo_admin_if_none
from kokemus.demo.generate import load_demo_if_empty
from kokemus.enrich.worker import TextWorker
from kokemus.store import migrate
from kokemus.surveys.scheduler import start_scheduler


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--migrate/--no-migrate",
    "run_migrations",
    default=True,
    show_default=True,
    help="Bring the store's schema up to date first.",
)
@click.option("--demo", is_flag=True, help="Load the demo company when the store is empty.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes; more than one uses more cores for parsing and HTTP.",
)
@click.option(
    "--scheduler/--no-scheduler",
    default=True,
    show_default=True,
    help="Run the background jobs in this process (one per store): send due survey "
    "invitations and reminders, analyse new free-text answers, evaluate the alert rules, "
    "escalate late cases, send webhooks.",
)
@pass_app
def serve(
    app: AppContext,
    host: str,
    port: int,
    run_migrations: bool,
    demo: bool,
    workers: int,
    scheduler: bool,
) -> None:
    """Serve the web app and the APIs."""
    database = app.database
    if run_migrations:
        migrate.upgrade(database.engine)
    elif not migrate.is_current(database.engine):
        raise click.ClickException("the store's schema is not current: run `kokemus db upgrade`")
    if demo and load_demo_if_empty(database):
        click.echo("Loaded the demo company.")
    if demo and (admin := create_demo_admin_if_none(database)):
        click.echo(f"Sign in as {admin[0]} with the password {admin[1]} (shown only now).")
    click.echo(f"Kokemus is running: open http://{host}:{port}/  (API reference: /docs)")
    # In this process, not in each worker: one sender per store.
    sender = start_scheduler(database, app.settings) if scheduler else None
    analyser = TextWorker(database) if scheduler else None
    case_jobs = start_case_jobs(database, app.settings) if scheduler else None
    if analyser is not None:
        analyser.notify()
    try:
        if workers == 1:
            uvicorn.run(
                create_app(app.settings, database), host=host, port=port, log_level="warning"
            )
            return
        # Each worker process builds its own app from the environment.
        os.environ["KOKEMUS_DATABASE_URL"] = app.settings.database_url
        uvicorn.run(
            "kokemus.app:create_app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
        )
    finally:
        if sender is not None:
            sender.shutdown(wait=False)
        if analyser is not None:
            analyser.close()
        if case_jobs is not None:
            case_jobs.shutdown(wait=False)
