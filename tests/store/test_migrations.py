import ast
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kokemus.store import Database, models
from kokemus.store.base import Base
from kokemus.store.migrate import current_revision, downgrade, head_revision, upgrade

SRC = Path(__file__).resolve().parents[2] / "src" / "kokemus"


def test_migrations_build_exactly_the_models(database: Database) -> None:
    assert models.__all__
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert current_revision(database.engine) == head_revision(database.engine)


def test_downgrade_to_nothing_and_back(database: Database) -> None:
    downgrade(database.engine, "base")
    assert current_revision(database.engine) is None
    upgrade(database.engine)
    assert current_revision(database.engine) == head_revision(database.engine)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_capability_packages_do_not_import_the_web_framework() -> None:
    adapters = {"api", "web", "cli"}
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.relative_to(SRC).parts[0] not in adapters
        and path.name != "app.py"
        and _imports(path) & {"fastapi", "starlette", "uvicorn"}
    ]
    assert offenders == []
