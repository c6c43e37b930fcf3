"""The survey templates shipped with the product: ready definitions to start a survey from."""

from importlib import resources

from kokemus.errors import NotFound
from kokemus.surveys.definition import SurveyDefinition, load_definition_text

TEMPLATE_PACKAGE = "kokemus.surveys.templates"
TEMPLATE_NAMES = (
    "post-delivery",
    "relational-nps",
    "store-visit",
    "complaint-follow-up",
    "courteous-encounter-audit",
    "five-star-meeting",
    "five-star-workday",
)


def template_names() -> list[str]:
    return list(TEMPLATE_NAMES)


def template_text(name: str) -> str:
    """The template's YAML as shipped; only the names above, so no path is ever built from input."""
    if name not in TEMPLATE_NAMES:
        known = ", ".join(TEMPLATE_NAMES)
        raise NotFound(f"no survey template {name!r}; the templates are {known}")
    return resources.files(TEMPLATE_PACKAGE).joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def load_template(name: str) -> SurveyDefinition:
    return load_definition_text(template_text(name))
