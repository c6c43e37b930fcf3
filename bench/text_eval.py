"""Quality and speed of kokemus.text on the labelled feedback and the public sets.

Run: .venv/bin/python bench/text_eval.py [--data ../shared/data]

Honest figures: the lexicons were written while reading one half of the dev set (the
"tune" half, chosen by a hash of the id). The other half is reported on its own as
"held-out". The trained model is only ever scored on comments it was not trained on:
"held-out" trains on the tune half; "full (2-fold)" trains on each half and scores the
other. Weak labels for training are the comments' rating_hint, as ratings would be.
Most later words and rules came from sentences written for the purpose, apart from the
dev set (tests/text/data/probe.tsv); the held-out figures were looked at only in
aggregate, now and then (four times in the round that added the probe's sets 12-19),
which still makes them mildly optimistic. The twentieth probe set (compound heads for
themes, denials ending at "and", comparisons with what was promised) was checked against
the held-out half twice, in aggregate, after the changes were made. The round of probe sets
22-35 (2026-12: "ordered X but got Y", yields_to for the till, the card and the venue, the
customer-service department as a "~" pattern, everyday words) was developed on the tune
half, the probe and the public sets; the held-out half was read in aggregate five times
(before, three times between commits, after), once also as counts of missed and extra
themes per theme and of sentiment confusions per language, never line by line. The round
of probe set 36 (2026-12: everyday theme vocabulary in fi/sv/en - tracking that stands
still, delivery charges, snapped and see-through, cashiers' manner, redoing a job,
running behind, making an account, running out, money taken twice, gossip; "lämmin" no
longer staff manner on its own; "~pöytä*" no longer matching "pöytävaraus"; "Gör om,
gör rätt") was developed on the tune half, the probe and the public sets; the held-out
half was read in aggregate twice (before and after), never line by line. After the
second read, Finnish lexicon entries that had cost the public sets ("huutaa", "kahteen
kertaan", "loppunut jo") and a few broad phrases ("tuntia myöhässä", "drogs två gånger")
were narrowed on the public sets, the tune half and general grounds; the held-out half
was read once more, in aggregate, to report the committed state, and nothing was changed
after it. The rounds of probe sets 38-40 (2026-12-04: channel-only words weak in all three
languages, delivery without delivery words, service families such as health-centre
appointments, phone queues, public transport, telecom, energy and the library, plain-fact
complaints, Swedish colloquial praise and complaint; "except" after praise; trouble spared
without a helper; phrases inside longer phrases; "=word" patterns) were developed on the
tune half, the probe and the public sets. The held-out half was read once, in aggregate,
after the last change, to report the committed state. Probe set 39 was written apart and
scored only in aggregate, before and after the rounds, as a second out-of-sample check.

While improving the method, run with --tune: it prints the tune half only (and, with
--errors, the tune half's mistakes), so the held-out half stays unseen between the rare
full runs.

Second opinion: fi_binary_sentiment's test files were never read while building the
lexicons; XED (all of it) and fi_binary_sentiment's train files were mined for general
sentiment words, so the XED figures are not independent.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import phonenumbers
from stdnum import iban, luhn
from stdnum.se import personalid

from kokemus.text.analysis import Analyzer, TextAnalysis
from kokemus.text.language import detect_language
from kokemus.text.model import train_model
from kokemus.text.sentiment import LABELS

LANGS = ("fi", "sv", "en")
PII_GOAL_TYPES = ("email", "phone", "hetu", "iban")
Row = dict[str, Any]


@dataclass(frozen=True)
class Scored:
    row: Row
    result: TextAnalysis


def is_tune(row: Row) -> bool:
    return int(hashlib.sha1(row["id"].encode()).hexdigest(), 16) % 2 == 0


def load_rows(data: Path) -> list[Row]:
    with (data / "feedback_dev.jsonl").open(encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Iterable[str]) -> float:
    scores = []
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        if tp + fp + fn:
            scores.append(2 * tp / (2 * tp + fp + fn))
    return statistics.mean(scores) if scores else 0.0


def set_f1(pairs: Iterable[tuple[set[str], set[str]]]) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for gold, predicted in pairs:
        tp += len(gold & predicted)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def analyse(rows: list[Row], analyzer: Analyzer, *, given_lang: bool = True) -> list[Scored]:
    langs = [row["lang"] if given_lang else None for row in rows]
    results = analyzer.analyze_many([row["text"] for row in rows], langs)
    return [Scored(row, result) for row, result in zip(rows, results, strict=True)]


def sentiment_line(scored: list[Scored]) -> str:
    gold = [s.row["sentiment"] for s in scored]
    predicted = [s.result.sentiment.label for s in scored]
    accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)
    return f"acc {accuracy:.3f}  macro-F1 {macro_f1(gold, predicted, LABELS):.3f}  (n={len(gold)})"


def themes_f1(scored: list[Scored]) -> tuple[float, float, float]:
    # "other" is the dev set's word for "no theme of the taxonomy".
    return set_f1((set(s.row["themes"]) - {"other"}, set(s.result.themes)) for s in scored)


def emotions_f1(scored: list[Scored]) -> tuple[float, float, float]:
    return set_f1((set(s.row["emotions"]), set(s.result.emotions)) for s in scored)


def print_quality(title: str, scored: list[Scored]) -> None:
    print(f"\n== {title}")
    by_lang: dict[str, list[Scored]] = defaultdict(list)
    for item in scored:
        by_lang[item.row["lang"]].append(item)
    for lang in LANGS:
        items = by_lang.get(lang, [])
        if not items:
            continue
        tp, tr, tf = themes_f1(items)
        ep, er, ef = emotions_f1(items)
        print(f"  {lang}  sentiment {sentiment_line(items)}")
        print(f"      themes micro-F1 {tf:.3f} (P {tp:.3f} R {tr:.3f})  emotions micro-F1 {ef:.3f}")
    tp, tr, tf = themes_f1(scored)
    print(f"  all sentiment {sentiment_line(scored)}")
    print(f"      themes micro-F1 {tf:.3f} (P {tp:.3f} R {tr:.3f})")


def print_confusion(scored: list[Scored]) -> None:
    counts = Counter((s.row["sentiment"], s.result.sentiment.label) for s in scored)
    print("  confusion (gold -> predicted):")
    for gold in LABELS:
        cells = "  ".join(f"{p[:3]} {counts[(gold, p)]:3d}" for p in LABELS)
        print(f"    {gold:>8}: {cells}")


def print_pii(rows: list[Row], analyzer: Analyzer) -> None:
    print("\n== PII by type (exact span match; all languages)")
    gold_by: Counter[str] = Counter()
    found_by: Counter[str] = Counter()
    hit_by: Counter[str] = Counter()
    for row in rows:
        gold = {(p["start"], p["end"], p["type"]) for p in row["pii"]}
        found = {(p.start, p.end, p.type) for p in analyzer.analyze(row["text"], row["lang"]).pii}
        gold_by.update(kind for _, _, kind in gold)
        found_by.update(kind for _, _, kind in found)
        hit_by.update(kind for _, _, kind in gold & found)
    for kind in sorted(set(gold_by) | set(found_by)):
        recall = hit_by[kind] / gold_by[kind] if gold_by[kind] else float("nan")
        precision = hit_by[kind] / found_by[kind] if found_by[kind] else float("nan")
        goal = " (goal: R>=0.98 P>=0.95)" if kind in PII_GOAL_TYPES else ""
        print(
            f"  {kind:>12}: recall {recall:.3f} ({hit_by[kind]}/{gold_by[kind]})  "
            f"precision {precision:.3f} ({hit_by[kind]}/{found_by[kind]}){goal}"
        )


def print_language(rows: list[Row]) -> None:
    right = sum(detect_language(row["text"]) == row["lang"] for row in rows)
    print(f"\n== language detection: {right}/{len(rows)} = {right / len(rows):.3f}")


def model_for(rows: list[Row]) -> Analyzer:
    model = train_model((row["text"], row["rating_hint"], row["lang"]) for row in rows)
    return Analyzer(model=model)


def print_speed(texts: list[str], label: str, repeats: int = 3) -> None:
    """Best of `repeats` runs, each first with empty word caches, then warm. The CPU
    figure counts only this process's time, so a busy machine skews it less."""
    analyzer = Analyzer()
    analyzer.analyze("Kiitos! Tack! Thanks!")  # load detectors and dictionaries
    cold = warm = cold_cpu = 0.0
    for _ in range(repeats):
        clear_caches()
        start, start_cpu = time.perf_counter(), time.process_time()
        for text in texts:
            analyzer.analyze(text)
        cold = max(cold, len(texts) / (time.perf_counter() - start))
        cold_cpu = max(cold_cpu, len(texts) / (time.process_time() - start_cpu))
        start = time.perf_counter()
        for text in texts:
            analyzer.analyze(text)
        warm = max(warm, len(texts) / (time.perf_counter() - start))
    print(
        f"  {label}: {cold:,.0f} comments/s with empty word caches "
        f"({cold_cpu:,.0f} per CPU second), {warm:,.0f} comments/s once warm "
        f"(n={len(texts)}, one core, language detected)"
    )


def clear_caches() -> None:
    from kokemus.text import lexicon, normalize, patterns, pii

    caches: list[Callable[..., Any]] = [
        normalize.lemma,
        normalize.standard_form,
        normalize._word_forms,
        normalize.is_known_word,
        lexicon._lookup,
        patterns._keys_for,
        patterns._indexed_keys,
        patterns.part_matches,
        pii._is_given_name,
    ]
    for function in caches:
        function.cache_clear()  # type: ignore[attr-defined]


def second_opinion(data: Path) -> None:
    print("\n== second opinion: public sets (other genre: film subtitles)")
    analyzer = Analyzer()
    folder = data / "fi_binary_sentiment"
    if folder.is_dir():
        gold: list[str] = []
        predicted: list[float] = []
        for name, label in (("test_pos_test.txt", "positive"), ("test_neg_test.txt", "negative")):
            lines = (folder / name).read_text(encoding="utf-8").splitlines()
            for line in lines:
                if line.strip():
                    gold.append(label)
                    predicted.append(analyzer.analyze(line, "fi").sentiment.score)
        polar = [(g, p) for g, p in zip(gold, predicted, strict=True) if p != 0]
        hits = sum((p > 0) == (g == "positive") for g, p in polar)
        print(
            f"  fi_binary_sentiment test: polarity accuracy {hits / max(len(polar), 1):.3f} "
            f"on the {len(polar)}/{len(gold)} lines with any sentiment"
        )
    xed = {"fi": "fi-annotated.tsv", "en": "en-annotated.tsv", "sv": "sv-projections.tsv"}
    for lang, name in xed.items():
        path = data / "xed" / name
        if not path.is_file():
            continue
        right, decided, total = xed_polarity(path, lang, analyzer)
        print(
            f"  XED {lang}: polarity accuracy {right / max(decided, 1):.3f} on the "
            f"{decided}/{total} single-polarity lines with any sentiment"
        )


def xed_polarity(path: Path, lang: str, analyzer: Analyzer) -> tuple[int, int, int]:
    """(right, decided, total) over lines whose XED emotions share one polarity."""
    positive, negative = {5, 8}, {1, 3, 4, 6}  # joy, trust | anger, disgust, fear, sadness
    right = decided = total = 0
    for line in path.read_text(encoding="utf-8").splitlines()[:2000]:
        text, _, labels = line.rpartition("\t")
        codes = {int(c) for c in labels.replace(" ", "").split(",") if c.isdigit()}
        if not text or not codes & (positive | negative):
            continue
        if codes & positive and codes & negative:
            continue
        total += 1
        score = analyzer.analyze(text, lang).sentiment.score
        if score:
            decided += 1
            right += (score > 0) == bool(codes & positive)
    return right, decided, total


# --- synthetic PII: many formats of checksummed identifiers, with look-alike decoys

SYNTHETIC_TEMPLATES = {
    "fi": [
        "Soittakaa minulle numeroon {x}, kiitos.",
        "Tässä tietoni: {x}. Tilaus 48213 on yhä auki.",
        "Hyvitys tilille {x} kiitos, summa 149,90 €.",
        "Tavoitatte minut {x} arkisin klo 8.30-16.",
        "({x}) ja viite 12345 67890, lasku 3.12.2025.",
    ],
    "sv": [
        "Ring mig på {x}, tack.",
        "Mina uppgifter: {x}. Order 55120 är fortfarande öppen.",
        "Återbetalning till {x}, beloppet är 1 290 kr.",
        "Nås på {x} vardagar kl 9-17.",
    ],
    "en": [
        "Please call me on {x} thanks.",
        "My details: {x}. Order 77812 is still open.",
        "Refund to {x} please, the amount was 59.90 EUR.",
        "Reach me at {x} on weekdays, ref 2024-11-03.",
    ],
}


def synthetic_cases(rng: random.Random, count: int) -> list[tuple[str, str, str | None]]:
    """(lang, filler, type or None for a decoy) cases."""
    makers: list[tuple[str | None, Callable[[random.Random], str]]] = [
        ("hetu", make_hetu),
        ("iban", make_iban),
        ("phone", make_phone),
        ("email", make_email),
        ("personnummer", make_personnummer),
        ("card", make_card),
        (None, make_decoy),
    ]
    cases = []
    for _ in range(count):
        kind, maker = rng.choice(makers)
        lang = rng.choice(list(SYNTHETIC_TEMPLATES))
        cases.append((lang, maker(rng), kind))
    return cases


def make_hetu(rng: random.Random) -> str:
    year = rng.randint(1930, 2015)
    century = rng.choice("-YXWVU") if year < 2000 else rng.choice("ABCDEF")
    digits = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{year % 100:02d}"
    number = f"{rng.randint(2, 899):03d}"
    check = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(digits + number) % 31]
    return f"{digits}{century}{number}{check}"


def make_iban(rng: random.Random) -> str:
    country, length = rng.choice([("FI", 14), ("SE", 20), ("DE", 18)])
    while True:
        bban = "".join(rng.choice("0123456789") for _ in range(length))
        number = int("".join(str(int(c, 36)) for c in bban + country + "00"))
        value = f"{country}{98 - number % 97:02d}{bban}"
        if iban.is_valid(value):
            break
    return (
        " ".join(value[i : i + 4] for i in range(0, len(value), 4)) if rng.random() < 0.7 else value
    )


def make_phone(rng: random.Random) -> str:
    while True:
        region, local = rng.choice(
            [
                ("FI", f"04{rng.choice('0145')}{rng.randint(1000000, 9999999)}"),
                ("FI", f"050{rng.randint(1000000, 9999999)}"),
                ("FI", f"09{rng.randint(1000000, 9999999)}"),
                ("SE", f"07{rng.choice('02369')}{rng.randint(1000000, 9999999)}"),
                ("SE", f"08{rng.randint(1000000, 9999999)}"),
                ("GB", f"020{rng.randint(70000000, 79999999)}"),
            ]
        )
        number = phonenumbers.parse(local, region)
        if phonenumbers.is_valid_number(number):
            break
    style = rng.choice(
        [
            phonenumbers.PhoneNumberFormat.NATIONAL,
            phonenumbers.PhoneNumberFormat.INTERNATIONAL,
            phonenumbers.PhoneNumberFormat.E164,
        ]
    )
    text = phonenumbers.format_number(number, style)
    return text.replace(" ", "-", 1) if rng.random() < 0.3 else text


def make_email(rng: random.Random) -> str:
    user = rng.choice(["maija", "jussi.k", "anna-liisa", "p.virtanen", "sven_e", "m.smith+kx"])
    domain = rng.choice(["gmail.com", "elisanet.fi", "telia.se", "firma.co.uk", "kunta.fi"])
    return f"{user}{rng.randint(1, 99)}@{domain}"


def make_personnummer(rng: random.Random) -> str:
    while True:
        year = rng.randint(1930, 2015)
        digits = f"{year % 100:02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        serial = f"{rng.randint(0, 999):03d}"
        check = luhn.calc_check_digit(digits + serial)
        value = rng.choice([f"{digits}-{serial}{check}", f"{year // 100}{digits}-{serial}{check}"])
        if personalid.is_valid(value):
            return value


def make_card(rng: random.Random) -> str:
    body = "4" + "".join(rng.choice("0123456789") for _ in range(14))
    digits = body + luhn.calc_check_digit(body)
    separator = rng.choice([" ", "-", ""])
    return separator.join(digits[i : i + 4] for i in range(0, 16, 4))


def make_decoy(rng: random.Random) -> str:
    """Look-alikes that must not be flagged: broken checksums, order and reference numbers."""
    hetu_value = make_hetu(rng)
    wrong = "0123456789ABCDEFHJKLMNPRSTUVWXY".replace(hetu_value[-1], "")
    iban_value = make_iban(rng).replace(" ", "")
    card = make_card(rng).replace(" ", "").replace("-", "")
    return rng.choice(
        [
            hetu_value[:-1] + rng.choice(wrong),
            iban_value[:2] + f"{(int(iban_value[2:4]) + 1) % 100:02d}" + iban_value[4:],
            card[:-1] + str((int(card[-1]) + 1) % 10),
            f"tilausnumero {rng.randint(100000, 999999)}",
            f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.2025 klo {rng.randint(8, 20)}.30",
            f"{rng.randint(10, 999)},{rng.randint(10, 99)} €",
            f"asiakasnumero {rng.randint(1000000, 9999999)}",
        ]
    )


def print_synthetic_pii(analyzer: Analyzer, count: int = 1500) -> None:
    print(f"\n== synthetic PII: {count} sentences in fi/sv/en, many formats, with decoys")
    rng = random.Random(2026)
    gold_by: Counter[str] = Counter()
    found_by: Counter[str] = Counter()
    hit_by: Counter[str] = Counter()
    for lang, filler, kind in synthetic_cases(rng, count):
        template = rng.choice(SYNTHETIC_TEMPLATES[lang])
        start = template.index("{x}")
        text = template.replace("{x}", filler)
        gold = {(start, start + len(filler), kind)} if kind else set()
        found = {
            (p.start, p.end, p.type) for p in analyzer.analyze(text, lang).pii if p.type != "name"
        }
        gold_by.update(k for *_, k in gold)
        found_by.update(k for *_, k in found)
        hit_by.update(k for *_, k in gold & found)
    for kind in sorted(set(gold_by) | set(found_by)):
        recall = hit_by[kind] / gold_by[kind] if gold_by[kind] else float("nan")
        precision = hit_by[kind] / found_by[kind] if found_by[kind] else float("nan")
        print(
            f"  {kind:>12}: recall {recall:.3f} ({hit_by[kind]}/{gold_by[kind]})  "
            f"precision {precision:.3f} ({hit_by[kind]}/{found_by[kind]})"
        )


def tune_only(tune: list[Row], lexicon: Analyzer, *, errors: bool, confusion: bool) -> None:
    scored = analyse(tune, lexicon)
    print_quality(f"tune half, lexicon only (n={len(tune)})", scored)
    if confusion:
        print_confusion(scored)
    # The model, 2-fold inside the tune half: never scored on its own data.
    first = [row for index, row in enumerate(tune) if index % 2 == 0]
    second = [row for index, row in enumerate(tune) if index % 2 == 1]
    two_fold = analyse(second, model_for(first)) + analyse(first, model_for(second))
    print_quality("tune half, lexicon + model (2-fold inside the tune half)", two_fold)
    if errors:
        print_errors(scored)


def print_errors(scored: list[Scored]) -> None:
    print("\n== tune half: mistakes (gold -> predicted)")
    for item in scored:
        gold_label, label = item.row["sentiment"], item.result.sentiment.label
        gold_themes = set(item.row["themes"]) - {"other"}
        themes = set(item.result.themes)
        notes = []
        if gold_label != label:
            notes.append(f"sentiment {gold_label} -> {label} ({item.result.sentiment.score:+.2f})")
        if gold_themes != themes:
            missed = ",".join(sorted(gold_themes - themes)) or "-"
            extra = ",".join(sorted(themes - gold_themes)) or "-"
            notes.append(f"themes missed {missed} extra {extra}")
        if notes:
            print(f"  {item.row['id']} [{item.row['lang']}] {item.row['text']}")
            for note in notes:
                print(f"      {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = Path(__file__).resolve().parents[2] / "shared" / "data"
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--confusion", action="store_true")
    parser.add_argument("--tune", action="store_true", help="the tune half only")
    parser.add_argument("--errors", action="store_true", help="with --tune: list mistakes")
    args = parser.parse_args()
    rows = load_rows(args.data)
    tune = [row for row in rows if is_tune(row)]
    held = [row for row in rows if not is_tune(row)]
    lexicon = Analyzer()
    if args.tune:
        tune_only(tune, lexicon, errors=args.errors, confusion=args.confusion)
        return

    full = analyse(rows, lexicon)
    print_quality(f"full dev set, lexicon only (n={len(rows)})", full)
    held_scored = analyse(held, lexicon)
    print_quality(f"held-out half, lexicon only (n={len(held)})", held_scored)
    if args.confusion:
        print_confusion(held_scored)

    tune_model = model_for(tune)
    assert tune_model.model is not None
    predictions = tune_model.model.predict_many(
        [r["text"] for r in held], [r["lang"] for r in held]
    )
    right = sum(p.label == r["sentiment"] for p, r in zip(predictions, held, strict=True))
    print(
        f"\n== held-out half, the model alone (trained on {tune_model.model.trained_on} ratings "
        f"of the tune half; ratings cannot teach 'mixed'): acc {right / len(held):.3f}"
    )
    print(
        f"   blend weight chosen by 5-fold cross-validation on its training data: "
        f"{tune_model.model.weight:.1f} (0 = the lexicon alone)"
    )
    held_model = analyse(held, tune_model)
    print_quality("held-out half, lexicon + model trained on the tune half's ratings", held_model)
    if args.confusion:
        print_confusion(held_model)
    two_fold = analyse(held, model_for(tune)) + analyse(tune, model_for(held))
    print_quality("full dev set, lexicon + model (2-fold: never scored on its own data)", two_fold)

    print_quality("full dev set, language detected", analyse(rows, lexicon, given_lang=False))
    print_language(rows)
    print_pii(rows, lexicon)
    print_synthetic_pii(lexicon)

    print("\n== speed")
    texts = [row["text"] for row in rows]
    print_speed(texts, "dev comments")
    xed_path = args.data / "xed" / "fi-annotated.tsv"
    if xed_path.is_file():
        lines = xed_path.read_text(encoding="utf-8").splitlines()[:3000]
        print_speed([line.rpartition("\t")[0] for line in lines], "XED fi lines (new vocabulary)")
    second_opinion(args.data)


if __name__ == "__main__":
    main()
