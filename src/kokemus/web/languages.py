"""The languages pages are drawn in, each named in itself (for language switches)."""

from typing import Final

LANGUAGE_NAMES: Final = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}
