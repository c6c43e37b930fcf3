import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kokemus.insights.drivers import Matrix, Vector
from tests.conftest import SHARED

RELAIMPO = SHARED / "reference" / "relaimpo"
needs_relaimpo = pytest.mark.skipif(
    not (RELAIMPO / "kda_reference_values.json").is_file(),
    reason="../shared/reference/relaimpo (published relaimpo and rwa values) is not present",
)


def published() -> dict[str, Any]:
    values: dict[str, Any] = json.loads((RELAIMPO / "kda_reference_values.json").read_text())
    return values


def columns(path: Path, outcome: str, drivers: list[str]) -> tuple[Matrix, Vector]:
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    x = np.array([[float(row[name]) for name in drivers] for row in rows])
    return x, np.array([float(row[outcome]) for row in rows])
