"""One entry point: analyze(text) -> TextAnalysis."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from kokemus.text.blend import blend
from kokemus.text.emotions import EmotionCues, default_cues, find_emotions
from kokemus.text.language import DEFAULT_LANGUAGES, detect_language, validate_languages
from kokemus.text.lexicon import Lexicon, default_lexicon
from kokemus.text.model import Prediction, SentimentModel, load_model
from kokemus.text.normalize import OffsetMap, Token, normalize_text, split_sentences, tokenize
from kokemus.text.patterns import PatternIndex
from kokemus.text.pii import PiiSpan, find_pii, redact
from kokemus.text.sentiment import (
    Clause,
    Label,
    Sentiment,
    asks,
    clause_scores,
    combine,
    is_polite_closing,
)
from kokemus.text.themes import (
    Taxonomy,
    default_taxonomy,
    drop_yielding,
    load_taxonomy,
    theme_hits,
)

Evaluated = tuple[Clause, frozenset[str]]

LEXICON_MODEL = "kokemus-lexicon"
LEXICON_VERSION = "2026.17"
MAX_THEMES = 2
EVALUATED_BONUS = 1


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Pii(_Frozen):
    start: int
    end: int
    type: str


class SentimentResult(_Frozen):
    label: Label
    score: float


class SentenceAnalysis(_Frozen):
    start: int
    end: int
    text: str
    sentiment: SentimentResult
    themes: tuple[str, ...]


class Aspect(_Frozen):
    theme: str
    sentence: int
    sentiment: SentimentResult


class ModelInfo(_Frozen):
    name: str
    version: str


class TextAnalysis(_Frozen):
    lang: str
    redacted: str
    pii: tuple[Pii, ...]
    sentiment: SentimentResult
    sentences: tuple[SentenceAnalysis, ...]
    emotions: tuple[str, ...]
    themes: tuple[str, ...]
    aspects: tuple[Aspect, ...]
    model: ModelInfo


@dataclass(frozen=True, slots=True, eq=False)
class Analyzer:
    """Settings for analysis: languages, taxonomy, emotion cues and an optional model."""

    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    taxonomy: Taxonomy = field(default_factory=default_taxonomy)
    cues: EmotionCues = field(default_factory=default_cues)
    model: SentimentModel | None = None
    lexicons: dict[str, Lexicon] = field(default_factory=dict)
    _indexed: set[str] = field(default_factory=set, init=False, repr=False)

    @classmethod
    def from_files(
        cls,
        *,
        languages: Sequence[str] = DEFAULT_LANGUAGES,
        taxonomy: Path | None = None,
        model: Path | None = None,
    ) -> Analyzer:
        """An analyzer from settings: an organisation's taxonomy and trained model, if any."""
        return cls(
            languages=tuple(languages),
            taxonomy=load_taxonomy(taxonomy) if taxonomy else default_taxonomy(),
            model=load_model(model) if model else None,
        )

    def __post_init__(self) -> None:
        validate_languages(self.languages)

    def lexicon(self, lang: str) -> Lexicon:
        return self.lexicons.get(lang) or default_lexicon(lang)

    def _index(self, lang: str) -> None:
        """Look each word up once for every table of this language (see PatternIndex)."""
        if lang in self._indexed:
            return
        taxonomy, cues = self.taxonomy, self.cues
        tables = [
            *(table[lang] for table in (taxonomy.words, taxonomy.weak_words) if lang in table),
            *(
                table[lang].first
                for table in (taxonomy.phrases, taxonomy.weak_phrases)
                if lang in table
            ),
            self.lexicon(lang).phrase_patterns.first,
            *([cues.words[lang]] if lang in cues.words else []),
            *([cues.phrases[lang].first] if lang in cues.phrases else []),
        ]
        PatternIndex(tables)
        self._indexed.add(lang)

    def analyze(self, text: str, lang: str | None = None) -> TextAnalysis:
        return self.analyze_many([text], [lang])[0]

    def analyze_many(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None
    ) -> list[TextAnalysis]:
        given = list(langs) if langs is not None else [None] * len(texts)
        normalized = [normalize_text(text) for text in texts]
        cleaned = [text for text, _ in normalized]
        resolved = [
            lang if lang in self.languages else detect_language(text, self.languages)
            for text, lang in zip(cleaned, given, strict=True)
        ]
        predictions: list[Prediction | None] = [None] * len(texts)
        if self.model is not None and texts:
            predictions = list(self.model.predict_many(cleaned, resolved))
        return [
            self._analyze(original, text, offsets, lang, prediction)
            for original, (text, offsets), lang, prediction in zip(
                texts, normalized, resolved, predictions, strict=True
            )
        ]

    def _analyze(
        self,
        original: str,
        text: str,
        offsets: OffsetMap,
        lang: str,
        prediction: Prediction | None,
    ) -> TextAnalysis:
        """Analyse the normalised `text`; report offsets and redactions in `original`."""
        spans = [
            PiiSpan(offsets.start(s.start), offsets.end(s.end), s.type)
            for s in find_pii(text, lang)
        ]
        lexicon = self.lexicon(lang)
        self._index(lang)
        sentences: list[SentenceAnalysis] = []
        all_clauses: list[Clause] = []
        evaluated_by_sentence: list[list[Evaluated]] = []
        all_words: list[str] = []
        comment_hits: Counter[str] = Counter()
        split = split_sentences(text)
        tokens = [tokenize(sentence.text) for sentence in split]
        scored = [
            clause_scores(sentence.text, lang, lexicon, words)
            for sentence, words in zip(split, tokens, strict=True)
        ]
        closings = _polite_closings([s.text for s in split], tokens, scored, lang)
        for index, (sentence, clauses) in enumerate(zip(split, scored, strict=True)):
            weight = 0.0 if index in closings else 1.0
            if weight == 1.0:
                all_clauses.extend(clauses)
            else:
                all_clauses.extend(replace(c, score=c.score * weight) for c in clauses)
            evaluated = self._evaluated(clauses, lang)
            evaluated_by_sentence.append(evaluated)
            words = [token.lower for token in tokens[index]]
            all_words.extend(words)
            hits = theme_hits(words, lang, self.taxonomy)
            for _, themes_named in evaluated:
                # A theme named in a clause with sentiment is likelier the point.
                hits.update(dict.fromkeys(themes_named, EVALUATED_BONUS))
            drop_yielding(hits, self.taxonomy)
            comment_hits.update(hits)
            start, end = offsets.start(sentence.start), offsets.end(sentence.end)
            sentences.append(
                SentenceAnalysis(
                    start=start,
                    end=end,
                    text=_redacted_slice(original, spans, start, end),
                    sentiment=_result(combine(clauses)),
                    themes=self._ordered(hits),
                )
            )
        weight = self.model.weight if self.model is not None else 0.0
        overall = _blend(combine(all_clauses), prediction, weight)
        themes = self._main_themes(comment_hits, len(sentences))
        aspects = _aspects(sentences, evaluated_by_sentence, overall)
        return TextAnalysis(
            lang=lang,
            redacted=redact(original, spans),
            pii=tuple(Pii(start=s.start, end=s.end, type=s.type) for s in spans),
            sentiment=overall,
            sentences=tuple(sentences),
            emotions=tuple(find_emotions(all_words, lang, overall.score, self.cues)),
            themes=themes,
            aspects=aspects,
            model=self._model_info(),
        )

    def _evaluated(self, clauses: list[Clause], lang: str) -> list[Evaluated]:
        """Clauses with sentiment and the themes they name ("~" patterns included)."""
        return [
            (clause, frozenset(theme_hits(clause.words, lang, self.taxonomy, evaluative=True)))
            for clause in clauses
            if clause.score and clause.words
        ]

    def _ordered(self, hits: Counter[str]) -> tuple[str, ...]:
        return tuple(theme for theme in self.taxonomy.theme_ids if hits[theme] > 0)

    def _main_themes(self, hits: Counter[str], sentence_count: int) -> tuple[str, ...]:
        """The best-evidenced themes; a short comment is rarely about more than two."""
        limit = MAX_THEMES + max(0, sentence_count - 2)
        order = {theme: index for index, theme in enumerate(self.taxonomy.theme_ids)}
        ranked = sorted((t for t in hits if hits[t] > 0), key=lambda t: (-hits[t], order[t]))
        kept = set(ranked[:limit])
        return tuple(theme for theme in self.taxonomy.theme_ids if theme in kept)

    def _model_info(self) -> ModelInfo:
        if self.model is None:
            return ModelInfo(name=LEXICON_MODEL, version=_lexicon_version(self.taxonomy))
        return ModelInfo(name=self.model.name, version=self.model.version)


def _polite_closings(
    sentences: list[str], tokens: list[list[Token]], scored: list[list[Clause]], lang: str
) -> frozenset[int]:
    """The thank-you sentences ("Kiitos!", "Thanks in advance.") of a comment that
    otherwise asks or complains: manners, not praise."""
    closings = frozenset(
        i for i, text in enumerate(sentences) if is_polite_closing(text, lang, tokens[i])
    )
    rest = [i for i in range(len(sentences)) if i not in closings]
    if not closings or not rest:
        return frozenset()
    asking = all(asks(sentences[i], lang, tokens[i]) for i in rest)
    complaining = sum(clause.score for i in rest for clause in scored[i]) < 0
    return closings if asking or complaining else frozenset()


def _lexicon_version(taxonomy: Taxonomy) -> str:
    return f"{LEXICON_VERSION}+taxonomy.{taxonomy.version}"


def _result(sentiment: Sentiment) -> SentimentResult:
    return SentimentResult(label=sentiment.label, score=sentiment.score)


def _blend(lexical: Sentiment, prediction: Prediction | None, weight: float) -> SentimentResult:
    if prediction is None:
        return _result(lexical)
    label, score = blend(
        lexical, prediction.label, prediction.score, prediction.probabilities, weight
    )
    return SentimentResult(label=label, score=score)


def _aspects(
    sentences: list[SentenceAnalysis],
    evaluated_by_sentence: list[list[Evaluated]],
    overall: SentimentResult,
) -> tuple[Aspect, ...]:
    """Each theme takes the sentiment of the clause that names it ("good chair, but
    slow delivery": product positive, delivery negative)."""
    aspects: list[Aspect] = []
    for index, (sentence, evaluated) in enumerate(
        zip(sentences, evaluated_by_sentence, strict=True)
    ):
        for theme in sentence.themes:
            naming = [clause for clause, themes in evaluated if theme in themes]
            if naming:
                strongest = max(naming, key=lambda clause: abs(clause.score))
                sentiment = _result(combine([strongest]))
            elif sentence.sentiment.score:
                sentiment = sentence.sentiment
            else:
                sentiment = overall
            aspects.append(Aspect(theme=theme, sentence=index, sentiment=sentiment))
    return tuple(aspects)


def _redacted_slice(text: str, spans: Sequence[PiiSpan], start: int, end: int) -> str:
    inside = [
        PiiSpan(max(s.start, start) - start, min(s.end, end) - start, s.type)
        for s in spans
        if s.start < end and s.end > start
    ]
    return redact(text[start:end], inside)


@lru_cache(maxsize=1)
def default_analyzer() -> Analyzer:
    return Analyzer()


def analyze(
    text: str,
    lang: str | None = None,
    *,
    analyzer: Analyzer | None = None,
) -> TextAnalysis:
    """Language, redaction, sentiment, emotions, themes and aspects of one text.

    `lang` is trusted when it is one of the analyzer's languages; otherwise detected.
    """
    return (analyzer or default_analyzer()).analyze(text, lang)
