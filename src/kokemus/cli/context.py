from collections.abc import Callable
from functools import cached_property, wraps
from typing import Any, TypeVar

import click

from kokemus.config import Settings
from kokemus.errors import DomainError
from kokemus.store import Database

F = TypeVar("F", bound=Callable[..., Any])


class AppContext:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def database(self) -> Database:
        return Database(self.settings.database_url)

    def close(self) -> None:
        if "database" in self.__dict__:
            self.database.dispose()


pass_app = click.make_pass_decorator(AppContext)


def domain_errors(function: F) -> F:
    """Turn domain errors into a clean message and exit status 1."""

    @wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except DomainError as error:
            click.echo(f"Error: {error}", err=True)
            raise SystemExit(1) from None

    return run  # type: ignore[return-value]
