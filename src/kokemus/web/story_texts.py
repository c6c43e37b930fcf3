"""What the story wall says, in each language of the app."""

from typing import Final

TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "title": "Customer stories",
        "intro": "What customers told us, in their own words (redacted), picked to be "
        "recent, vivid and different from each other. Print this page for a team meeting.",
        "unit": "Unit",
        "touchpoint": "Touchpoint",
        "theme": "Theme",
        "days": "From the last",
        "days_option": "{days} days",
        "group_by": "Grouped by",
        "any": "All",
        "show": "Show",
        "none": "No stories in this period yet.",
        "why": "Why this one",
        "group_touchpoint": "touchpoint",
        "group_theme": "theme",
        "group_unit": "unit",
        "no_group": "Other",
    },
    "fi": {
        "title": "Asiakastarinat",
        "intro": "Mitä asiakkaat kertoivat omin sanoin (peitettynä), valittuna tuoreiksi, "
        "eläviksi ja toisistaan eroaviksi. Tulosta sivu tiimipalaveriin.",
        "unit": "Yksikkö",
        "touchpoint": "Kosketuspiste",
        "theme": "Teema",
        "days": "Viimeiset",
        "days_option": "{days} päivää",
        "group_by": "Ryhmittely",
        "any": "Kaikki",
        "show": "Näytä",
        "none": "Tältä ajalta ei ole vielä tarinoita.",
        "why": "Miksi tämä",
        "group_touchpoint": "kosketuspiste",
        "group_theme": "teema",
        "group_unit": "yksikkö",
        "no_group": "Muut",
    },
    "sv": {
        "title": "Kundberättelser",
        "intro": "Vad kunderna berättade med egna ord (maskerat), valt för att vara färskt, "
        "levande och olika. Skriv ut sidan till ett teammöte.",
        "unit": "Enhet",
        "touchpoint": "Kontaktpunkt",
        "theme": "Tema",
        "days": "De senaste",
        "days_option": "{days} dagarna",
        "group_by": "Grupperat efter",
        "any": "Alla",
        "show": "Visa",
        "none": "Inga berättelser för perioden ännu.",
        "why": "Varför den här",
        "group_touchpoint": "kontaktpunkt",
        "group_theme": "tema",
        "group_unit": "enhet",
        "no_group": "Övrigt",
    },
}
