"""Per-language words that steer sentiment: denials, intensifiers, contrasts, requests."""

from __future__ import annotations

NEGATORS = {
    "fi": frozenset(
        "ei en et emme ette eivät eikä enkä etkä eipä älä älkää ilman eihän eikö enkö".split()
    ),
    "sv": frozenset(
        "inte int ej aldrig ingen inget inga ingenting utan knappast knappt varken icke "
        "noll".split()
    ),
    "en": frozenset(
        "not no zero never without hardly barely scarcely nobody nothing none neither nor cannot "
        "cant dont doesnt didnt wont isnt wasnt arent werent havent hasnt hadnt couldnt "
        "wouldnt shouldnt".split()
    ),
}
# "Without an appointment" denies what follows but is no complaint by itself.
WITHOUT = frozenset({"without", "utan", "ilman"})
# "Without you it would have gone wrong" praises the help: what would have happened is
# no complaint. The verbs of that would-have (the conditional in Finnish).
WOULD_HAVE = {
    "fi": frozenset(
        "olisi olisin olisit olisimme olisitte olisivat ois oisin oisit oisi olis olisko".split()
    ),
    "sv": frozenset("hade skulle vore".split()),
    "en": frozenset("would've wouldn't've couldn't've".split()),
}
# English would-haves that need the "have" after them ("we'd have missed it").
EN_WOULD = frozenset("would wouldn't couldn't i'd we'd you'd he'd she'd it'd they'd".split())
# "olisi pitänyt kertoa", "olisi voinut": what should have been done is a reproach.
FI_SHOULD_HAVE = frozenset("pitänyt pitäny pitäisi pitäis tarvinnut voinut voinu".split())
# "jotta ei" denies only what is wished for: "ettei jää aikaa" is bad, but "ettei mene
# väärään paikkaan" still worries about the wrong place.
PURPOSE_NEGATORS = {"fi": frozenset({"ettei", "jottei"})}
# Words a denial reaches past without spending its window: "didn't seem to want to help".
# "and" that joins a second statement ends a denial: in "maksu ei mennyt läpi ja jouduin
# tilaamaan uudestaan" the having-to is not denied. ("Neither ... nor" has its own
# negator: "eikä", "eller inte", "nor".)
JOINING = {
    "fi": frozenset({"ja", "sekä"}),
    "sv": frozenset({"och"}),
    "en": frozenset({"and"}),
}
PASS_THROUGH = {
    "fi": frozenset("edes yhtään kyllä".split()),
    "sv": frozenset(
        "att ens vilja ville vill verkar verkade riktigt kunde kan kunnat orkade".split()
    ),
    "en": frozenset(
        "to be been even seem seems seemed want wanted bother bothered try tried able "
        "really actually".split()
    ),
}
# "Ei mitään lisättävää", "Nothing to add", "Vet inte": an open question answered with
# nothing judges nothing, however many denials it takes to say so.
NOTHING_TO_SAY = {
    "fi": frozenset(
        "ei en mitään muuta lisättävää kommentoitavaa sanottavaa sanoa oikeastaan ole osaa "
        "tiedä tällä kertaa juuri kai no kyllä mulla minulla meillä mulle minulle".split()
    ),
    "sv": frozenset(
        "nej inte inget ingenting ingen vet att tillägga säga kommentar kommentarer mer "
        "egentligen något nåt annat just nu jag har".split()
    ),
    "en": frozenset(
        "no nope not nothing none really else to add comment comments don't dont know say "
        "n/a na at the moment right now i have that's all".split()
    ),
}
INTENSIFIERS = {
    "fi": {
        **dict.fromkeys("tosi todella erittäin aivan super supper täysin".split(), 1.5),
        **dict.fromkeys("niin kauhean hirveän älyttömän järjettömän uskomattoman".split(), 1.5),
        **dict.fromkeys("ihan kovin melkoisen varsin".split(), 1.2),
        **dict.fromkeys("aika melko vähän hieman jokseenkin".split(), 0.7),
    },
    "sv": {
        **dict.fromkeys("mycket väldigt riktigt otroligt verkligen extremt helt så".split(), 1.5),
        **dict.fromkeys("jätte super".split(), 1.5),
        **dict.fromkeys("ganska lite rätt något".split(), 0.7),
    },
    "en": {
        **dict.fromkeys(
            "very really so extremely super incredibly absolutely totally completely truly "
            "utterly highly".split(),
            1.5,
        ),
        **dict.fromkeys("quite pretty".split(), 1.2),
        **dict.fromkeys("slightly somewhat bit little".split(), 0.7),
    },
}
# A problem reported as put right ("the broken lamp was replaced") is no complaint.
RESOLVED = {
    "fi": frozenset(
        "korjattiin korjasi korjattu korjattua korjasivat ratkaistiin ratkaisi ratkaistu "
        "ratkaistua vaihdettiin hyvitettiin".split()
    ),
    "sv": frozenset(
        "löst löstes löste löser fixade fixat ersatte ersattes lagade lagat åtgärdade åtgärdat "
        "åtgärdades ordnade ordnat".split()
    ),
    "en": frozenset("fixed solved resolved sorted replaced repaired refunded".split()),
}
THANKS = {
    "fi": frozenset("kiitos kiitoksia kiitti kiittäen etukäteen jo valmiiksi paljon".split()),
    "sv": frozenset("tack på förhand i förväg så mycket tusen".split()),
    "en": frozenset("thanks thank you in advance cheers many much".split()),
}
BUT_ONLY = {"en": frozenset("nothing anything all".split())}
SV_MANNER = frozenset("dåligt slarvigt långsamt sent illa".split())
WHY = {
    "fi": frozenset("miksi miks miksei eikö".split()),
    "sv": frozenset("varför".split()),
    "en": frozenset("why".split()),
}
FI_SUBJECTS = frozenset("minä mä me he se hän ne sä sinä olen oli olin on".split())
FI_CONCESSIVE = frozenset("vaikka vaikkei vaikken vaikket vaikkemme".split())
SV_PRONOUNS = frozenset("jag du han hon den det vi ni de man".split())
# What stands between a Swedish verb and its "inte": "bryr sig inte", "hittar den inte".
OBJECT_PRONOUNS = {
    "sv": frozenset("mig dig sig oss er honom henne den det dem hen".split()),
}
REQUESTS = {
    "fi": (
        "voisitteko",
        "voitteko",
        "voisiko",
        "voiko",
        "haluaisin",
        "pyydän",
        "pyytäisin",
        "olkaa hyvä",
        "ystävällisesti",
    ),
    "sv": (
        "kan ni",
        "kan du",
        "skulle ni",
        "skulle du",
        "jag skulle vilja",
        "jag vill gärna",
        "vänligen",
        "snälla",
        "skicka gärna",
        "ring gärna",
    ),
    "en": (
        "please",
        "could you",
        "can you",
        "would you",
        "could i",
        "can i",
        "i'd like",
        "i would like",
        "i'd like to",
        "kindly",
    ),
}
CONTRAST = {
    "fi": frozenset("mutta mut kuitenkin silti toisaalta tosin".split()),
    "sv": frozenset("men dock ändå däremot".split()),
    "en": frozenset("but however although though".split()),
}
CONTRAST_AFTER_COMMA = {"sv": frozenset({"fast"})}
# "Allt var bra förutom att toaletten var smutsig": after what was said, "except" turns
# to what was not fine. Opening a sentence it only sets aside ("Förutom maten ...").
EXCEPT = {
    "fi": frozenset({"paitsi"}),
    "sv": frozenset({"förutom", "utom"}),
    "en": frozenset({"except"}),
}
# "...men nu funkar det": after a problem, "but now" tells how it ended.
NOW = {
    "fi": frozenset({"nyt", "nykyään"}),
    "sv": frozenset({"nu", "numera"}),
    "en": frozenset({"now"}),
}
# Ordering, booking, asking: a plain "but" after them says something else came ("tilasin
# koon 40 mutta sain 38", "I booked a double room but got two singles").
ASKED_FOR = {
    "fi": frozenset(
        "tilasin tilasimme tilattiin varasin varasimme varattiin pyysin pyysimme pyydettiin "
        "maksoin maksoimme valitsin valitsimme halusin halusimme".split()
    ),
    "sv": frozenset(
        "beställde beställt bokade bokat bad betalade betalat valde valt reserverade "
        "önskade ville".split()
    ),
    "en": frozenset(
        "ordered booked asked requested paid chose selected reserved wanted specified".split()
    ),
}
# Words that grant a point before a "but": "visst", "visserligen", "admittedly", "toki".
CONCEDING = {
    "fi": frozenset("toki tottakai kieltämättä sinänsä sinällään".split()),
    "sv": frozenset("visst visserligen förvisso".split()),
    "en": frozenset("sure admittedly granted".split()),
}
EMOJI_SCORES = {
    **dict.fromkeys("👍 😊 😄 😀 😃 😁 🙂 🎉 👌 💪 🤩 😍 🥰 ⭐ 🌟 👏 🙏 ✨".split(), 2.0),
    **dict.fromkeys("❤ 💕 💖 💙 💚 😘".split(), 2.5),
    **dict.fromkeys(":) :-) ;) ;-) (: <3 :D :-D".split(), 1.5),
    **dict.fromkeys("👎 😞 😢 😭 🙁 ☹ 😒 😕 😩 😫 💩".split(), -2.0),
    **dict.fromkeys("😡 😠 🤬 😤".split(), -2.5),
    **dict.fromkeys(":( :-( :/ :-/ 🙄 😬".split(), -1.5),
}
