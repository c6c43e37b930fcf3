from collections.abc import Mapping


class DomainError(Exception):
    """An error the user can act on; carries the HTTP status it maps to."""

    status_code = 400


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class InvalidInput(DomainError):
    """Bad input naming its field; `code` and `params` let a page say it in its language."""

    status_code = 422

    def __init__(
        self,
        field: str,
        message: str,
        *,
        code: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.code = code
        self.params = dict(params or {})
