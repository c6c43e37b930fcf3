from kokemus.store.base import Base
from kokemus.store.engine import Database

__all__ = ["Base", "Database"]
