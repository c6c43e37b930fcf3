from kokemus.errors import DomainError


class JourneyFileError(DomainError):
    status_code = 422

    def __init__(self, problems: list[str]) -> None:
        super().__init__("the journey map is not valid:\n" + "\n".join(f"  {p}" for p in problems))
        self.problems = problems
