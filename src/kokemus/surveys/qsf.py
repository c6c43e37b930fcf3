"""A Qualtrics survey export (.qsf, JSON) read as a survey definition.

What maps to what:

- MC single answer (SAVR, SAHR, SACOL, DL, SB) -> single_choice; multiple answer (MAVR, MAHR,
  MACOL, MSB) -> multi_choice. An option's key comes from the value Qualtrics exports for it:
  its recode value, else its choice id; a number gets a "c" in front ("c1", "c130", "c-1").
  A choice with a text box ("Other, please specify") also gets a text question right after,
  key "<question>_<option>_text", shown only when that option is chosen.
- MC/NPS -> nps, with the end labels from ColumnLabels.
- TE -> text; a TE/FORM becomes one text question per field, the question text as their help.
- Matrix/Likert single answer (SingleAnswer, DL, DND) -> one question per row, keyed
  "<tag>_<row>" like the data export's columns. It is a rating when the scale has five points
  exported as 1..5 in order and none is exclusive (end labels kept, middle labels dropped);
  any other scale would change meaning as 1-5, so the rows become single_choice with the scale
  points as options. MultipleAnswer rows become multi_choice. The matrix text is each row's help.
- Slider/STAR with 5 stars, or a slider from 1 to 5 without decimals -> rating, one per row.
- Everything else (descriptive text, timing, meta info, rank order, constant sum, side by side,
  MaxDiff, carried-forward choices...) is skipped with the reason why.

Questions come in the survey flow's order of blocks, and a block's order of questions; a
block or a page break starts a new page. Questions in the trash or in no block of the flow
are not imported. Display, skip and flow logic, randomization and loops are dropped, and
each loss is listed in `notes`. ForceResponse becomes required.

The survey language must be fi, sv or en, or the survey must have a translation into one of
them; translations into fi, sv and en are imported too, others are dropped.
"""

import html
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from kokemus.surveys.definition import (
    SURVEY_LANGUAGES,
    DefinitionError,
    Language,
    SurveyDefinition,
    parse_definition,
)

SINGLE_ANSWER = {"SAVR", "SAHR", "SACOL", "DL", "SB"}
MULTIPLE_ANSWER = {"MAVR", "MAHR", "MACOL", "MSB"}
MATRIX_SINGLE_ANSWER = {"SingleAnswer", "DL", "DND"}
KEY_LENGTH = 64

UNMAPPABLE = {
    "DB": "descriptive text shows information and asks nothing",
    "Timing": "a timer records time spent on the page and asks nothing",
    "Meta": "meta info records the respondent's browser and device and asks nothing",
    "CS": "constant sum (numbers that add up to a total) has no matching question type",
    "RO": "rank order has no matching question type",
    "PGR": "pick, group and rank has no matching question type",
    "SBS": "a side-by-side table holds several questions per row; there is no matching type",
    "Captcha": "a captcha is not a question",
    "FileUpload": "file upload has no matching question type",
    "Draw": "a signature has no matching question type",
    "HotSpot": "a hot spot on an image has no matching question type",
    "HeatMap": "a heat map has no matching question type",
    "Highlight": "highlighting text has no matching question type",
    "DD": "a drill down has no matching question type",
}
MATRIX_UNMAPPABLE = {
    "TE": "a matrix of text boxes has no matching question type",
    "MaxDiff": "MaxDiff (the best and the worst of each set) has no matching question type",
    "Bipolar": "a bipolar matrix (between two opposite words) has no matching question type",
    "RO": "a rank order matrix has no matching question type",
    "CS": "a constant sum matrix has no matching question type",
}
FLOW_NOTES = {
    "BlockRandomizer": "a block randomizer shows only some of its blocks to each respondent; "
    "all of them are imported, in order",
    "Randomizer": "a randomizer shows only some of its elements to each respondent; "
    "all of them are imported, in order",
    "Branch": "branch logic is dropped; the blocks inside the branch are imported for everyone",
    "EmbeddedData": "embedded data fields are not imported",
    "EndSurvey": "an end of survey element in the flow is dropped",
}
_STRIPPED = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BREAKING_TAG = re.compile(
    r"</?\s*(br|p|div|li|ul|ol|hr|tr|td|th|h[1-6]|table|blockquote)\b[^>]*>", re.IGNORECASE
)
_TAG = re.compile(r"<[^>]*>")
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l"})


@dataclass(frozen=True)
class Skipped:
    question_id: str
    export_tag: str
    question_type: str
    selector: str
    subselector: str
    reason: str


@dataclass(frozen=True)
class QsfImport:
    definition: SurveyDefinition
    skipped: list[Skipped]
    notes: list[str]


def import_qsf(text: str) -> QsfImport:
    entry, elements = _read(text)
    return _Importer(entry, elements).run()


class _Skip(Exception):
    pass


@dataclass(frozen=True)
class _Languages:
    base: Language | None  # the survey language, when it is one of ours
    translations: dict[Language, str]  # our language -> the QSF's language code

    @property
    def all(self) -> list[Language]:
        first = [self.base] if self.base else []
        return first + [language for language in self.translations if language != self.base]

    @property
    def primary(self) -> Language:
        return self.all[0]


# An option's key, its texts and the Qualtrics choice it comes from.
_Option = tuple[str, dict[str, str], dict[str, Any]]


@dataclass(frozen=True)
class _Question:
    qid: str
    payload: dict[str, Any]

    @property
    def tag(self) -> str:
        return _string(self.payload.get("DataExportTag"))

    @property
    def kind(self) -> tuple[str, str, str]:
        get = self.payload.get
        return _string(get("QuestionType")), _string(get("Selector")), _string(get("SubSelector"))

    @property
    def where(self) -> str:
        return f"{self.qid} ({'/'.join(part for part in self.kind if part)})"


class _Importer:
    def __init__(self, entry: dict[str, Any], elements: list[Any]) -> None:
        self.entry = entry
        self.elements = [element for element in elements if isinstance(element, dict)]
        self.payloads = {
            _string(element.get("PrimaryAttribute")) or _string(payload.get("QuestionID")): payload
            for element in self.elements
            if element.get("Element") == "SQ"
            and isinstance(payload := element.get("Payload"), dict)
        }
        self.notes: list[str] = []
        self.skipped: list[Skipped] = []
        self.questions: list[dict[str, Any]] = []
        self.keys: set[str] = set()
        self.new_page = False
        self.languages = self._languages()

    def run(self) -> QsfImport:
        seen: set[str] = set()
        for block in self._blocks():
            self.new_page = True
            for element in _entries(block.get("BlockElements")):
                if not isinstance(element, dict):
                    continue
                if element.get("Type") == "Page Break":
                    self.new_page = True
                elif element.get("Type") == "Question":
                    self._import(_string(element.get("QuestionID")), seen)
        unused = [qid for qid in self.payloads if qid not in seen]
        if unused:
            self.notes.append(
                "not imported, being in the trash or in no block of the survey flow: "
                + ", ".join(unused)
            )
        if not self.questions:
            reasons = "; ".join(skip.reason for skip in self.skipped[:5]) or "it has no questions"
            raise DefinitionError([f"(file): no question could be imported: {reasons}"])
        name = _clean(self.entry.get("SurveyName")) or _string(self.entry.get("SurveyID"))
        document = {
            "key": _slug(name, "-")[:KEY_LENGTH].strip("-") or "qualtrics-survey",
            "languages": self.languages.all,
            # Qualtrics has one survey name, not one per language.
            "title": dict.fromkeys(self.languages.all, name or "Qualtrics survey"),
            "questions": self.questions,
        }
        notes = list(dict.fromkeys(self.notes))
        return QsfImport(parse_definition(document), self.skipped, notes)

    def _languages(self) -> _Languages:
        code = _string(self.entry.get("SurveyLanguage")).upper()
        if not code:
            code = "EN"
            self.notes.append("the file names no survey language; its texts are imported as en")
        translations: dict[Language, str] = {}
        dropped: set[str] = set()
        for payload in self.payloads.values():
            for other in _entries_of_dict(payload.get("Language")):
                language = _our_language(other)
                if language is None:
                    dropped.add(other)
                else:
                    translations.setdefault(language, other)
        base = _our_language(code)
        if base is None and not translations:
            raise DefinitionError(
                [
                    f"SurveyEntry.SurveyLanguage: the survey is in {code}, and a survey can be in "
                    "fi, sv or en; the file has no translation into any of them"
                ]
            )
        ordered = {ours: translations[ours] for ours in SURVEY_LANGUAGES if ours in translations}
        if base is None:
            chosen = ", ".join(ordered)
            self.notes.append(
                f"the survey language {code} is not fi, sv or en; its {chosen} translation is "
                f"imported instead and the {code} texts are dropped"
            )
        dropped.discard(code)
        if dropped:
            self.notes.append(f"translations into {', '.join(sorted(dropped))} are dropped")
        return _Languages(base, ordered)

    def _blocks(self) -> Iterator[dict[str, Any]]:
        blocks = [
            block
            for element in self.elements
            if element.get("Element") == "BL"
            for block in _entries(element.get("Payload"))
            if isinstance(block, dict) and block.get("Type") != "Trash"
        ]
        flow = next(
            (element.get("Payload") for element in self.elements if element.get("Element") == "FL"),
            None,
        )
        by_id = {_string(block.get("ID")): block for block in blocks}
        in_flow = list(dict.fromkeys(self._flow_blocks(flow, by_id))) if flow else []
        for block_id in in_flow or by_id:
            block = by_id[block_id]
            options = block.get("Options")
            options = options if isinstance(options, dict) else {}
            if options.get("Looping") not in (None, "None", False):
                self.notes.append(f"block {_describe_block(block)} loops; it is imported once")
            if _truthy(options.get("RandomizeQuestions")):
                self.notes.append(
                    f"block {_describe_block(block)} shuffles its questions; kept in order"
                )
            yield block
        left_out = [block_id for block_id in by_id if in_flow and block_id not in in_flow]
        for block_id in left_out:
            if _entries(by_id[block_id].get("BlockElements")):
                self.notes.append(
                    f"block {_describe_block(by_id[block_id])} is not in the survey flow, "
                    "so its questions are not imported"
                )

    def _flow_blocks(self, element: Any, blocks: dict[str, Any]) -> Iterator[str]:
        if isinstance(element, list):
            element = {"Flow": element}
        if not isinstance(element, dict):
            return
        kind = _string(element.get("Type"))
        if kind in FLOW_NOTES:
            self.notes.append(f"{FLOW_NOTES[kind]} ({_string(element.get('FlowID'))})")
        elif kind not in ("Root", "Block", "Standard", "Default", ""):
            self.notes.append(f"survey flow element {kind} ({element.get('FlowID')}) is dropped")
        if _string(element.get("ID")) in blocks:
            yield _string(element.get("ID"))
        for child in _entries(element.get("Flow")):
            yield from self._flow_blocks(child, blocks)

    def _import(self, qid: str, seen: set[str]) -> None:
        payload = self.payloads.get(qid)
        if payload is None or qid in seen:
            problem = "which appears twice" if qid in seen else "which the file does not define"
            self.notes.append(f"a block lists question {qid or '(no id)'}, {problem}")
            return
        seen.add(qid)
        question = _Question(qid, payload)
        try:
            converted = self._convert(question)
        except _Skip as skip:
            kind = question.kind
            self.skipped.append(Skipped(qid, question.tag, *kind, f"{question.where}: {skip}"))
            return
        self._note_losses(question)
        required = _required(question, self.notes)
        for number, result in enumerate(converted):
            result.setdefault("required", required)
            result["new_page"] = number == 0 and self.new_page and bool(self.questions)
            self.questions.append(result)
        self.new_page = False

    def _convert(self, question: _Question) -> list[dict[str, Any]]:
        match question.kind:
            case ("MC", "NPS", _):
                return [self._nps(question)]
            case ("MC", selector, _) if selector in SINGLE_ANSWER:
                return self._choice(question, "single_choice")
            case ("MC", selector, _) if selector in MULTIPLE_ANSWER:
                return self._choice(question, "multi_choice")
            case ("TE", "FORM", _):
                return self._rows(question, "text")
            case ("TE", _, _):
                return [self._base(question, "text")]
            case ("Matrix", "Likert", _):
                return self._matrix(question)
            case ("Slider", _, _):
                return self._slider(question)
            case ("Matrix", selector, _):
                raise _Skip(
                    MATRIX_UNMAPPABLE.get(selector, f"a {selector} matrix has no matching type")
                )
            case ("MC", selector, _):
                raise _Skip(f"a multiple choice shown as {selector} has no matching question type")
            case (kind, _, _):
                raise _Skip(UNMAPPABLE.get(kind, f"question type {kind} has no matching type"))

    def _base(self, question: _Question, kind: str) -> dict[str, Any]:
        key = self._key(question.tag or question.qid)
        return {"key": key, "type": kind, "text": self._question_text(question)}

    def _question_text(self, question: _Question) -> dict[str, str]:
        text = self._texts(question, lambda view: _clean(view.get("QuestionText")))
        if not text:
            fallback = _clean(question.payload.get("QuestionDescription")) or question.tag
            text = {self.languages.primary: fallback or question.qid}
        return text

    def _nps(self, question: _Question) -> dict[str, Any]:
        result = self._base(question, "nps")
        for name, index in (("low_label", 0), ("high_label", -1)):
            label = self._texts(question, _pick_label("ColumnLabels", index))
            if label:
                result[name] = label
        return result

    def _choice(self, question: _Question, kind: str) -> list[dict[str, Any]]:
        payload = question.payload
        options = self._options(question, "Choices", "ChoiceOrder")
        if not options:
            raise _Skip(_no_choices(payload, "choices"))
        result = self._base(question, kind)
        result["options"] = [{"key": key, "text": text} for key, text, _ in options]
        follow_ups = []
        for key, text, choice in options:
            if _truthy(choice.get("TextEntry")):
                condition = {"equals": key} if kind == "single_choice" else {"any_of": [key]}
                follow_ups.append(
                    {
                        "key": self._key(f"{result['key']}_{key}_text"),
                        "type": "text",
                        "text": text,
                        "required": False,
                        "show_if": {"question": result["key"], **condition},
                    }
                )
        exclusive = [
            _first(text) for _, text, choice in options if _truthy(choice.get("ExclusiveAnswer"))
        ]
        if exclusive and kind == "multi_choice":
            self.notes.append(
                f"{question.where}: {', '.join(map(repr, exclusive))} excludes the other options "
                "in Qualtrics; a multi_choice answer may combine them"
            )
        return [result, *follow_ups]

    def _matrix(self, question: _Question) -> list[dict[str, Any]]:
        subselector = question.kind[2]
        columns = self._options(question, "Answers", "AnswerOrder")
        if not columns:
            raise _Skip(_no_choices(question.payload, "scale points"))
        if subselector == "MultipleAnswer":
            return self._rows(question, "multi_choice", columns)
        if subselector not in MATRIX_SINGLE_ANSWER:
            raise _Skip(
                f"a Likert matrix with {subselector or 'unnamed'} answers has no matching type"
            )
        if not _is_one_to_five(question.payload, columns):
            return self._rows(question, "single_choice", columns)
        middle = ", ".join(repr(_first(text)) for _, text, _ in columns[1:-1])
        self.notes.append(
            f"{question.where}: rows are ratings; the middle labels {middle} are dropped"
        )
        labels = {"low_label": columns[0][1], "high_label": columns[-1][1]}
        return self._rows(question, "rating", labels=labels)

    def _slider(self, question: _Question) -> list[dict[str, Any]]:
        selector = question.kind[1]
        settings = question.payload.get("Configuration")
        settings = settings if isinstance(settings, dict) else {}
        if selector == "STAR":
            stars = _number(settings.get("StarCount"))
            if stars != 5:
                count = _show(stars) if stars is not None else "an unknown number of"
                raise _Skip(f"a star rating with {count} stars does not fit rating 1-5")
            if settings.get("StarType") not in (None, "discrete"):
                self.notes.append(f"{question.where}: part stars are rounded to whole ratings")
        else:
            low, high = _number(settings.get("CSSliderMin")), _number(settings.get("CSSliderMax"))
            decimals = _number(settings.get("NumDecimals")) or 0.0
            if (low, high, decimals) != (1, 5, 0):
                raise _Skip(
                    f"a slider from {_show(low)} to {_show(high)} with {_show(decimals)} decimals "
                    "does not fit rating 1-5"
                )
        labels = {
            name: label
            for name, index in (("low_label", 0), ("high_label", -1))
            if (label := self._texts(question, _pick_label("Labels", index)))
        }
        rows = _choices(question.payload.get("Choices"), question.payload.get("ChoiceOrder"))
        if len(rows) <= 1:
            return [{**self._base(question, "rating"), **labels}]
        return self._rows(question, "rating", labels=labels)

    def _rows(
        self,
        question: _Question,
        kind: str,
        options: list[_Option] | None = None,
        labels: dict[str, dict[str, str]] | None = None,
    ) -> list[dict[str, Any]]:
        payload = question.payload
        rows = _choices(payload.get("Choices"), payload.get("ChoiceOrder"))
        if not rows:
            raise _Skip(_no_choices(payload, "rows"))
        stem = self._question_text(question)
        tags = payload.get("ChoiceDataExportTags")
        results = []
        for row_id, row in rows:
            text = self._texts(question, _pick_choice("Choices", row_id))
            if not text:
                self.notes.append(f"{question.where}: row {row_id} has no text and is dropped")
                continue
            if _truthy(row.get("TextEntry")):
                self.notes.append(f"{question.where}: the text box of row {row_id} is dropped")
            row_tag = _string(tags.get(row_id)) if isinstance(tags, dict) else ""
            key = self._key(f"{question.tag or question.qid}_{row_tag or row_id}")
            result: dict[str, Any] = {"key": key, "type": kind, "text": text, "help": stem}
            result.update(labels or {})
            if options is not None:
                result["options"] = [{"key": option, "text": texts} for option, texts, _ in options]
            results.append(result)
        if not results:
            raise _Skip("no row has a text")
        return results

    def _options(self, question: _Question, field: str, order: str) -> list[_Option]:
        choices = _choices(question.payload.get(field), question.payload.get(order))
        # A matrix recodes its scale points (Answers), a multiple choice its Choices.
        keys = _option_keys(
            [choice_id for choice_id, _ in choices], question.payload.get("RecodeValues")
        )
        if keys is None:
            self.notes.append(
                f"{question.where}: recode values repeat; option keys come from choice ids"
            )
            keys = _option_keys([choice_id for choice_id, _ in choices], None) or [
                f"c{number}" for number in range(1, len(choices) + 1)
            ]
        options = []
        for key, (choice_id, choice) in zip(keys, choices, strict=True):
            text = self._texts(question, _pick_choice(field, choice_id))
            if text:
                options.append((key, text, choice))
            else:
                self.notes.append(
                    f"{question.where}: {field} {choice_id} has no text and is dropped"
                )
        return options

    def _texts(self, question: _Question, pick: Callable[[dict[str, Any]], str]) -> dict[str, str]:
        texts: dict[str, str] = {}
        if self.languages.base and (own := pick(question.payload)):
            texts[self.languages.base] = own
        translations = question.payload.get("Language")
        for language, code in self.languages.translations.items():
            view = translations.get(code) if isinstance(translations, dict) else None
            if isinstance(view, dict) and (translated := pick(view)):
                texts.setdefault(language, translated)
        if self.languages.primary not in texts and (fallback := pick(question.payload)):
            texts[self.languages.primary] = fallback
            self.notes.append(
                f"{question.where}: no {self.languages.primary} translation; kept as written"
            )
        return texts

    def _key(self, wanted: str) -> str:
        base = _slug(wanted, "_")[:KEY_LENGTH] or "q"
        key, number = base, 1
        while key in self.keys:
            number += 1
            key = f"{base[: KEY_LENGTH - 4]}_{number}"
        if key != base:
            self.notes.append(f"question key {base!r} is taken; the next one with it is {key!r}")
        self.keys.add(key)
        return key

    def _note_losses(self, question: _Question) -> None:
        payload = question.payload
        lost = [
            what
            for what, present in (
                ("display logic", payload.get("DisplayLogic")),
                ("skip logic", payload.get("SkipLogic")),
                ("in-page display logic", payload.get("InPageDisplayLogic")),
                ("display logic of choices", _any_choice_has(payload, "DisplayLogic")),
                ("randomized choice order", _randomized(payload.get("Randomization"))),
                ("custom validation", _validation(payload).get("Type") == "CustomValidation"),
                ("content validation", _validation(payload).get("ContentType")),
            )
            if present
        ]
        if lost:
            self.notes.append(f"{question.where}: {', '.join(lost)} dropped")
        if "${" in _string(payload.get("QuestionText")):
            self.notes.append(f"{question.where}: piped text ${{...}} is kept as written")


def _read(text: str) -> tuple[dict[str, Any], list[Any]]:
    try:
        document = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as error:
        raise DefinitionError([f"(file): not valid JSON: {error}"]) from None
    if not isinstance(document, dict):
        document = {}
    entry, elements = document.get("SurveyEntry"), document.get("SurveyElements")
    if not isinstance(entry, dict) or not isinstance(elements, list):
        problem = "not a Qualtrics survey export (.qsf): it needs SurveyEntry and SurveyElements"
        raise DefinitionError([f"(file): {problem}"])
    return entry, elements


def _required(question: _Question, notes: list[str]) -> bool:
    settings = _validation(question.payload)
    force, how = settings.get("ForceResponse"), settings.get("ForceResponseType")
    if force == "RequestResponse" or (force == "ON" and how == "RequestResponse"):
        notes.append(f"{question.where}: a requested (not forced) response is imported as optional")
        return False
    return force == "ON"


def _validation(payload: dict[str, Any]) -> dict[str, Any]:
    validation = payload.get("Validation")
    settings = validation.get("Settings") if isinstance(validation, dict) else None
    return settings if isinstance(settings, dict) else {}


def _is_one_to_five(payload: dict[str, Any], columns: list[_Option]) -> bool:
    answers = _choices(payload.get("Answers"), payload.get("AnswerOrder"))
    recodes = payload.get("RecodeValues")
    recodes = recodes if isinstance(recodes, dict) else {}
    values = [_string(recodes.get(answer_id, answer_id)) for answer_id, _ in answers]
    exclusive = any(_truthy(answer.get("ExclusiveAnswer")) for _, answer in answers)
    return len(columns) == 5 and values == ["1", "2", "3", "4", "5"] and not exclusive


def _choices(value: Any, order: Any) -> list[tuple[str, dict[str, Any]]]:
    """Choices by id in display order; an array's ids are its indexes, as in NPS exports."""
    if isinstance(value, list):
        items = {str(index): choice for index, choice in enumerate(value)}
    elif isinstance(value, dict):
        items = {str(choice_id): choice for choice_id, choice in value.items()}
    else:
        items = {}
    items = {choice_id: choice for choice_id, choice in items.items() if isinstance(choice, dict)}
    listed = [str(choice_id) for choice_id in order] if isinstance(order, list) else []
    ids = [choice_id for choice_id in dict.fromkeys(listed) if choice_id in items]
    ids += [choice_id for choice_id in items if choice_id not in ids]
    return [(choice_id, items[choice_id]) for choice_id in ids]


def _choice(value: Any, choice_id: str) -> dict[str, Any]:
    found = dict(_choices(value, None)).get(choice_id)
    return found if isinstance(found, dict) else {}


def _option_keys(ids: list[str], recodes: Any) -> list[str] | None:
    """Keys from the exported values (recode value, else id); None when two would be equal."""
    recodes = recodes if isinstance(recodes, dict) else {}
    keys = []
    for choice_id in ids:
        exported = _string(recodes.get(choice_id)) or choice_id
        slug = re.sub(r"[^a-z0-9_\-]+", "_", _ascii(exported)).strip("_")
        keys.append((slug if slug[:1].isalpha() else f"c{slug}")[:KEY_LENGTH])
    return keys if len(set(keys)) == len(keys) else None


def _pick_choice(field: str, choice_id: str) -> Callable[[dict[str, Any]], str]:
    def pick(view: dict[str, Any]) -> str:
        return _clean(_choice(view.get(field), choice_id).get("Display"))

    return pick


def _pick_label(field: str, index: int) -> Callable[[dict[str, Any]], str]:
    def pick(view: dict[str, Any]) -> str:
        labels = [label for _, label in _choices(view.get(field), None)]
        return _clean(labels[index].get("Display")) if labels else ""

    return pick


def _no_choices(payload: dict[str, Any], what: str) -> str:
    if payload.get("DynamicChoices"):
        return f"its {what} are carried forward from another question, so there are none to import"
    return f"it has no {what}"


def _any_choice_has(payload: dict[str, Any], field: str) -> bool:
    return any(choice.get(field) for _, choice in _choices(payload.get("Choices"), None))


def _randomized(value: Any) -> bool:
    return isinstance(value, dict) and value.get("Type") not in (None, "None", "")


def _describe_block(block: dict[str, Any]) -> str:
    return f"{_string(block.get('Description'))!r} ({_string(block.get('ID'))})"


def _our_language(code: str) -> Language | None:
    language = code.split("-")[0].lower()
    for ours in SURVEY_LANGUAGES:
        if ours == language:
            return ours  # type: ignore[return-value]
    return None


def _entries(value: Any) -> list[Any]:
    """A list as it is, an object's values in order: exports write both for the same thing."""
    if isinstance(value, dict):
        return list(value.values())
    return value if isinstance(value, list) else []


def _entries_of_dict(value: Any) -> list[str]:
    return [str(key) for key in value] if isinstance(value, dict) else []


def _clean(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    text = _BREAKING_TAG.sub(" ", _STRIPPED.sub(" ", str(value)))
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def _slug(value: str, separator: str) -> str:
    return re.sub(r"[^a-z0-9]+", separator, _ascii(value)).strip(separator)


def _ascii(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.lower().translate(_LETTERS))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def _string(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    return str(value).strip() if isinstance(value, str | int | float) else ""


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _first(texts: dict[str, str]) -> str:
    return next(iter(texts.values()))


def _show(number: float | None) -> str:
    if number is None:
        return "?"
    return str(int(number)) if number.is_integer() else str(number)


def _truthy(value: Any) -> bool:
    """Exports write flags as true, 1, "true" or "1"."""
    return value is True or _string(value).lower() in ("true", "1", "on", "yes")
