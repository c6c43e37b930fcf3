"""Lexicon sentiment with negation, intensifiers, contrast and emojis."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from kokemus.text.counterfactual import would_have_without
from kokemus.text.lexicon import Entry, Lexicon, default_lexicon
from kokemus.text.normalize import Token, emojis, tokenize
from kokemus.text.sentiment_words import (
    ASKED_FOR,
    BUT_ONLY,
    CONCEDING,
    CONTRAST,
    CONTRAST_AFTER_COMMA,
    EMOJI_SCORES,
    EXCEPT,
    FI_CONCESSIVE,
    FI_SUBJECTS,
    INTENSIFIERS,
    JOINING,
    NEGATORS,
    NOTHING_TO_SAY,
    NOW,
    OBJECT_PRONOUNS,
    PASS_THROUGH,
    PURPOSE_NEGATORS,
    REQUESTS,
    RESOLVED,
    SV_MANNER,
    SV_PRONOUNS,
    THANKS,
    WHY,
    WITHOUT,
)

Label = Literal["negative", "neutral", "positive", "mixed"]
LABELS: tuple[Label, ...] = ("negative", "neutral", "positive", "mixed")

NEGATION_WINDOW = 3
NEGATION_PRIOR = -0.6
IMPLIED_CONTRAST = -0.8
# Swedish denials that can follow the verb ("fungerar inte", "hittar ingenting"); "utan",
# "varken" and "noll" come before what they deny ("utan att kvaliteten blivit bättre").
NEGATION_AFTER_VERB = {"sv": NEGATORS["sv"] - {"utan", "varken", "noll"}}
NEUTRAL_BAND = 0.2
MIXED_MINIMUM = 1.5
MIXED_BALANCE = 0.4
SQUASH = 4.0
CONTRAST_WEIGHT = 1.2
QUESTION_WEIGHT = 0.3
CONCESSION_WEIGHT = 0.5
MAX_THANKS_WORDS = 4
RESOLVED_SCORE = 1.0
WHY_PRIOR = -0.8
COUNTERFACTUAL_WEIGHT = 0.8

_RATING = re.compile(r"\b(\d{1,2})\s?/\s?(5|10)\b")
_CLAUSE_BREAK = re.compile(r"[,;:()–—]|\s-\s")


@dataclass(frozen=True, slots=True)
class Sentiment:
    label: Label
    score: float
    positive: float
    negative: float


def sentiment(text: str, lang: str, lexicon: Lexicon | None = None) -> Sentiment:
    """Score one text (a sentence or a whole comment) in [-1, 1] and label it."""
    clauses = clause_scores(text, lang, lexicon or default_lexicon(lang))
    return combine(clauses)


@dataclass(frozen=True, slots=True)
class Clause:
    score: float
    after_contrast: bool
    words: tuple[str, ...] = ()
    # Granted before a "but" ("Visst var de trevliga, men..."): no side of a mixed text.
    conceded: bool = False


def combine(clauses: list[Clause]) -> Sentiment:
    positive = sum(clause.score for clause in clauses if clause.score > 0)
    negative = -sum(clause.score for clause in clauses if clause.score < 0)
    total = positive - negative
    score = total / math.sqrt(total * total + SQUASH)
    contrasted = _contrasted(clauses)
    return Sentiment(
        _label(score, positive, negative, contrasted), round(score, 4), positive, negative
    )


def _contrasted(clauses: list[Clause]) -> bool:
    """A positive and a negative clause on either side of "but" make a mixed text."""
    for index, clause in enumerate(clauses):
        if not clause.after_contrast:
            continue
        previous = _last_judged(clauses[:index])
        if previous is not None and not previous.conceded:
            before = previous.score
            if before * clause.score < 0 and min(abs(before), abs(clause.score)) >= 0.5:
                return True
    return False


def _last_judged(clauses: list[Clause]) -> Clause | None:
    """The nearest clause with sentiment: in "Personalen är toppen, lokalerna däremot
    slitna" the contrast sets "slitna" against "toppen", past the bare "lokalerna"."""
    return next((clause for clause in reversed(clauses) if clause.score), None)


def _label(score: float, positive: float, negative: float, contrasted: bool) -> Label:
    balanced = min(positive, negative) >= MIXED_BALANCE * max(positive, negative)
    if contrasted or (min(positive, negative) >= MIXED_MINIMUM and balanced):
        return "mixed"
    return label_for_score(score)


def label_for_score(score: float) -> Label:
    if score >= NEUTRAL_BAND:
        return "positive"
    if score <= -NEUTRAL_BAND:
        return "negative"
    return "neutral"


def clause_scores(
    text: str, lang: str, lexicon: Lexicon, tokens: Sequence[Token] | None = None
) -> list[Clause]:
    """Net score of each clause; a contrast word starts a new, weightier clause and a
    concession ("even though", "trots att", "vaikka") one that counts for less."""
    contrast = CONTRAST.get(lang, frozenset())
    clauses: list[Clause] = []
    conceded: list[bool] = []
    current: list[Token] = []
    last_tokens: Sequence[Token] = []
    after_contrast = in_concession = False
    previous_end = 0
    if tokens is None:
        tokens = tokenize(text)
    if tokens and all(token.lower in NOTHING_TO_SAY.get(lang, ()) for token in tokens):
        return []
    skip = 0
    would_have = would_have_without(text, tokens, lang)
    for index, token in enumerate(tokens):
        gap = text[previous_end : token.start]
        previous_end = token.end
        if skip:
            skip -= 1
            continue
        concession = _concession_length(tokens, index, lang, gap) if index else 0
        is_contrast = (
            not concession
            and (
                token.lower in contrast
                or _contrasts_after_comma(token.lower, gap, lang)
                or (index > 0 and token.lower in EXCEPT.get(lang, ()))
            )
            # "nothing but praise", "all but gone": "but" means "only" here.
            and not (index and tokens[index - 1].lower in BUT_ONLY.get(lang, ()))
        )
        if concession or is_contrast or (current and _CLAUSE_BREAK.search(gap)):
            clauses.append(_clause(current, lang, lexicon, after_contrast, would_have))
            conceded.append(in_concession)
            last_tokens, current = current, []
            after_contrast, in_concession = is_contrast, bool(concession)
            if concession or is_contrast:
                skip = max(concession - 1, 0)
                continue
        current.append(token)
    if not current and after_contrast and clauses:
        # A contrast word at the end ("Lovely food, a bit steep though.") marks the
        # clause before it.
        clauses[-1] = _clause(last_tokens, lang, lexicon, True, would_have)
    else:
        clauses.append(_clause(current, lang, lexicon, after_contrast, would_have))
        conceded.append(in_concession)
    _weigh_concessions(clauses, conceded)
    _concede_before_contrast(clauses, lang)
    extra = _emoji_score(text) + _rating_score(text)
    if extra:
        clauses.append(Clause(extra, after_contrast=False, words=()))
    _imply_contrast(clauses, lang)
    if _asks_why(text, tokens, lang) and not any(clause.score for clause in clauses):
        # "Why am I paying for two lines?" complains without a word of complaint.
        clauses.append(Clause(WHY_PRIOR, after_contrast=False, words=()))
    amplifier = 1.0 + 0.1 * min(text.count("!"), 3)
    if asks(text, lang, tokens):
        amplifier *= QUESTION_WEIGHT
    return [
        Clause(c.score * amplifier, c.after_contrast, c.words, c.conceded)
        for c in clauses
        if c.words or c.score
    ]


def _contrasts_after_comma(word: str, gap: str, lang: str) -> bool:
    """ "Bra pris, fast kvaliteten...": after a comma Swedish "fast" is "men"; without
    one it is "even though" ("vi fick vänta fast vi hade bokat") or the adjective."""
    return "," in gap and word in CONTRAST_AFTER_COMMA.get(lang, ())


def _concede_before_contrast(clauses: list[Clause], lang: str) -> None:
    """ "Visst var de trevliga, men problemet är inte löst": what is granted before the
    "but" counts for less, and the text says what comes after it."""
    markers = CONCEDING.get(lang, frozenset())
    turn = next((i for i, c in enumerate(clauses) if c.after_contrast and i > 0), None)
    if turn is None:
        return
    granted = any(word in markers for c in clauses[:turn] for word in c.words)
    if not (granted or _thanks_only(clauses[0], lang) or _put_right_after(clauses, turn, lang)):
        return
    for index in range(turn):
        clause = clauses[index]
        clauses[index] = Clause(CONCESSION_WEIGHT * clause.score, False, clause.words, True)


def _thanks_only(clause: Clause, lang: str) -> bool:
    """ "Tack för svaret, men...": thanks for a bare reply are manners before the point."""
    words = clause.words
    return 0 < len(words) <= MAX_THANKS_WORDS and words[0] in THANKS.get(lang, ())


def _put_right_after(clauses: list[Clause], turn: int, lang: str) -> bool:
    """ "Strulade i början men kundtjänst löste det": a problem, then "but" and its
    remedy (or "but now" and praise), is a story that ended well, not a mixed one."""
    after = clauses[turn]
    before = _last_judged(clauses[:turn])
    if before is None or before.score >= 0 or after.score <= 0:
        return False
    remedy = RESOLVED.get(lang, frozenset()) | NOW.get(lang, frozenset())
    return any(word in remedy for word in after.words)


def _concession_length(tokens: Sequence[Token], index: int, lang: str, gap: str) -> int:
    """How many words at `index` open a concession (0 if none)."""
    word = tokens[index].lower
    following = tokens[index + 1].lower if index + 1 < len(tokens) else ""
    if lang == "en":
        if word == "despite":
            return 1
        if word == "even" and following in ("though", "if"):
            return 2
        if word == "in" and following == "spite":
            return 2
    elif lang == "sv":
        if word in ("trots", "fastän") or (
            word == "fast" and following in SV_PRONOUNS and "," not in gap
        ):
            return 1
        if word == "även" and following == "om":
            return 2
    elif lang == "fi" and word in FI_CONCESSIVE and ("," in gap or _finite(following)):
        # Without a comma and a verb or subject after it, "vaikka" is "for example":
        # "vaikka huomenna".
        return 1
    return 0


def _finite(word: str) -> bool:
    """A Finnish first-person past verb ("pyysin", "maksoin") or a subject pronoun."""
    return word.endswith("in") or word in FI_SUBJECTS


def _weigh_concessions(clauses: list[Clause], conceded: list[bool]) -> None:
    """What is conceded counts for less, and an expectation that was met but did not
    help ("a reminder fee, even though I paid on time") is part of the complaint."""
    for index in range(1, len(clauses)):
        if not conceded[index]:
            continue
        clause, main = clauses[index], clauses[index - 1]
        # "Sent to a pickup point even though I chose home delivery": a concession after
        # a plain statement says something went against what was asked or expected.
        if main.score <= 0:
            score = min(IMPLIED_CONTRAST, CONCESSION_WEIGHT * clause.score)
        else:
            score = CONCESSION_WEIGHT * clause.score
        clauses[index] = Clause(score, False, clause.words)


def asks(text: str, lang: str, tokens: Sequence[Token] | None = None) -> bool:
    """Whether a sentence asks (a plain question or a polite request) more than judges."""
    words = tokenize(text) if tokens is None else tokens
    return _is_plain_question(text, words, lang) or _is_request(words, lang)


def is_polite_closing(text: str, lang: str, tokens: Sequence[Token] | None = None) -> bool:
    """ "Kiitos!", "Thanks in advance": thanks that close a question are manners."""
    words = [token.lower for token in (tokenize(text) if tokens is None else tokens)]
    return bool(words) and all(word in THANKS.get(lang, ()) for word in words)


def _is_request(tokens: Sequence[Token], lang: str) -> bool:
    """A polite request ("Please call me back", "Kan ni skicka...") asks more than it
    judges, like a plain question."""
    opening = " ".join(token.lower for token in tokens[:3])
    return any(
        opening == start or opening.startswith(start + " ") for start in REQUESTS.get(lang, ())
    )


def _is_plain_question(text: str, tokens: Sequence[Token], lang: str) -> bool:
    """A question asks more than it judges ("Toimiiko palautus näin?"), unless it asks
    why, which in feedback is a complaint ("Miksi kukaan ei vastaa?")."""
    if not text.rstrip().endswith("?"):
        return False
    return not any(token.lower in WHY.get(lang, ()) for token in tokens)


def _asks_why(text: str, tokens: Sequence[Token], lang: str) -> bool:
    why = WHY.get(lang, frozenset())
    return text.rstrip().endswith("?") and any(token.lower in why for token in tokens[:3])


def _imply_contrast(clauses: list[Clause], lang: str) -> None:
    """ "Good service, but the prices..." : after praise, "but" announces a complaint.
    So it does after what was asked for: "I ordered a 10 but got an 8"."""
    for index in range(1, len(clauses)):
        clause, before = clauses[index], clauses[index - 1]
        if not clause.after_contrast or clause.score != 0:
            continue
        if before.score >= 0.5 or (before.score == 0 and _asks_for(before.words, lang)):
            clauses[index] = Clause(IMPLIED_CONTRAST, True, clause.words)


def _asks_for(words: Sequence[str], lang: str) -> bool:
    asking = ASKED_FOR.get(lang, frozenset())
    return any(word in asking for word in words)


def _clause(
    tokens: Sequence[Token],
    lang: str,
    lexicon: Lexicon,
    after_contrast: bool,
    would_have: frozenset[int] = frozenset(),
) -> Clause:
    weight = CONTRAST_WEIGHT if after_contrast else 1.0
    score = weight * _clause_score(tokens, lang, lexicon)
    if score < 0 and any(token.start in would_have for token in tokens):
        # "Ilman teitä ois menny pieleen": the trouble that was spared thanks the helper.
        score = -COUNTERFACTUAL_WEIGHT * score
    return Clause(score, after_contrast, tuple(token.lower for token in tokens))


def _clause_score(tokens: Sequence[Token], lang: str, lexicon: Lexicon) -> float:
    negators = NEGATORS.get(lang, frozenset())
    intensifiers = INTENSIFIERS.get(lang, {})
    words = [token.lower for token in tokens]
    total = 0.0
    negated_until = -1
    # A negator no sentiment word has taken yet: "ei oo tullu" is still a complaint.
    denial_pending = False
    denial_unresolved = False
    previous: tuple[int, Entry, float] | None = None
    purpose = PURPOSE_NEGATORS.get(lang, frozenset())
    keeps_complaints = False
    denial_next = -1
    put_right = _puts_right(words, lang, negators)
    problem_put_right = False
    index = 0
    while index < len(words):
        word = words[index]
        if 0 <= negated_until < index:
            denial_unresolved |= denial_pending
            negated_until, denial_pending = -1, False
        is_negator = _is_negator(word, negators, lang) or word in purpose
        if is_negator:
            negated_until = _window_end(words, index, lang)
            denial_next = _next_counted(words, index, lang)
            denial_pending = word not in WITHOUT or _omits_an_act(words, index, lang)
            keeps_complaints = word in purpose
            if (
                word in NEGATION_AFTER_VERB.get(lang, ())
                and previous is not None
                and _only_pronouns_between(words, previous[0], index, lang)
                and previous[1].negated * previous[1].score <= 0
            ):
                # Swedish puts "inte" after the verb and its pronoun object: "appen
                # fungerar inte", "de hjälpte mig inte". An adverb the denial does not
                # turn ("fortfarande inte klar") lets it reach forward.
                _, verb, counted = previous
                total += verb.negated - counted
                negated_until, denial_pending = -1, False
        phrase = lexicon.phrase_at(words, index)
        if phrase is not None:
            phrase_entry, length = phrase
            # A phrase right after a denial is denied ("not on time", "didn't arrive on
            # time"); one that opens with the negator ("no problem") is its own meaning,
            # and one further on is not denied ("barely moved for half an hour").
            denied = not is_negator and index <= min(denial_next, negated_until)
            value = phrase_entry.negated if denied else phrase_entry.score
            if put_right and value < 0 and not denied:
                value, problem_put_right = 0.0, True
            total += value
            denial_pending = False
            # "eikä kukaan auta": the negation reaches past the phrase it opens.
            if not is_negator:
                negated_until = -1
            index += length
            continue
        entry = None if is_negator else lexicon.lookup(word)
        if entry is not None:
            negated = index <= negated_until and not (keeps_complaints and entry.score < 0)
            value = entry.negated if negated else entry.score
            if put_right and value < 0 and not negated and not _judges_manner(word, lang):
                value, problem_put_right = 0.0, True
            if value and index > 0 and words[index - 1] in intensifiers:
                value *= intensifiers[words[index - 1]]
            total += value
            previous = (index, entry, value)
            # "Still" and "again" (the same score denied or not) let a denial pass by.
            if negated and value and entry.negated != entry.score:
                denial_pending = False
                # A verb that only matters when denied ("never get ... help") passes
                # the denial on; a sentiment word takes it.
                negated_until = -1 if entry.score != 0 else _window_end(words, index, lang)
                denial_next = _next_counted(words, index, lang)
        index += 1
    denial_unresolved |= denial_pending
    if problem_put_right:
        total += RESOLVED_SCORE
    return total + (NEGATION_PRIOR if denial_unresolved else 0.0)


def _only_pronouns_between(words: list[str], verb: int, negator: int, lang: str) -> bool:
    between = words[verb + 1 : negator]
    return len(between) <= 2 and all(word in OBJECT_PRONOUNS.get(lang, ()) for word in between)


def _judges_manner(word: str, lang: str) -> bool:
    """ "Korjattiin huonosti", "fixed badly": how it was put right still judges."""
    if lang == "en":
        return word.endswith("ly")
    if lang == "fi":
        return word.endswith("sti")
    return word in SV_MANNER


def _puts_right(words: list[str], lang: str, negators: frozenset[str]) -> bool:
    """Whether the clause says a problem was put right, and not that it was not, nor
    that it is still there ("korjattu kolme kertaa eikä vika ole poissa")."""
    resolved = RESOLVED.get(lang, frozenset())
    return any(
        word in resolved
        and not any(_is_negator(before, negators, lang) for before in words[max(0, i - 3) : i])
        and not any(_is_negator(after, negators, lang) for after in words[i + 1 :])
        for i, word in enumerate(words)
    )


def _next_counted(words: list[str], index: int, lang: str) -> int:
    """The first word after `index` that a denial spends its window on."""
    skip = PASS_THROUGH.get(lang, frozenset())
    following = index + 1
    while following < len(words) and words[following] in skip:
        following += 1
    return following


def _omits_an_act(words: list[str], index: int, lang: str) -> bool:
    """ "Without ringing the bell", "utan att fråga": leaving out an act is a complaint,
    where "without an appointment" is not."""
    following = words[index + 1 : index + 3]
    if lang == "en":
        return any(word.endswith("ing") for word in following)
    if lang == "sv":
        return following[:1] == ["att"]
    return False


def _window_end(words: list[str], index: int, lang: str) -> int:
    """The last word a negator at `index` reaches: NEGATION_WINDOW words that count."""
    skip = PASS_THROUGH.get(lang, frozenset())
    joining = JOINING.get(lang, frozenset())
    counted = 0
    end = index
    while end + 1 < len(words) and counted < NEGATION_WINDOW:
        if words[end + 1] in joining:
            return end
        end += 1
        counted += words[end] not in skip
    return index + NEGATION_WINDOW if end == index else max(end, index + NEGATION_WINDOW)


def _is_negator(word: str, negators: frozenset[str], lang: str) -> bool:
    if word in negators:
        return True
    return lang == "en" and (word.endswith("n't") or word.endswith("n’t"))


def _emoji_score(text: str) -> float:
    return sum(EMOJI_SCORES.get(symbol, 0.0) for symbol in emojis(text))


def _rating_score(text: str) -> float:
    total = 0.0
    for match in _RATING.finditer(text):
        given, scale = int(match.group(1)), int(match.group(2))
        if given <= scale:
            # Stars run 1-5 around 3 ("3/5" is so-so); ten-point scales run 0-10.
            middle = 3 if scale == 5 else 5
            total += 3.0 * max(-1.0, (given - middle) / (scale - middle))
    return total
