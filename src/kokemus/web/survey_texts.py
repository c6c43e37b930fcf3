"""What the public survey pages say around the questions, in each survey language."""

from typing import Final

UI: Final[dict[str, dict[str, str]]] = {
    "fi": {
        "next": "Seuraava",
        "back": "Edellinen",
        "send": "Lähetä",
        "required": "pakollinen",
        "progress": "Sivu {page} / {pages}",
        "thanks_title": "Kiitos vastauksestasi!",
        "thanks_body": "Vastauksesi auttaa meitä parantamaan palveluamme.",
        "closed": "Tähän kyselyyn ei voi enää vastata.",
        "answered": "Olet jo vastannut tähän kyselyyn. Kiitos!",
        "not_found": "Kyselyä ei löytynyt. Tarkista linkki.",
        "errors_title": "Tarkista vastauksesi",
        "error_required": "Tähän kysymykseen tarvitaan vastaus.",
        "error_invalid": "Vastaus ei kelpaa.",
        "too_many": "Liian monta vastausta lyhyessä ajassa. Yritä hetken kuluttua uudelleen.",
        "star": "{n} tähti",
        "stars": "{n} tähteä",
        "yes": "Kyllä",
        "no": "Ei",
        "nps_low": "Erittäin epätodennäköistä",
        "nps_high": "Erittäin todennäköistä",
        "ces_low": "Erittäin vaikeaa",
        "ces_high": "Erittäin helppoa",
        "exp_1": "Paljon odotettua huonompi",
        "exp_2": "Odotettua huonompi",
        "exp_3": "Odotusten mukainen",
        "exp_4": "Odotettua parempi",
        "exp_5": "Paljon odotettua parempi",
        "choose_many": "Voit valita useita.",
        "anonymous": "Vastaat nimettömänä.",
        "language": "Kieli",
        "leave_blank": "Jätä tämä kenttä tyhjäksi",
        "open_survey": "Anna palautetta",
        "close": "Sulje",
    },
    "sv": {
        "next": "Nästa",
        "back": "Föregående",
        "send": "Skicka",
        "required": "obligatorisk",
        "progress": "Sida {page} av {pages}",
        "thanks_title": "Tack för ditt svar!",
        "thanks_body": "Ditt svar hjälper oss att bli bättre.",
        "closed": "Den här enkäten går inte längre att besvara.",
        "answered": "Du har redan svarat på den här enkäten. Tack!",
        "not_found": "Enkäten hittades inte. Kontrollera länken.",
        "errors_title": "Kontrollera dina svar",
        "error_required": "Den här frågan behöver ett svar.",
        "error_invalid": "Svaret är inte giltigt.",
        "too_many": "För många svar på kort tid. Försök igen om en stund.",
        "star": "{n} stjärna",
        "stars": "{n} stjärnor",
        "yes": "Ja",
        "no": "Nej",
        "nps_low": "Inte alls troligt",
        "nps_high": "Mycket troligt",
        "ces_low": "Mycket svårt",
        "ces_high": "Mycket lätt",
        "exp_1": "Mycket sämre än väntat",
        "exp_2": "Sämre än väntat",
        "exp_3": "Som väntat",
        "exp_4": "Bättre än väntat",
        "exp_5": "Mycket bättre än väntat",
        "choose_many": "Du kan välja flera.",
        "anonymous": "Du svarar anonymt.",
        "language": "Språk",
        "leave_blank": "Lämna det här fältet tomt",
        "open_survey": "Ge feedback",
        "close": "Stäng",
    },
    "en": {
        "next": "Next",
        "back": "Back",
        "send": "Send",
        "required": "required",
        "progress": "Page {page} of {pages}",
        "thanks_title": "Thank you for your answer!",
        "thanks_body": "Your answer helps us do better.",
        "closed": "This survey can no longer be answered.",
        "answered": "You have answered this survey already. Thank you!",
        "not_found": "The survey was not found. Please check the link.",
        "errors_title": "Please check your answers",
        "error_required": "This question needs an answer.",
        "error_invalid": "This answer is not valid.",
        "too_many": "Too many answers in a short time. Please try again in a moment.",
        "star": "{n} star",
        "stars": "{n} stars",
        "yes": "Yes",
        "no": "No",
        "nps_low": "Not at all likely",
        "nps_high": "Extremely likely",
        "ces_low": "Very difficult",
        "ces_high": "Very easy",
        "exp_1": "Much worse than expected",
        "exp_2": "Worse than expected",
        "exp_3": "As expected",
        "exp_4": "Better than expected",
        "exp_5": "Much better than expected",
        "choose_many": "You can choose several.",
        "anonymous": "You answer anonymously.",
        "language": "Language",
        "leave_blank": "Leave this field empty",
        "open_survey": "Give feedback",
        "close": "Close",
    },
}


def choose_language(
    available: list[str], asked: str | None, invited: str | None, accept_language: str | None
) -> str:
    """The switch wins, then the invitation's language, then the browser's, then the first."""
    for candidate in (asked, invited):
        if candidate in available:
            assert candidate is not None
            return candidate
    for wanted in _accepted(accept_language or ""):
        if wanted in available:
            return wanted
    return available[0]


def _accepted(header: str) -> list[str]:
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        language = tag.strip().lower()[:2]
        if language and weight > 0:
            ranked.append((-weight, position, language))
    return [language for _, _, language in sorted(ranked)]
