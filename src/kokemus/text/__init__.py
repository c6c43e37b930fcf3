"""Finnish, Swedish and English free text: language, PII, sentiment, emotions, themes."""

from kokemus.text.analysis import Analyzer, TextAnalysis, analyze, default_analyzer
from kokemus.text.language import DEFAULT_LANGUAGES, detect_language
from kokemus.text.model import SentimentModel, load_model, train_model
from kokemus.text.pii import PiiSpan, find_pii, redact
from kokemus.text.stories import Story, StoryCandidate, select_stories

__all__ = [
    "DEFAULT_LANGUAGES",
    "Analyzer",
    "PiiSpan",
    "SentimentModel",
    "Story",
    "StoryCandidate",
    "TextAnalysis",
    "analyze",
    "default_analyzer",
    "detect_language",
    "find_pii",
    "load_model",
    "redact",
    "select_stories",
    "train_model",
]
