import json
from collections import Counter
from typing import Any

import pytest

from kokemus.surveys.definition import DefinitionError, parse_definition
from kokemus.surveys.qsf import QsfImport, Skipped, import_qsf
from tests.conftest import SHARED

REFERENCE = SHARED / "reference" / "qualtrics"
# The real exports live beside the project, not in it: without them those tests are skipped.
needs_reference = pytest.mark.skipif(
    not REFERENCE.is_dir(), reason="../shared/reference/qualtrics is not present"
)

# Question types per file, and how many Qualtrics questions were skipped, counted by hand
# from the files: the flow's blocks, matrix rows, "Other" text boxes, trash left out.
EXPECTED = {
    "QualtricsLibrary_5-star-rating-slider.qsf": ({"rating": 1}, 0),
    "QualtricsLibrary_nps_csat_custom-choices.qsf": ({"nps": 1, "single_choice": 2}, 0),
    "QualtricsTools_Long_Exhaustive_Sample_Survey.qsf": (
        {"single_choice": 50, "multi_choice": 41, "text": 7},
        9,
    ),
    "rios_qualtrics_health_BLdict.qsf": ({"single_choice": 22, "text": 3}, 4),
    "sp_libsp_test_survey.qsf": ({"single_choice": 12, "multi_choice": 8, "text": 9, "nps": 1}, 10),
}


def reference(name: str) -> QsfImport:
    return import_qsf((REFERENCE / name).read_text(encoding="utf-8"))


@needs_reference
def test_every_reference_file_is_counted() -> None:
    assert sorted(path.name for path in REFERENCE.glob("*.qsf")) == sorted(EXPECTED)


@needs_reference
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reference_file_imports_with_the_counted_types(name: str) -> None:
    types, skipped = EXPECTED[name]
    result = reference(name)
    assert dict(Counter(question.type for question in result.definition.questions)) == types
    assert len(result.skipped) == skipped
    assert result.definition.languages == ["en"]


@needs_reference
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reference_file_round_trips_through_parse_definition(name: str) -> None:
    definition = reference(name).definition
    assert parse_definition(definition.model_dump(mode="json")) == definition


def keys(result: QsfImport) -> list[str]:
    return [question.key for question in result.definition.questions]


@needs_reference
def test_star_slider_is_a_rating_in_its_english_translation() -> None:
    result = reference("QualtricsLibrary_5-star-rating-slider.qsf")
    (question,) = result.definition.questions
    assert (question.key, question.type) == ("q1", "rating")
    assert question.text == {"en": "Please rate our product"}
    assert result.definition.key == "5-star-rating-question"
    assert any("PT-BR" in note and "en translation" in note for note in result.notes)
    assert "QID1 (Slider/STAR): custom validation dropped" in result.notes


@needs_reference
def test_nps_and_csat_come_in_block_order_not_file_order() -> None:
    result = reference("QualtricsLibrary_nps_csat_custom-choices.qsf")
    nps, services, products = result.definition.questions
    assert keys(result) == ["q1", "q2", "q3"]  # the file has QID1, QID3, QID2
    assert nps.type == "nps"
    assert (nps.low_label, nps.high_label) == (
        {"en": "Not at all likely"},
        {"en": "Extremely likely"},
    )
    assert services.text == {"en": "How satisfied are you with our services?"}
    assert [option.key for option in products.options or []] == ["c1", "c2", "c3", "c4", "c5"]
    assert (products.options or [])[4].text == {"en": "Extremely satisfied"}
    assert "translations into PT-BR are dropped" in result.notes


@needs_reference
def test_long_survey_follows_the_flow_and_cleans_html() -> None:
    result = reference("QualtricsTools_Long_Exhaustive_Sample_Survey.qsf")
    definition = result.definition
    order = keys(result)
    # The flow puts the MCMA block before Matrix-SA, the block list the other way round.
    assert order.index("q12") < order.index("q8_1") < order.index("q29_1") < order.index("q47")
    assert definition.question("q2").text == {
        "en": "This is a plain mcsa question. What kind of fruit do you like most?"
    }
    assert (definition.question("q9").options or [])[4].text == {"en": "Chocolate with >80% cocoa"}
    na = (definition.question("q16").options or [])[6]
    assert (na.key, na.text["en"]) == (
        "c-1",
        "NA - My family is full of fruitarians (Really though, the fruitarians should be "
        "eating the tomato paste.)",
    )
    assert definition.question("q9").new_page
    assert not definition.question("q21").new_page
    assert "q49" not in order
    assert not any(key.startswith("q38") for key in order)
    assert "not imported, being in the trash or in no block of the survey flow: QID38, QID49" in (
        result.notes
    )


@needs_reference
def test_long_survey_option_keys_come_from_recode_values() -> None:
    definition = reference("QualtricsTools_Long_Exhaustive_Sample_Survey.qsf").definition
    assert definition.question("q14").option_keys() == [
        "c130",
        "c50",
        "c7",
        "c113",
        "c155",
        "c139",
    ]
    assert definition.question("q34_avocados").option_keys() == ["c1", "c10", "c100", "c-", "c-2"]


@needs_reference
def test_long_survey_matrix_rows_are_keyed_like_the_export_columns() -> None:
    definition = reference("QualtricsTools_Long_Exhaustive_Sample_Survey.qsf").definition
    row = definition.question("q23_cucumbers")
    assert (row.type, row.text) == ("single_choice", {"en": "Cucumbers"})
    assert row.help == {
        "en": "This is a matrix single answer question with choice data export tags "
        "Rank each fruit on this strange scale I've dreamt up."
    }
    assert [option.text["en"] for option in row.options or []] == [
        "They're against my ideology",
        "I mean, they're not bad",
        "I have an intimate relationship with this fruit",
    ]
    # Five points, but exported as 1, 10, 100, -1, -2: choices, not a 1-5 rating.
    assert definition.question("q25_mangos").type == "single_choice"
    assert definition.question("snozzberries_4_life_4").text == {"en": "Snozzberries"}
    assert definition.question("q30_cooking_style_2").type == "multi_choice"


@needs_reference
def test_long_survey_other_text_boxes_become_follow_up_questions() -> None:
    definition = reference("QualtricsTools_Long_Exhaustive_Sample_Survey.qsf").definition
    other = definition.question("q6_c1677721500000000_text")
    assert (other.type, other.text) == ("text", {"en": "Other, please specify:"})
    assert other.show_if is not None
    assert (other.show_if.question, other.show_if.equals) == ("q6", "c1677721500000000")
    multi = definition.question("q16_c_2_text").show_if
    assert multi is not None
    assert multi.any_of == ["c-2"]


@needs_reference
def test_long_survey_skips_side_by_side_and_text_matrices() -> None:
    skipped = {
        skip.question_id: skip
        for skip in reference("QualtricsTools_Long_Exhaustive_Sample_Survey.qsf").skipped
    }
    assert sorted(skipped) == sorted(
        ["QID1", "QID40", "QID41", "QID42", "QID43", "QID44", "QID45", "QID46", "QID50"]
    )
    assert skipped["QID42"].export_tag == "q42_animal_patterns"
    assert skipped["QID42"].reason.startswith("QID42 (SBS/SBSMatrix): a side-by-side table")
    assert skipped["QID46"].reason == (
        "QID46 (Matrix/TE/Long): a matrix of text boxes has no matching question type"
    )


@needs_reference
def test_block_payload_as_an_object_imports() -> None:
    result = reference("rios_qualtrics_health_BLdict.qsf")
    definition = result.definition
    assert definition.key == "health-status-survey-copy"
    assert keys(result)[:3] == ["q2", "q3", "q4"]
    marital = definition.question("q28")
    assert [(option.key, option.text["en"]) for option in marital.options or []] == [
        ("c0", "Married"),
        ("c1", "Divorced"),
        ("c2", "Widowed"),
        ("c3", "Never been married"),
    ]
    assert definition.question("q13").option_keys() == ["c1", "c2", "c3"]  # ids 1, c2, c3
    assert definition.question("q15").text == {"en": "(do 15?"}
    assert [skip.export_tag for skip in result.skipped] == ["Q1", "Q18", "Q21", "Q29"]


@needs_reference
def test_test_survey_skips_timing_meta_and_the_unmappable() -> None:
    result = reference("sp_libsp_test_survey.qsf")
    timing = next(skip for skip in result.skipped if skip.question_id == "QID16")
    assert timing == Skipped(
        question_id="QID16",
        export_tag="Q16",
        question_type="Timing",
        selector="PageTimer",
        subselector="",
        reason="QID16 (Timing/PageTimer): a timer records time spent on the page and asks nothing",
    )
    reasons = {skip.question_id: skip.reason for skip in result.skipped}
    assert reasons["QID22"].startswith("QID22 (Meta/Browser): meta info")
    assert reasons["QID21"] == (
        "QID21 (MC/SAVR/TX): its choices are carried forward from another question, "
        "so there are none to import"
    )
    assert sorted(reasons) == sorted(
        ["QID14", "QID22", "QID6", "QID16", "QID10", "QID17", "QID29", "QID21", "QID28", "QID23"]
    )


@needs_reference
def test_test_survey_maps_nps_form_and_matrix_rows() -> None:
    result = reference("sp_libsp_test_survey.qsf")
    definition = result.definition
    assert definition.question("q15").type == "nps"
    assert [definition.question(f"q9_{n}").text["en"] for n in (1, 2, 3)] == [
        "Form line 1",
        "Form line 2",
        "Form line 3",
    ]
    assert definition.question("q9_1").help == {"en": "Form"}
    assert definition.question("q18").option_keys() == ["c2", "c3", "c1"]  # ChoiceOrder
    assert definition.question("q5_statement1").new_page
    assert not definition.question("q18").new_page
    assert "q13_5" not in keys(result)  # a matrix row without text
    assert "QID31 (MC/SAVR/TX): display logic dropped" in result.notes
    assert any(note.startswith("a block randomizer") for note in result.notes)
    assert any("'None' excludes the other options" in note for note in result.notes)


# Small hand-written exports for the variants real files come in.


def question(qid: str, kind: str = "MC", selector: str = "SAVR", **fields: Any) -> dict[str, Any]:
    return {
        "QuestionID": qid,
        "DataExportTag": qid.replace("QID", "Q"),
        "QuestionType": kind,
        "Selector": selector,
        "QuestionText": f"<p>Question&nbsp;{qid}</p>",
        **fields,
    }


def asked(qid: str) -> dict[str, str]:
    return {"Type": "Question", "QuestionID": qid}


def qsf(
    *questions: dict[str, Any],
    language: str = "EN",
    name: str = "Test survey",
    blocks: Any = None,
    flow: Any = None,
) -> str:
    if blocks is None:
        elements = [asked(q["QuestionID"]) for q in questions]
        blocks = [
            {"Type": "Default", "ID": "BL_1", "BlockElements": elements},
            {"Type": "Trash", "ID": "BL_2", "BlockElements": []},
        ]
    survey_elements: list[dict[str, Any]] = [{"Element": "BL", "Payload": blocks}]
    if flow is not None:
        survey_elements.append({"Element": "FL", "Payload": flow})
    survey_elements += [
        {"Element": "SQ", "PrimaryAttribute": q["QuestionID"], "Payload": q} for q in questions
    ]
    entry = {"SurveyID": "SV_1", "SurveyName": name, "SurveyLanguage": language}
    return json.dumps({"SurveyEntry": entry, "SurveyElements": survey_elements})


YES_NO_OBJECT = {"1": {"Display": "Yes"}, "2": {"Display": "No"}}
YES_NO_ARRAY = [{"Display": "Yes"}, {"Display": "No"}]


def only(text: str) -> Any:
    (result,) = import_qsf(text).definition.questions
    return result


def test_choices_as_an_array_are_keyed_by_index_and_as_an_object_by_id() -> None:
    from_array = only(qsf(question("QID1", Choices=YES_NO_ARRAY)))
    from_object = only(qsf(question("QID1", Choices=YES_NO_OBJECT)))
    assert [(o.key, o.text) for o in from_array.options] == [
        ("c0", {"en": "Yes"}),
        ("c1", {"en": "No"}),
    ]
    assert [(o.key, o.text) for o in from_object.options] == [
        ("c1", {"en": "Yes"}),
        ("c2", {"en": "No"}),
    ]
    assert from_object.text == {"en": "Question QID1"}


def test_choice_order_with_ints_or_strings_orders_the_options() -> None:
    for order in ([2, 1], ["2", "1"]):
        mapped = only(qsf(question("QID1", Choices=YES_NO_OBJECT, ChoiceOrder=order)))
        assert mapped.option_keys() == ["c2", "c1"]


@pytest.mark.parametrize("flag", ["true", 1, True])
def test_a_text_box_on_a_choice_becomes_a_follow_up_text(flag: object) -> None:
    choices = {"1": {"Display": "Yes"}, "2": {"Display": "Other:", "TextEntry": flag}}
    result = import_qsf(qsf(question("QID1", "MC", "MAVR", Choices=choices)))
    parent, other = result.definition.questions
    assert parent.type == "multi_choice"
    assert (other.key, other.type, other.text) == ("q1_c2_text", "text", {"en": "Other:"})
    assert other.show_if is not None
    assert other.show_if.any_of == ["c2"]


@pytest.mark.parametrize("flag", ["false", 0, False])
def test_a_choice_without_a_text_box_has_no_follow_up(flag: object) -> None:
    choices = {"1": {"Display": "Yes"}, "2": {"Display": "Other:", "TextEntry": flag}}
    assert only(qsf(question("QID1", Choices=choices))).type == "single_choice"


def test_block_payload_as_an_object_or_a_list_gives_the_same_survey() -> None:
    questions = [question("QID1", Choices=YES_NO_OBJECT), question("QID2", "TE", "SL")]
    block = {
        "Type": "Standard",
        "ID": "BL_1",
        "BlockElements": [asked("QID2"), {"Type": "Page Break"}, asked("QID1")],
    }
    as_list = import_qsf(qsf(*questions, blocks=[block])).definition
    as_object = import_qsf(qsf(*questions, blocks={"1": block})).definition
    assert as_list == as_object
    assert [(q.key, q.new_page) for q in as_list.questions] == [("q2", False), ("q1", True)]


def matrix(answers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    rows = {"1": {"Display": "Price"}, "2": {"Display": "Quality"}}
    return question("QID1", "Matrix", "Likert", SubSelector="SingleAnswer", Choices=rows,
                    Answers=answers, **fields)  # fmt: skip


FIVE_POINTS = {str(n): {"Display": label} for n, label in enumerate("abcde", start=1)}


def test_a_five_point_likert_matrix_becomes_one_rating_per_row() -> None:
    result = import_qsf(qsf(matrix(FIVE_POINTS)))
    price, quality = result.definition.questions
    assert [(q.key, q.type) for q in (price, quality)] == [("q1_1", "rating"), ("q1_2", "rating")]
    assert (price.text, price.help) == ({"en": "Price"}, {"en": "Question QID1"})
    assert (price.low_label, price.high_label) == ({"en": "a"}, {"en": "e"})
    assert any("middle labels 'b', 'c', 'd' are dropped" in note for note in result.notes)


def test_a_seven_point_or_recoded_matrix_becomes_choices_per_row() -> None:
    seven = {str(n): {"Display": f"point {n}"} for n in range(1, 8)}
    row = import_qsf(qsf(matrix(seven))).definition.questions[0]
    assert (row.type, row.option_keys()) == ("single_choice", [f"c{n}" for n in range(1, 8)])
    reversed_scale = {str(n): str(6 - n) for n in range(1, 6)}
    row = import_qsf(qsf(matrix(FIVE_POINTS, RecodeValues=reversed_scale))).definition.questions[0]
    assert (row.type, row.option_keys()) == ("single_choice", ["c5", "c4", "c3", "c2", "c1"])


def test_sliders_map_to_ratings_only_when_they_fit_one_to_five() -> None:
    five_stars = question("QID1", "Slider", "STAR", Configuration={"StarCount": 5})
    ten_stars = question("QID2", "Slider", "STAR", Configuration={"StarCount": 10})
    one_to_five = question(
        "QID3", "Slider", "HSLIDER",
        Configuration={"CSSliderMin": 1, "CSSliderMax": 5, "NumDecimals": "0"},
    )  # fmt: skip
    percent = question(
        "QID4", "Slider", "HSLIDER", Configuration={"CSSliderMin": 0, "CSSliderMax": 100}
    )
    result = import_qsf(qsf(five_stars, ten_stars, one_to_five, percent))
    assert [(q.key, q.type) for q in result.definition.questions] == [
        ("q1", "rating"),
        ("q3", "rating"),
    ]
    assert [skip.reason for skip in result.skipped] == [
        "QID2 (Slider/STAR): a star rating with 10 stars does not fit rating 1-5",
        "QID4 (Slider/HSLIDER): a slider from 0 to 100 with 0 decimals does not fit rating 1-5",
    ]


def test_force_response_makes_a_question_required() -> None:
    forced = question("QID1", "TE", "SL", Validation={"Settings": {"ForceResponse": "ON"}})
    requested = question(
        "QID2", "TE", "SL",
        Validation={"Settings": {"ForceResponse": "ON", "ForceResponseType": "RequestResponse"}},
    )  # fmt: skip
    result = import_qsf(qsf(forced, requested))
    assert [q.required for q in result.definition.questions] == [True, False]
    assert any(note.startswith("QID2 (TE/SL): a requested") for note in result.notes)


def test_display_logic_is_dropped_with_a_note() -> None:
    logic = {
        "0": {"0": {"LogicType": "Question", "Operator": "Selected"}},
        "Type": "BooleanExpression",
    }
    result = import_qsf(qsf(question("QID1", "TE", "ML", DisplayLogic=logic)))
    assert result.definition.questions[0].show_if is None
    assert result.notes == ["QID1 (TE/ML): display logic dropped"]


def test_translations_into_our_languages_are_imported() -> None:
    translated = question(
        "QID1",
        Choices=YES_NO_OBJECT,
        Language={
            "SV": {
                "QuestionText": "Fråga",
                "Choices": {"1": {"Display": "Ja"}, "2": {"Display": "Nej"}},
            },
            "DE": {"QuestionText": "Frage"},
        },
    )
    result = import_qsf(qsf(translated, language="FI", name="Asiakaskysely Ålö – Äänestys"))
    definition = result.definition
    assert definition.key == "asiakaskysely-alo-aanestys"
    assert definition.languages == ["fi", "sv"]
    assert definition.title == {
        "fi": "Asiakaskysely Ålö – Äänestys",
        "sv": "Asiakaskysely Ålö – Äänestys",
    }
    assert definition.questions[0].text == {"fi": "Question QID1", "sv": "Fråga"}
    assert [o.text for o in definition.questions[0].options or []] == [
        {"fi": "Yes", "sv": "Ja"},
        {"fi": "No", "sv": "Nej"},
    ]
    assert "translations into DE are dropped" in result.notes


def test_trash_and_blocks_outside_the_flow_are_not_imported() -> None:
    questions = [question(f"QID{n}", "TE", "SL") for n in (1, 2, 3)]
    blocks = [
        {"Type": "Standard", "ID": "BL_a", "BlockElements": [asked("QID1")]},
        {"Type": "Standard", "ID": "BL_b", "Description": "Old", "BlockElements": [asked("QID2")]},
        {"Type": "Trash", "ID": "BL_t", "BlockElements": [asked("QID3")]},
    ]
    flow = {"Type": "Root", "Flow": [{"Type": "Standard", "ID": "BL_a"}]}
    result = import_qsf(qsf(*questions, blocks=blocks, flow=flow))
    assert keys(result) == ["q1"]
    assert "block 'Old' (BL_b) is not in the survey flow, so its questions are not imported" in (
        result.notes
    )


def test_repeated_export_tags_get_unique_keys() -> None:
    first = question("QID1", "TE", "SL")
    second = {**question("QID2", "TE", "SL"), "DataExportTag": "Q1"}
    assert keys(import_qsf(qsf(first, second))) == ["q1", "q1_2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "(file): not valid JSON"),
        ("[1, 2]", "(file): not a Qualtrics survey export (.qsf)"),
        ('{"SurveyEntry": {"SurveyName": "x"}}', "(file): not a Qualtrics survey export (.qsf)"),
        (qsf(), "(file): no question could be imported: it has no questions"),
        (
            qsf(question("QID7", "DB", "TB")),
            "(file): no question could be imported: QID7 (DB/TB): descriptive text",
        ),
        (
            qsf(question("QID1", "TE", "SL"), language="DE"),
            "SurveyEntry.SurveyLanguage: the survey is in DE",
        ),
    ],
)
def test_bad_input_is_a_clear_definition_error(text: str, message: str) -> None:
    with pytest.raises(DefinitionError) as error:
        import_qsf(text)
    assert str(error.value).startswith(message)
