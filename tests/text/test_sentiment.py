import pytest

from kokemus.text.sentiment import sentiment


@pytest.mark.parametrize(
    ("positive_text", "negated_text", "lang"),
    [
        ("oli hyvä", "ei ollut hyvä", "fi"),
        ("bra", "inte bra", "sv"),
        ("it was good", "it was not good", "en"),
    ],
)
def test_negation_turns_praise_into_complaint(
    positive_text: str, negated_text: str, lang: str
) -> None:
    assert sentiment(positive_text, lang).label == "positive"
    assert sentiment(negated_text, lang).label == "negative"


@pytest.mark.parametrize(
    ("text", "lang"),
    [("not bad", "en"), ("Toimitus ajallaan, ei valittamista", "fi"), ("inga problem", "sv")],
)
def test_negated_complaint_is_positive(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "positive"


def test_denial_without_sentiment_words_reads_as_a_complaint() -> None:
    assert sentiment("Paketti ei ole vieläkään tullut.", "fi").label == "negative"
    assert sentiment("Ingen svarar på mejlen.", "sv").label == "negative"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("hyvä tuote mutta toimitus kesti", "fi"),
        ("Great chair, terrible delivery time.", "en"),
        ("Bra pris men appen krånglar hela tiden.", "sv"),
    ],
)
def test_contrast_gives_mixed(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "mixed"


def test_praise_then_but_announces_a_complaint() -> None:
    assert sentiment("Hyvää palvelua mutta hinnat verrattuna nettiin.", "fi").label == "mixed"


def test_intensifier_strengthens() -> None:
    assert sentiment("tosi hyvä", "fi").score > sentiment("hyvä", "fi").score
    assert sentiment("very slow", "en").score < sentiment("slow", "en").score


def test_emojis_carry_sentiment() -> None:
    assert sentiment("Tilaus perillä 👍", "fi").label == "positive"
    assert sentiment("Tilaus perillä 😡", "fi").label == "negative"


def test_colloquial_finnish_spellings_are_understood() -> None:
    assert sentiment("sovellus on ihan surkee", "fi").label == "negative"
    assert sentiment("kiitti nopeesta toimituksesta", "fi").label == "positive"


def test_finnish_compound_takes_its_head_word() -> None:
    assert sentiment("superhyvä", "fi").label == "positive"


def test_factual_statement_is_neutral() -> None:
    assert sentiment("Vaihdoin pörssisähköön tammikuussa.", "fi").label == "neutral"
    assert sentiment("Returned a pair of sandals, got store credit.", "en").label == "neutral"


def test_score_stays_within_bounds() -> None:
    result = sentiment("Tosi tosi ihana ja upea ja mahtava!!! 😍😍😍", "fi")
    assert 0.9 < result.score <= 1.0


@pytest.mark.parametrize(
    "text", ["Appen fungerar inte.", "Personalen hjälpte inte alls.", "Jag gillar inte maten."]
)
def test_swedish_negation_after_the_verb(text: str) -> None:
    assert sentiment(text, "sv").label == "negative"


def test_text_emoticons_but_not_links_or_times() -> None:
    assert sentiment("Kiitos:)", "fi").score > sentiment("Kiitos", "fi").score
    assert sentiment("Katso https://kauppa.fi/ohjeet klo 12:30", "fi").label == "neutral"


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Olen epätyytyväinen", "fi"), ("Jag är missnöjd", "sv"), ("Very uncomfortable seats", "en")],
)
def test_a_negating_prefix_turns_praise_around(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "negative"


def test_polite_adverbs_are_not_praise() -> None:
    assert sentiment("Skicka vänligen kvittot, tydligen fattas det", "sv").label != "positive"


def test_a_plain_question_asks_but_a_why_question_complains() -> None:
    assert sentiment("Miten palautus toimii, jos pakkaus on avattu?", "fi").label == "neutral"
    assert sentiment("Miksi kukaan ei vastaa?", "fi").label == "negative"
    assert sentiment("Why is nobody answering the phone?", "en").label == "negative"
    assert sentiment("Varför betalar jag för två abonnemang?", "sv").label == "negative"


def test_a_denied_light_verb_passes_the_denial_on() -> None:
    assert sentiment("We never get any extra help.", "en").label == "negative"
    assert sentiment("Emme saa koskaan apua.", "fi").label == "negative"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I got a late payment fee even though I paid on time.", "en"),
        ("Jag fick en påminnelseavgift fast jag betalade i tid.", "sv"),
        ("Sain muistutusmaksun, vaikka maksoin ajallaan.", "fi"),
        ("My parcel went to a pickup point even though I chose home delivery.", "en"),
        ("Paketti vietiin noutopisteeseen, vaikka valitsin kotiinkuljetuksen.", "fi"),
    ],
)
def test_a_met_expectation_conceded_is_part_of_the_complaint(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "negative"


def test_what_is_conceded_counts_for_less() -> None:
    conceded = sentiment("The food was great even though the service was slow.", "en")
    assert conceded.label == "positive"
    assert conceded.score > sentiment("The food was great, the service was slow.", "en").score


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Please leave the parcel with the neighbour if I'm not home.", "en"),
        ("Vänligen skicka kvittot igen till min nya adress.", "sv"),
        ("I'd like to cancel my subscription from next month.", "en"),
    ],
)
def test_a_polite_request_asks_more_than_it_judges(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "neutral"


def test_a_denial_reaches_past_light_words() -> None:
    assert sentiment("The staff didn't seem to want to help.", "en").label == "negative"


def test_a_denial_reaches_a_phrase_after_it() -> None:
    assert sentiment("The delivery was on time.", "en").label == "positive"
    assert sentiment("The delivery was not on time.", "en").label == "negative"


def test_without_an_act_complains_but_without_a_thing_does_not() -> None:
    assert sentiment("Left the parcel without even ringing the bell.", "en").label == "negative"
    assert sentiment("Budet gick utan att ringa på.", "sv").label == "negative"
    assert sentiment("Walked in without an appointment.", "en").label == "neutral"


def test_a_denial_does_not_reach_a_phrase_further_on() -> None:
    assert sentiment("The line barely moved for half an hour.", "en").label == "negative"
    assert sentiment("It did not arrive on time.", "en").label == "negative"


def test_a_contrast_word_at_the_end_marks_the_clause_before_it() -> None:
    assert sentiment("Lovely food, a bit steep for lunch though.", "en").label == "mixed"


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Oh brilliant, the wrong size again.", "en"), ("Åh toppen, fel storlek igen.", "sv")],
)
def test_praise_that_opens_a_sarcasm_is_a_complaint(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "negative"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The broken lamp was replaced within a day, thank you!", "en"),
        ("Rikkinäinen tuoli vaihdettiin uuteen, kiitos.", "fi"),
        ("Felet åtgärdades direkt, tack!", "sv"),
        ("Hon visste direkt vad felet var och fixade det på plats.", "sv"),
    ],
)
def test_a_problem_put_right_is_praise(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "positive"


def test_a_problem_not_put_right_is_still_a_complaint() -> None:
    assert sentiment("The problem has not been fixed.", "en").label == "negative"
    assert sentiment("They fixed it but it broke again.", "en").label == "negative"


def test_a_swedish_denial_after_an_adverb_reaches_forward() -> None:
    assert sentiment("Ordern är fortfarande inte klar.", "sv").label == "negative"
    assert sentiment("Jag är fortfarande inte nöjd.", "sv").label == "negative"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ei mitään lisättävää.", "fi"),
        ("En osaa sanoa.", "fi"),
        ("Inget att tillägga.", "sv"),
        ("Vet inte.", "sv"),
        ("Nothing to add.", "en"),
        ("No.", "en"),
    ],
)
def test_an_open_question_answered_with_nothing_is_neutral(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "neutral"


@pytest.mark.parametrize(
    ("text", "lang", "label"),
    [
        ("Ei mitään huomautettavaa", "fi", "positive"),
        ("Inget att anmärka på", "sv", "positive"),
        ("Nothing works.", "en", "negative"),
        ("Ei mitään vastausta.", "fi", "negative"),
    ],
)
def test_nothing_to_fault_is_praise_and_nothing_working_a_complaint(
    text: str, lang: str, label: str
) -> None:
    assert sentiment(text, lang).label == label


@pytest.mark.parametrize(
    ("text", "label"), [("3/5", "neutral"), ("4/5", "positive"), ("2/5", "negative")]
)
def test_a_star_rating_in_the_text_centres_on_three(text: str, label: str) -> None:
    assert sentiment(f"Arvio {text}.", "fi").label == label


@pytest.mark.parametrize(
    ("text", "lang"), [("Vika korjattiin huonosti.", "fi"), ("It was fixed badly.", "en")]
)
def test_a_fix_done_badly_is_still_a_complaint(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "negative"


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Olisi voinut olla parempi.", "fi"), ("Kunde ha varit bättre.", "sv")],
)
def test_could_have_been_better_is_a_complaint(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "negative"


def test_but_after_nothing_means_only() -> None:
    assert sentiment("Nothing but praise for the team.", "en").label == "positive"


@pytest.mark.parametrize(
    ("text", "lang"),
    [("It's a shame because it used to be good.", "en"), ("Långt ifrån bra.", "sv")],
)
def test_praise_of_the_past_or_far_from_it_complains(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "negative"


def test_a_denial_reaches_a_phrase_past_light_words() -> None:
    assert sentiment("Very poor, won't be back.", "en").label == "negative"
    assert sentiment("Couldn't recommend them more highly.", "en").label == "positive"


def test_still_lets_a_denial_pass_by_but_is_no_complaint_alone() -> None:
    assert sentiment("Paketti ei ole yhä tullut.", "fi").label == "negative"
    assert sentiment("Asun yhä samassa osoitteessa.", "fi").label == "neutral"


def test_vaikka_concedes_without_a_comma_when_a_verb_follows() -> None:
    text = "Kuski jätti paketin rappuun vaikka pyysin soittamaan."
    assert sentiment(text, "fi").label == "negative"
    assert sentiment("Voin tulla vaikka huomenna.", "fi").label == "neutral"


def test_a_seam_that_came_apart_is_no_problem_solved() -> None:
    text = "Takin vetoketju jumittaa ja sauma ratkesi jo ensimmäisellä viikolla."
    assert sentiment(text, "fi").label == "negative"


def test_a_fix_followed_by_a_denial_is_no_fix() -> None:
    text = "Kolme kertaa korjattu eikä vika ole vieläkään poissa."
    assert sentiment(text, "fi").label == "negative"


def test_taking_something_seriously_is_praise() -> None:
    text = "My manager listens and takes suggestions seriously."
    assert sentiment(text, "en").label == "positive"


@pytest.mark.parametrize(
    "text", ["Jag bryr mig inte.", "De hjälpte mig inte.", "Vi hittade den inte i butiken."]
)
def test_swedish_inte_after_the_verb_and_its_pronoun_denies_the_verb(text: str) -> None:
    assert sentiment(text, "sv").label == "negative"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Visst var de trevliga, men problemet är fortfarande inte löst.", "sv"),
        ("Sure, the staff were friendly, but the problem is still not solved.", "en"),
        ("Toki myyjä oli ystävällinen, mutta ongelma ei ratkennut.", "fi"),
    ],
)
def test_what_is_granted_before_but_does_not_make_a_text_mixed(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "negative"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Bra pris, fast kvaliteten kunde varit bättre.", "sv"),
        ("Appen är bra, fast den loggar ut mig ibland.", "sv"),
        ("Tuote on hyvä, tosin aika kallis.", "fi"),
    ],
)
def test_fast_after_a_comma_and_tosin_are_but(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "mixed"


def test_fast_without_a_comma_concedes() -> None:
    assert sentiment("Vi fick vänta fast vi hade bokat.", "sv").label == "negative"


@pytest.mark.parametrize(
    ("word", "sign"),
    [
        ("jättegod", 1),
        ("urdålig", -1),
        ("toppenservice", 1),
        ("skitservice", -1),
        ("sommarkaos", -1),
    ],
)
def test_swedish_compounds_take_their_booster_or_judging_part(word: str, sign: int) -> None:
    assert sign * sentiment(f"Det var {word}.", "sv").score > 0.3


def test_a_booster_strengthens_a_short_head() -> None:
    assert sentiment("Maten var jättegod.", "sv").score > sentiment("Maten var god.", "sv").score


def test_a_contrast_weighs_against_the_nearest_judged_clause() -> None:
    assert sentiment("Personalen är toppen, lokalerna däremot slitna.", "sv").label == "mixed"


def test_utan_denies_what_follows_not_the_verb_before() -> None:
    text = "Priserna har höjts igen utan att kvaliteten blivit bättre."
    assert sentiment(text, "sv").label == "negative"


def test_of_two_phrases_as_long_the_more_literal_one_wins() -> None:
    # "kunde vara bättre" (-1) also matches "kunde varit bättre" (-1.5) through the lemma.
    text = "Bra pris, fast kvaliteten kunde varit bättre."
    assert sentiment(text, "sv").score == pytest.approx(0.0995, abs=1e-4)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Strulade lite i början men kundtjänst löste det snabbt.", "sv"),
        ("Had some trouble at first but support fixed it quickly.", "en"),
        ("Alussa oli ongelmia, mutta nyt kaikki toimii hyvin.", "fi"),
    ],
)
def test_a_problem_then_its_remedy_ends_well(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "positive"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Tack för svaret, men det löser inte mitt problem.", "sv"),
        ("Thanks for the reply, but it doesn't solve my problem.", "en"),
    ],
)
def test_thanks_before_but_are_manners(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "negative"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Maksu ei mennyt läpi ja jouduin tekemään tilauksen uudestaan.", "fi"),
        ("Det fungerade inte och jag fick börja om.", "sv"),
        ("It didn't go through and I had to start again.", "en"),
    ],
)
def test_a_denial_ends_at_and(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "negative"


@pytest.mark.parametrize(
    ("text", "lang", "label"),
    [
        ("Arrived a day earlier than promised.", "en", "positive"),
        ("Kom senare än utlovat.", "sv", "negative"),
        ("Paketti tuli odotettua nopeammin.", "fi", "positive"),
    ],
)
def test_compared_with_what_was_promised(text: str, lang: str, label: str) -> None:
    assert sentiment(text, lang).label == label


@pytest.mark.parametrize(
    ("asked", "got", "lang"),
    [
        ("Tilasin koon 40", "mutta sain 38.", "fi"),
        ("Jag beställde storlek 40", "men fick 38.", "sv"),
        ("I booked a double room", "but we got two singles.", "en"),
    ],
)
def test_but_after_what_was_asked_for_is_a_complaint(asked: str, got: str, lang: str) -> None:
    assert sentiment(f"{asked}.", lang).label == "neutral"
    assert sentiment(f"{asked} {got}", lang).label == "negative"


@pytest.mark.parametrize(
    ("verb", "adjective"),
    [("Kranen läcker.", "Maten var läcker."), ("Flaskan läcker.", "En läcker lunch.")],
)
def test_swedish_laecker_is_a_leak_unless_it_judges_food(verb: str, adjective: str) -> None:
    assert sentiment(verb, "sv").label == "negative"
    assert sentiment(adjective, "sv").label == "positive"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Gör om, gör rätt.", "sv"),
        ("There's a lot of gossip and people talk behind each other's backs.", "en"),
        ("Myyjä oli nyrpeä eikä edes katsonut silmiin.", "fi"),
    ],
)
def test_everyday_complaints_without_a_plain_complaint_word(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "negative"


def test_having_each_others_back_is_praise() -> None:
    assert sentiment("Everyone here really has each other's back.", "en").label == "positive"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ilman Villeä olisin ollut ihan hukassa.", "fi"),
        ("Kiitos avusta, ilman teitä ois menny pieleen.", "fi"),
        ("Without Sarah I would have been completely lost with the new system.", "en"),
        ("I'd have been stuck without the driver calling ahead.", "en"),
        ("Tack till Erik, utan honom hade flytten blivit en katastrof.", "sv"),
    ],
)
def test_trouble_spared_without_a_helper_is_praise(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "positive"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ilman kuittia ei voi palauttaa, olisi pitänyt kertoa.", "fi"),
        ("De hade stängt butiken utan förvarning.", "sv"),
        ("Without a receipt they would not take it back, awful.", "en"),
    ],
)
def test_without_in_a_plain_complaint_stays_a_complaint(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "negative"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Allt var bra förutom att toaletten var smutsig.", "sv"),
        ("Everything was great except the delivery took a week.", "en"),
        ("Kaikki oli hyvin paitsi että toimitus kesti viikon.", "fi"),
    ],
)
def test_praise_except_one_thing_is_mixed(text: str, lang: str) -> None:
    assert sentiment(text, lang).label == "mixed"


def test_except_opening_a_sentence_only_sets_aside() -> None:
    assert sentiment("Förutom maten var servicen bra.", "sv").label == "positive"


def test_finland_swedish_int_denies() -> None:
    assert sentiment("Personalen var int särskilt trevlig.", "sv").label == "negative"
