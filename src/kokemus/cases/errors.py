from collections.abc import Mapping

from kokemus.errors import Conflict, DomainError


class TransitionRefused(Conflict):
    """A status change the case cannot make now; `field` names what is missing."""

    def __init__(
        self,
        message: str,
        field: str = "status",
        *,
        code: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.params = dict(params or {})


class NotAllowed(DomainError):
    status_code = 403


class RulesFileError(DomainError):
    """A rules file that cannot be used; each problem names its path in the file."""

    status_code = 422

    def __init__(self, problems: list[str]) -> None:
        super().__init__("the rules are not valid:\n" + "\n".join(f"  {p}" for p in problems))
        self.problems = problems
        self.field = problems[0].partition(":")[0] if problems else "rules"
