from tests.cases.conftest import store

__all__ = ["store"]
