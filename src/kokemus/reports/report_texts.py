"""What the period report says, in each language it is written in.

`col:` keys name chart and table columns and series as the chart helpers give them in
English; `metric:`, `test:`, `action:`, `signal:`, `measure:`, `status:` and `sentiment:`
keys name those codes, and `warning:` and `goal_reason:` keys say a key-driver warning and a
goal's reason from their code and params (see kokemus.reports.reasons). `{...}` are filled
in by the sections. No key is named like a dict method (items, keys, values, get...), which a
template would read as the method.
"""

from typing import Final

LANGUAGES = ("fi", "sv", "en")

TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "report_title": "Customer experience {period}",
        "sections_label": "Sections",
        "units_under": "{unit} and the units under it",
        "made": "made {when}",
        "footer": "Kokemus {version}. Charts drawn with Chart.js (MIT licence), embedded in "
        "this file; every chart's figures are in the table beside it.",
        "withheld": "withheld",
        "significant": "significant",
        "decimal_mark": ".",
        "warning:rows_dropped": "{n} rows with a missing value were left out",
        "warning:small_sample": "{n} respondents for {p} drivers: importances are unstable "
        "below {needed} (at least {min_rows}, and {per_driver} per driver)",
        "warning:constant_driver": "{driver} has the same value in every row: importance 0",
        "warning:bootstrap_skipped": "{skipped} of {resamples} resamples had a constant outcome "
        "or collinear drivers and were left out of the intervals",
        "warning:sampled_orders": "LMG estimated from {orders} random orders of the {p} drivers "
        "(exact up to {exact_limit}): importances carry some sampling noise",
        "warning:collinear_drivers": "{first} and {second} correlate at r = {r}: how their "
        "shared part is split between them is uncertain",
        "warning:high_vif": "{driver} has a variance inflation factor of {vif} (≥ {limit}): it "
        "is largely explained by the other drivers",
        "goal_reason:not_started": "starts {start}",
        "goal_reason:no_responses_yet": "no responses yet",
        "goal_reason:withheld_yet": "withheld: fewer respondents than the anonymity threshold yet",
        "goal_reason:no_responses_period": "no responses for the period",
        "goal_reason:withheld_period": "withheld: fewer respondents than the anonymity "
        "threshold for the period",
        "goal_reason:reached": "{value} reached the target {target}",
        "goal_reason:fell_short": "{value} fell short of the target {target}",
        "goal_reason:short_now": "now {value}, short of the target {target}",
        "goal_reason:short_now_late": "now {value}, short of the target {target}; the trend "
        "reaches it only late ({projected} at the end)",
        "goal_reason:trend_short": "now {value}, but the trend ends at {projected}, short of "
        "{target}",
        "goal_reason:inside_interval": "now {value}, but the target {target} is inside the "
        "interval {ci_low}..{ci_high} (n = {n})",
        "goal_reason:on_track": "now {value}, {projected} at the end; target {target}",
        "metric:nps": "NPS",
        "metric:enps": "eNPS",
        "metric:csat": "CSAT",
        "metric:stars": "Average stars",
        "metric:ces": "CES",
        "metric:expectation": "Expectation net",
        "test:adjusted_wald_z": "an adjusted-Wald z test",
        "test:two_proportion_z": "a two-proportion z test",
        "test:welch_t": "Welch's t test",
        "col:Score": "Score",
        "col:95 % interval": "95 % interval",
        "col:n": "n",
        "col:Shares": "Shares",
        "col:Change vs previous (p)": "Change vs previous (p)",
        "col:Month": "Month",
        "col:% of answers": "% of answers",
        "col:weak": "weak",
        "col:good": "good",
        "col:excellent": "excellent",
        "col:detractors": "detractors",
        "col:passives": "passives",
        "col:promoters": "promoters",
        "col:weak %": "weak %",
        "col:good %": "good %",
        "col:excellent %": "excellent %",
        "col:detractors %": "detractors %",
        "col:passives %": "passives %",
        "col:promoters %": "promoters %",
        "headline_title": "Headline scores",
        "headline_note": "{label}: {first} to {last}, compared with the period of the same "
        "length before it. n is the number of answers; the interval is where the score lies "
        "with 95 % confidence. A change is marked significant when a two-sided test gives "
        "p < 0.05 ({tests}).",
        "no_answers_either": "No answers in this period or the one before.",
        "head_metric": "Metric",
        "head_previous": "Previous",
        "head_change": "Change (p)",
        "stage": "Stage",
        "touchpoint": "Touchpoint",
        "expectation_title": "Expectations: weak, good, excellent",
        "expectation_intro": "How the experience compared with what customers expected: weak "
        "(below it), good (met it) or excellent (beyond it), in % of answers to the "
        "expectation question.",
        "expectation_none": "No expectation answers in this period.",
        "expectation_chart": "Expectation gap by touchpoint",
        "expectation_all": "All touchpoints: {summary} (n = {n}; net {net}).",
        "by_stage_title": "{metric} by journey stage",
        "by_touchpoint_title": "{metric} by touchpoint",
        "no_metric_answers": "No {metric} answers in this period.",
        "trend_title": "{metric} by month, {first} to {last}",
        "trend_none": "No {metric} answers in these months.",
        "trend_note": "Each month's change is against the month before it, where both have "
        "answers.",
        "goals_title": "Goals",
        "goals_none": "No goals for this period.",
        "organisation": "Organisation",
        "goals_caption": "Goals as of {when}",
        "goal_for": "For",
        "goal_period": "Period",
        "goal_target": "Target",
        "goal_so_far": "So far",
        "goal_projected": "Projected",
        "goal_status": "Status",
        "why": "Why",
        "status:on_track": "on track",
        "status:at_risk": "at risk",
        "status:met": "met",
        "status:missed": "missed",
        "status:not_started": "not started",
        "goals_note": "On track: the figure, the worse end of its interval and the trend to "
        "the period's end all reach the target. At risk: one of them does not. A period that "
        "has ended is met or missed on its figure.",
        "comments_title": "In customers' words",
        "comments_critical": "Most critical",
        "comments_warmest": "Warmest",
        "comments_none": "No analysed comments in this period.",
        "comments_note": "Comments as redacted when analysed; the most critical and the warmest.",
        "no_survey": "No customer survey answered in this period asks an NPS question beside "
        "other scale questions; name one with --drivers SURVEY:OUTCOME.",
        "survey_error": "Survey {survey}, outcome {outcome}: {error}",
        "drivers_title": "Key drivers",
        "theme": "theme: {name}",
        "drivers_caption": "What explains {outcome} in {survey}: % of its variance",
        "driver": "Driver",
        "explains": "Explains %",
        "share_of_r2": "Share of R² %",
        "correlation": "Correlation with the outcome",
        "variance_axis": "% of the outcome's variance",
        "left_out_rows": "; {n} left out",
        "drivers_note": "Survey {survey}: how much of {outcome} each rating and theme "
        "explains ({method}, R² = {r2}, n = {n} responses{dropped}; intervals by bootstrap). "
        "Themes count as 1 when the response's comment mentions them.",
        "moments_title": "Moments of truth",
        "action": "Action",
        "importance": "Importance %",
        "effort": "Effort",
        "top_negative": "Top negative themes",
        "moments_caption": "Touchpoints by importance for {outcome} ({survey}) and "
        "performance (CSAT)",
        "moments_note": "Importance is the touchpoint's share of R² in the key-driver "
        "analysis; performance its CSAT; effort 8 − CES (1 is the least). High importance "
        "and low performance: improve; low importance and high effort: a candidate to remove.",
        "left_out": "Left out: {touchpoint}, {reason}.",
        "no_ratings": "no ratings at it in the range",
        "one_touchpoint": "The survey rates one touchpoint only, so there is nothing to weigh "
        "it against; a survey that rates several touchpoints (--drivers SURVEY:OUTCOME) says "
        "more.",
        "action:improve": "improve",
        "action:keep": "keep",
        "action:reduce": "reduce (candidate to remove)",
        "action:monitor": "monitor",
        "sentiment:positive": "positive",
        "sentiment:negative": "negative",
        "sentiment:neutral": "neutral",
        "sentiment:mixed": "mixed",
        "journeys_title": "Journeys: paths and friction",
        "journeys_none": "No customer events at touchpoints in this period.",
        "paths_caption": "Most common paths ({n} customers)",
        "path": "Path",
        "customers": "Customers",
        "share": "Share %",
        "differences_caption": "Touchpoints on detractors' paths against promoters' "
        "({detractors} detractors, {promoters} promoters)",
        "detractors": "Detractors %",
        "promoters": "Promoters %",
        "difference": "Difference",
        "friction": "Friction",
        "signal": "Signal",
        "count": "Count",
        "out_of": "Out of",
        "signal:repeat_contact": "Repeat contact within {days} days",
        "signal:contact_after_delivery": "Contact within {days} days after a delivery",
        "signal:reopened_ticket": "Reopened tickets",
        "journeys_note": "A path is a customer's touchpoints in time order within the period; "
        "detractors' and promoters' paths run up to their latest NPS answer.",
        "link_title": "Employee and customer experience",
        "measure:enps": "eNPS",
        "measure:workday": "Workday stars",
        "measure:meeting": "Meeting stars",
        "link_withheld": "{name}: {n} units under the anonymity threshold left out.",
        "link_caption": "{name} against customer {metric} by unit",
        "unit": "Unit",
        "customer_metric": "Customer {metric}",
        "link_one_unit": "{name}: {n} unit, too few for a rank correlation.",
        "link_few_units": "{name}: {n} units, too few for a rank correlation.",
        "link_rho": "{name}: Spearman's rho {rho} (95 %: {low} … {high}) over {n} units.",
        "link_none": "No unit has both employee and customer figures in this period to compare.",
    },
    "fi": {
        "report_title": "Asiakaskokemus {period}",
        "sections_label": "Osiot",
        "units_under": "{unit} ja sen alaiset yksiköt",
        "made": "laadittu {when}",
        "footer": "Kokemus {version}. Kaaviot on piirretty Chart.js-kirjastolla "
        "(MIT-lisenssi), joka on upotettu tähän tiedostoon; jokaisen kaavion luvut ovat sen "
        "vieressä olevassa taulukossa.",
        "withheld": "ei näytetä",
        "significant": "merkitsevä",
        "decimal_mark": ",",
        "warning:rows_dropped": "Analyysistä jätettiin pois rivit, joilta puuttui jokin arvo "
        "({n} kpl)",
        "warning:small_sample": "Vastaajia {n}, selittäjiä {p}: tärkeydet ovat epävakaita, kun "
        "vastaajia on alle {needed} (vähintään {min_rows} ja {per_driver} selittäjää kohden)",
        "warning:constant_driver": "Selittäjällä {driver} on sama arvo joka rivillä, joten sen "
        "tärkeys on 0",
        "warning:bootstrap_skipped": "Bootstrap-otoksista {skipped}/{resamples} jätettiin pois "
        "väleistä, koska niissä selitettävä muuttuja oli vakio tai selittäjät olivat "
        "kollineaarisia",
        "warning:sampled_orders": "LMG arvioitiin {orders} satunnaisesta järjestyksestä, sillä "
        "selittäjiä on {p} (tarkka laskenta enintään {exact_limit} selittäjälle): tärkeyksissä "
        "on siksi jonkin verran otantavaihtelua",
        "warning:collinear_drivers": "Selittäjien {first} ja {second} korrelaatio on r = {r}, "
        "joten on epävarmaa, miten niiden yhteinen osuus jakautuu niiden kesken",
        "warning:high_vif": "Selittäjän {driver} varianssin inflaatiokerroin (VIF) on {vif} "
        "(≥ {limit}): muut selittäjät selittävät sen suurelta osin",
        "goal_reason:not_started": "alkaa {start}",
        "goal_reason:no_responses_yet": "vastauksia ei ole vielä",
        "goal_reason:withheld_yet": "ei näytetä: vastaajia on toistaiseksi alle anonymiteettirajan",
        "goal_reason:no_responses_period": "jaksolta ei ole vastauksia",
        "goal_reason:withheld_period": "ei näytetä: jakson vastaajia on alle anonymiteettirajan",
        "goal_reason:reached": "luku {value} saavutti tavoitteen {target}",
        "goal_reason:fell_short": "luku {value} jäi tavoitteesta {target}",
        "goal_reason:short_now": "nyt {value}, eli tavoite {target} ei vielä täyty",
        "goal_reason:short_now_late": "nyt {value}, eli tavoite {target} ei vielä täyty; "
        "trendin mukaan se täyttyy vasta myöhään (jakson lopussa {projected})",
        "goal_reason:trend_short": "nyt {value}, mutta trendin mukaan luku on jakson lopussa "
        "{projected} ja jää tavoitteesta {target}",
        "goal_reason:inside_interval": "nyt {value}, mutta tavoite {target} on luottamusvälin "
        "{ci_low} … {ci_high} sisällä (n = {n})",
        "goal_reason:on_track": "nyt {value}, jakson lopussa {projected}; tavoite {target}",
        "metric:nps": "NPS",
        "metric:enps": "eNPS",
        "metric:csat": "CSAT",
        "metric:stars": "Tähtien keskiarvo",
        "metric:ces": "CES",
        "metric:expectation": "Odotusindeksi",
        "test:adjusted_wald_z": "korjattu Waldin z-testi",
        "test:two_proportion_z": "kahden osuuden z-testi",
        "test:welch_t": "Welchin t-testi",
        "col:Score": "Luku",
        "col:95 % interval": "95 %:n väli",
        "col:n": "n",
        "col:Shares": "Osuudet",
        "col:Change vs previous (p)": "Muutos edelliseen (p)",
        "col:Month": "Kuukausi",
        "col:% of answers": "% vastauksista",
        "col:weak": "heikko",
        "col:good": "hyvä",
        "col:excellent": "erinomainen",
        "col:detractors": "arvostelijat",
        "col:passives": "passiiviset",
        "col:promoters": "suosittelijat",
        "col:weak %": "heikko %",
        "col:good %": "hyvä %",
        "col:excellent %": "erinomainen %",
        "col:detractors %": "arvostelijat %",
        "col:passives %": "passiiviset %",
        "col:promoters %": "suosittelijat %",
        "headline_title": "Pääluvut",
        "headline_note": "{label}: {first}–{last}, verrattuna yhtä pitkään edeltävään "
        "jaksoon. n on vastausten määrä; väli kertoo, missä luku on 95 %:n varmuudella. "
        "Muutos merkitään merkitseväksi, kun kaksisuuntainen testi antaa p < 0,05 ({tests}).",
        "no_answers_either": "Tällä jaksolla tai sitä edeltävällä ei ole vastauksia.",
        "head_metric": "Mittari",
        "head_previous": "Edellinen",
        "head_change": "Muutos (p)",
        "stage": "Vaihe",
        "touchpoint": "Kohtaamispiste",
        "expectation_title": "Odotukset: heikko, hyvä, erinomainen",
        "expectation_intro": "Miten kokemus vastasi asiakkaiden odotuksia: heikko (jäi alle), "
        "hyvä (vastasi odotuksia) tai erinomainen (ylitti ne), prosentteina "
        "odotuskysymyksen vastauksista.",
        "expectation_none": "Tällä jaksolla ei ole vastauksia odotuskysymykseen.",
        "expectation_chart": "Odotuskuilu kohtaamispisteittäin",
        "expectation_all": "Kaikki kohtaamispisteet: {summary} (n = {n}; nettoluku {net}).",
        "by_stage_title": "{metric} asiakaspolun vaiheittain",
        "by_touchpoint_title": "{metric} kohtaamispisteittäin",
        "no_metric_answers": "Tällä jaksolla ei ole {metric}-vastauksia.",
        "trend_title": "{metric} kuukausittain {first}–{last}",
        "trend_none": "Näinä kuukausina ei ole {metric}-vastauksia.",
        "trend_note": "Kunkin kuukauden muutos on verrattu edelliseen kuukauteen, kun "
        "kummallakin on vastauksia.",
        "goals_title": "Tavoitteet",
        "goals_none": "Tälle jaksolle ei ole tavoitteita.",
        "organisation": "Organisaatio",
        "goals_caption": "Tavoitteiden tilanne {when}",
        "goal_for": "Kenelle",
        "goal_period": "Jakso",
        "goal_target": "Tavoite",
        "goal_so_far": "Tähän mennessä",
        "goal_projected": "Ennuste",
        "goal_status": "Tila",
        "why": "Miksi",
        "status:on_track": "etenee tavoitteeseen",
        "status:at_risk": "vaarassa",
        "status:met": "saavutettu",
        "status:missed": "jäi saavuttamatta",
        "status:not_started": "ei alkanut",
        "goals_note": "Etenee tavoitteeseen: luku, sen välin heikompi pää ja jakson loppuun "
        "jatkuva trendi yltävät kaikki tavoitteeseen. Vaarassa: jokin niistä ei yllä. "
        "Päättyneen jakson tavoite on saavutettu tai jäänyt saavuttamatta luvun mukaan.",
        "comments_title": "Asiakkaiden sanoin",
        "comments_critical": "Kriittisimmät",
        "comments_warmest": "Lämpimimmät",
        "comments_none": "Tällä jaksolla ei ole analysoituja kommentteja.",
        "comments_note": "Kommentit sellaisina kuin ne analyysissa anonymisoitiin; "
        "kriittisimmät ja lämpimimmät.",
        "no_survey": "Yksikään tällä jaksolla vastattu asiakaskysely ei kysy NPS-kysymystä "
        "muiden asteikkokysymysten rinnalla; nimeä kysely valitsimella "
        "--drivers KYSELY:TULOS.",
        "survey_error": "Kysely {survey}, tulosmuuttuja {outcome}: {error}",
        "drivers_title": "Keskeiset selittäjät",
        "theme": "teema: {name}",
        "drivers_caption": "Mikä selittää muuttujaa {outcome} kyselyssä {survey}: % sen "
        "vaihtelusta",
        "driver": "Selittäjä",
        "explains": "Selittää %",
        "share_of_r2": "Osuus R²:sta %",
        "correlation": "Korrelaatio tulosmuuttujaan",
        "variance_axis": "% tulosmuuttujan vaihtelusta",
        "left_out_rows": "; {n} jätetty pois",
        "drivers_note": "Kysely {survey}: kuinka suuren osan muuttujasta {outcome} kukin "
        "arvio ja teema selittää ({method}, R² = {r2}, n = {n} vastausta{dropped}; välit "
        "bootstrap-menetelmällä). Teema saa arvon 1, kun vastauksen kommentti mainitsee sen.",
        "moments_title": "Totuuden hetket",
        "action": "Toimenpide",
        "importance": "Tärkeys %",
        "effort": "Vaivannäkö",
        "top_negative": "Yleisimmät kielteiset teemat",
        "moments_caption": "Kohtaamispisteet tärkeyden ({outcome}, {survey}) ja "
        "suoriutumisen (CSAT) mukaan",
        "moments_note": "Tärkeys on kohtaamispisteen osuus selittäjäanalyysin R²:sta, "
        "suoriutuminen sen CSAT ja vaivannäkö 8 − CES (1 on vähäisin). Tärkeä ja heikko: "
        "paranna. Vähämerkityksinen ja vaivalloinen: ehdokas poistettavaksi.",
        "left_out": "Jätetty pois: {touchpoint}, {reason}.",
        "no_ratings": "sille ei ole arvioita tällä jaksolla",
        "one_touchpoint": "Kysely arvioi vain yhtä kohtaamispistettä, joten sitä ei voi "
        "verrata mihinkään; useaa kohtaamispistettä arvioiva kysely (--drivers KYSELY:TULOS) "
        "kertoo enemmän.",
        "action:improve": "paranna",
        "action:keep": "säilytä",
        "action:reduce": "vähennä (ehdokas poistettavaksi)",
        "action:monitor": "seuraa",
        "sentiment:positive": "myönteinen",
        "sentiment:negative": "kielteinen",
        "sentiment:neutral": "neutraali",
        "sentiment:mixed": "ristiriitainen",
        "journeys_title": "Asiakaspolut: reitit ja kitka",
        "journeys_none": "Tällä jaksolla ei ole asiakastapahtumia kohtaamispisteissä.",
        "paths_caption": "Yleisimmät reitit ({n} asiakasta)",
        "path": "Reitti",
        "customers": "Asiakkaita",
        "share": "Osuus %",
        "differences_caption": "Kohtaamispisteet arvostelijoiden ja suosittelijoiden "
        "reiteillä ({detractors} arvostelijaa, {promoters} suosittelijaa)",
        "detractors": "Arvostelijat %",
        "promoters": "Suosittelijat %",
        "difference": "Ero",
        "friction": "Kitka",
        "signal": "Signaali",
        "count": "Määrä",
        "out_of": "Kaikkiaan",
        "signal:repeat_contact": "Uusi yhteydenotto {days} päivän sisällä",
        "signal:contact_after_delivery": "Yhteydenotto {days} päivän sisällä toimituksesta",
        "signal:reopened_ticket": "Uudelleen avatut tiketit",
        "journeys_note": "Reitti on asiakkaan kohtaamispisteet aikajärjestyksessä jakson "
        "aikana; arvostelijoiden ja suosittelijoiden reitit ulottuvat heidän viimeisimpään "
        "NPS-vastaukseensa.",
        "link_title": "Henkilöstö- ja asiakaskokemus",
        "measure:enps": "eNPS",
        "measure:workday": "Työpäivän tähdet",
        "measure:meeting": "Palaverin tähdet",
        "link_withheld": "{name}: {n} yksikköä jätetty pois, koska vastaajia on alle "
        "anonymiteettirajan.",
        "link_caption": "{name} ja asiakkaiden {metric} yksiköittäin",
        "unit": "Yksikkö",
        "customer_metric": "Asiakkaiden {metric}",
        "link_one_unit": "{name}: {n} yksikkö, liian vähän järjestyskorrelaatioon.",
        "link_few_units": "{name}: {n} yksikköä, liian vähän järjestyskorrelaatioon.",
        "link_rho": "{name}: Spearmanin rho {rho} (95 %: {low} … {high}) {n} yksikön yli.",
        "link_none": "Yhdelläkään yksiköllä ei ole tällä jaksolla sekä henkilöstön että "
        "asiakkaiden lukuja verrattavaksi.",
    },
    "sv": {
        "report_title": "Kundupplevelse {period}",
        "sections_label": "Avsnitt",
        "units_under": "{unit} och enheterna under den",
        "made": "skapad {when}",
        "footer": "Kokemus {version}. Diagrammen ritas med Chart.js (MIT-licens), inbäddat "
        "i den här filen; varje diagrams siffror finns i tabellen bredvid.",
        "withheld": "visas inte",
        "significant": "signifikant",
        "decimal_mark": ",",
        "warning:rows_dropped": "Rader där något värde saknades lämnades utanför analysen "
        "({n} st.)",
        "warning:small_sample": "Svarande: {n}, drivkrafter: {p}. Vikterna är instabila med "
        "färre än {needed} svarande (minst {min_rows} och {per_driver} per drivkraft)",
        "warning:constant_driver": "{driver} har samma värde på varje rad, så dess vikt är 0",
        "warning:bootstrap_skipped": "{skipped} av {resamples} bootstrapurval hade ett "
        "konstant utfall eller kollinjära drivkrafter och lämnades utanför intervallen",
        "warning:sampled_orders": "LMG skattades utifrån {orders} slumpmässiga ordningar av de "
        "{p} drivkrafterna (exakt beräkning upp till {exact_limit}): vikterna innehåller därför "
        "ett visst slumpbrus",
        "warning:collinear_drivers": "{first} och {second} korrelerar med r = {r}, så det är "
        "osäkert hur deras gemensamma del fördelas mellan dem",
        "warning:high_vif": "{driver} har en variansinflationsfaktor (VIF) på {vif} (≥ {limit}): "
        "den förklaras till stor del av de andra drivkrafterna",
        "goal_reason:not_started": "börjar {start}",
        "goal_reason:no_responses_yet": "inga svar ännu",
        "goal_reason:withheld_yet": "visas inte: hittills färre svarande än anonymitetsgränsen",
        "goal_reason:no_responses_period": "inga svar under perioden",
        "goal_reason:withheld_period": "visas inte: färre svarande under perioden än "
        "anonymitetsgränsen",
        "goal_reason:reached": "{value} nådde målet {target}",
        "goal_reason:fell_short": "{value} nådde inte målet {target}",
        "goal_reason:short_now": "nu {value}, målet {target} är ännu inte nått",
        "goal_reason:short_now_late": "nu {value}, målet {target} är ännu inte nått; trenden "
        "når det först sent ({projected} vid periodens slut)",
        "goal_reason:trend_short": "nu {value}, men trenden slutar på {projected} och når inte "
        "målet {target}",
        "goal_reason:inside_interval": "nu {value}, men målet {target} ligger inom "
        "konfidensintervallet {ci_low} … {ci_high} (n = {n})",
        "goal_reason:on_track": "nu {value}, {projected} vid periodens slut; mål {target}",
        "metric:nps": "NPS",
        "metric:enps": "eNPS",
        "metric:csat": "CSAT",
        "metric:stars": "Genomsnittligt antal stjärnor",
        "metric:ces": "CES",
        "metric:expectation": "Förväntningsindex",
        "test:adjusted_wald_z": "ett justerat Wald-z-test",
        "test:two_proportion_z": "ett z-test för två andelar",
        "test:welch_t": "Welchs t-test",
        "col:Score": "Värde",
        "col:95 % interval": "95 %-intervall",
        "col:n": "n",
        "col:Shares": "Andelar",
        "col:Change vs previous (p)": "Förändring mot föregående (p)",
        "col:Month": "Månad",
        "col:% of answers": "% av svaren",
        "col:weak": "svag",
        "col:good": "bra",
        "col:excellent": "utmärkt",
        "col:detractors": "kritiker",
        "col:passives": "passiva",
        "col:promoters": "ambassadörer",
        "col:weak %": "svag %",
        "col:good %": "bra %",
        "col:excellent %": "utmärkt %",
        "col:detractors %": "kritiker %",
        "col:passives %": "passiva %",
        "col:promoters %": "ambassadörer %",
        "headline_title": "Nyckeltal",
        "headline_note": "{label}: {first} till {last}, jämfört med lika lång period "
        "dessförinnan. n är antalet svar; intervallet visar var värdet ligger med 95 % "
        "säkerhet. En förändring markeras som signifikant när ett tvåsidigt test ger "
        "p < 0,05 ({tests}).",
        "no_answers_either": "Inga svar under den här perioden eller den före.",
        "head_metric": "Mått",
        "head_previous": "Föregående",
        "head_change": "Förändring (p)",
        "stage": "Fas",
        "touchpoint": "Kontaktpunkt",
        "expectation_title": "Förväntningar: svag, bra, utmärkt",
        "expectation_intro": "Hur upplevelsen stod sig mot kundernas förväntningar: svag "
        "(under dem), bra (motsvarade dem) eller utmärkt (överträffade dem), i % av svaren "
        "på förväntningsfrågan.",
        "expectation_none": "Inga svar på förväntningsfrågan under den här perioden.",
        "expectation_chart": "Förväntningsgap per kontaktpunkt",
        "expectation_all": "Alla kontaktpunkter: {summary} (n = {n}; netto {net}).",
        "by_stage_title": "{metric} per fas i kundresan",
        "by_touchpoint_title": "{metric} per kontaktpunkt",
        "no_metric_answers": "Inga {metric}-svar under den här perioden.",
        "trend_title": "{metric} per månad, {first} till {last}",
        "trend_none": "Inga {metric}-svar under de här månaderna.",
        "trend_note": "Varje månads förändring jämförs med månaden före, när båda har svar.",
        "goals_title": "Mål",
        "goals_none": "Inga mål för den här perioden.",
        "organisation": "Organisationen",
        "goals_caption": "Mål per {when}",
        "goal_for": "För",
        "goal_period": "Period",
        "goal_target": "Mål",
        "goal_so_far": "Hittills",
        "goal_projected": "Prognos",
        "goal_status": "Status",
        "why": "Varför",
        "status:on_track": "på väg mot målet",
        "status:at_risk": "i fara",
        "status:met": "uppnått",
        "status:missed": "inte uppnått",
        "status:not_started": "inte påbörjat",
        "goals_note": "På väg mot målet: värdet, intervallets sämre ände och trenden till "
        "periodens slut når alla målet. I fara: något av dem gör det inte. En avslutad "
        "period bedöms som uppnådd eller inte utifrån sitt värde.",
        "comments_title": "Med kundernas egna ord",
        "comments_critical": "Mest kritiska",
        "comments_warmest": "Varmaste",
        "comments_none": "Inga analyserade kommentarer under den här perioden.",
        "comments_note": "Kommentarerna som de maskerades vid analysen; de mest kritiska och "
        "de varmaste.",
        "no_survey": "Ingen kundenkät som besvarats under perioden har en NPS-fråga vid "
        "sidan av andra skalfrågor; ange en med --drivers ENKÄT:UTFALL.",
        "survey_error": "Enkät {survey}, utfall {outcome}: {error}",
        "drivers_title": "Viktigaste drivkrafter",
        "theme": "tema: {name}",
        "drivers_caption": "Vad som förklarar {outcome} i {survey}: % av variationen",
        "driver": "Drivkraft",
        "explains": "Förklarar %",
        "share_of_r2": "Andel av R² %",
        "correlation": "Korrelation med utfallet",
        "variance_axis": "% av utfallets variation",
        "left_out_rows": "; {n} utelämnade",
        "drivers_note": "Enkät {survey}: hur mycket av {outcome} varje bedömning och tema "
        "förklarar ({method}, R² = {r2}, n = {n} svar{dropped}; intervall med bootstrap). "
        "Ett tema räknas som 1 när svarets kommentar nämner det.",
        "moments_title": "Sanningens ögonblick",
        "action": "Åtgärd",
        "importance": "Vikt %",
        "effort": "Ansträngning",
        "top_negative": "Vanligaste negativa teman",
        "moments_caption": "Kontaktpunkter efter vikt för {outcome} ({survey}) och resultat (CSAT)",
        "moments_note": "Vikten är kontaktpunktens andel av R² i drivkraftsanalysen, "
        "resultatet dess CSAT och ansträngningen 8 − CES (1 är minst). Viktig och svag: "
        "förbättra. Oviktig och ansträngande: en kandidat att ta bort.",
        "left_out": "Utelämnad: {touchpoint}, {reason}.",
        "no_ratings": "inga bedömningar av den under perioden",
        "one_touchpoint": "Enkäten bedömer bara en kontaktpunkt, så det finns inget att "
        "väga den mot; en enkät som bedömer flera kontaktpunkter (--drivers ENKÄT:UTFALL) "
        "säger mer.",
        "action:improve": "förbättra",
        "action:keep": "behåll",
        "action:reduce": "minska (kandidat att ta bort)",
        "action:monitor": "följ upp",
        "sentiment:positive": "positiv",
        "sentiment:negative": "negativ",
        "sentiment:neutral": "neutral",
        "sentiment:mixed": "blandad",
        "journeys_title": "Kundresor: vägar och friktion",
        "journeys_none": "Inga kundhändelser vid kontaktpunkter under den här perioden.",
        "paths_caption": "Vanligaste vägarna ({n} kunder)",
        "path": "Väg",
        "customers": "Kunder",
        "share": "Andel %",
        "differences_caption": "Kontaktpunkter på kritikernas vägar jämfört med "
        "ambassadörernas ({detractors} kritiker, {promoters} ambassadörer)",
        "detractors": "Kritiker %",
        "promoters": "Ambassadörer %",
        "difference": "Skillnad",
        "friction": "Friktion",
        "signal": "Signal",
        "count": "Antal",
        "out_of": "Av",
        "signal:repeat_contact": "Ny kontakt inom {days} dagar",
        "signal:contact_after_delivery": "Kontakt inom {days} dagar efter en leverans",
        "signal:reopened_ticket": "Återöppnade ärenden",
        "journeys_note": "En väg är kundens kontaktpunkter i tidsordning under perioden; "
        "kritikernas och ambassadörernas vägar sträcker sig fram till deras senaste NPS-svar.",
        "link_title": "Medarbetar- och kundupplevelse",
        "measure:enps": "eNPS",
        "measure:workday": "Arbetsdagens stjärnor",
        "measure:meeting": "Mötets stjärnor",
        "link_withheld": "{name}: {n} enheter under anonymitetsgränsen utelämnade.",
        "link_caption": "{name} mot kundernas {metric} per enhet",
        "unit": "Enhet",
        "customer_metric": "Kundernas {metric}",
        "link_one_unit": "{name}: {n} enhet, för få för en rangkorrelation.",
        "link_few_units": "{name}: {n} enheter, för få för en rangkorrelation.",
        "link_rho": "{name}: Spearmans rho {rho} (95 %: {low} … {high}) över {n} enheter.",
        "link_none": "Ingen enhet har både medarbetar- och kundsiffror under perioden att jämföra.",
    },
}


def report_texts(language: str) -> dict[str, str]:
    return TEXTS.get(language, TEXTS["en"])
