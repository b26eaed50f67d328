"""Persian (Farsi and Afghan Dari) and Tamil (Sri Lankan and Indian) typed in Latin letters, as young people
type them on a phone: each disclosure routes on the rules alone and with the full router; each ordinary message is
not routed by the rules; weak signals add up only together; English text is not read as either language. The
messages are written for these tests (never copied from an evaluation set).

Persian ("Finglish"): no accents, several spellings of one word (kh or x, gh or q, o/u/oo), "mi-" joined to its verb
or not, Dari forms beside Tehrani ones, digits and asterisks inside a word, English words mixed in; the ordinary
messages are of illness, a venue, football, homework, a film, the Home Office, a figure of speech.

Tamil ("Tanglish"): no diacritics, long vowels doubled or not ("adikkiraanga", "adikiranga", "adikranga"), th/dh/t,
zh/l/z, English words with Tamil endings ("cut panren", "touch pannaru", "photo-va anuppu"); the ordinary messages
are of illness, cricket, school, tuition, food, a film, the weather, a wedding, a figure of speech.
"""

from __future__ import annotations

import pytest

from assistant.route import Router

PERSIAN_DISCLOSURES = {
    "dad-hits-me": "babam mano mizane",
    "stepdad-belt-hyphen": "napedarim hamash mano ba kamarband mi-zane",
    "dari-father-beats-me": "padarem mara lat o kob mekona",
    "hits-me-one-word-vowels-dropped": "bbam mizanatam, dg nemidunam chikar konam",
    "burned-with-a-cigarette": "babam ba sigar dastamo suzund",
    "afraid-to-go-home": "mitarsam!!! beram khune",
    "suicide-digits-for-letters": "daram be kh0dk0sh1 fekr mikonam",
    "suicide-asterisks": "mikham kh*dk*shi konam",
    "does-not-want-to-live": "dg nmikham zende basham",
    "wants-to-die-dari": "dilam mekhaya bemurum",
    "cut-with-a-blade": "dobare ba tigh dastamo boridam",
    "a-handful-of-pills": "dishab ye mosht ghors khordam",
    "touches-private-parts": "dayim be jahaye khosusim dast mizane",
    "room-at-night-then-touching": "shaba miad tu otagham va behem dast mizane",
    "emotional-wish-never-born": "mamanam hamash mige kash be donya nemiomadi",
    "neglect-no-food-for-days": "chand ruze ghaza nadarim, mamanam khune nayomade",
    "thrown-out": "dishab mano az khune birun kardan",
    "domestic-mum-beaten": "babam vaghti mast mikone mamanamo kotak mizane",
    "bullying-at-school": "bacheha tu madrese har ruz mano maskhare mikonan",
    "grooming-nude-photo": "ye mard 40 sale tu snap azam ax e lokht mikhad",
    "sextortion-my-photos": "age pul nadam 3aksamo pakhsh mikone",
    "sextortion-to-family": "ye yaru tu insta tahdid mikone axamo befreste baraye khanevadam",
    "debt-to-smugglers": "pul bedehkaram be ghachaghchi, majburam mikonan kar konam",
    "made-to-carry-drugs": "majburam mikonan mavad jabeja konam",
    "forced-marriage": "mikhan mano be zor shohar bedan tu afghanistan",
}

PERSIAN_ORDINARY = {
    "ill-absent": "salam, mariz shodam emruz nemitunam biam kelas",
    "dentist": "dandoonam dard mikone, mamanam mano mibare dandunpezeshki",
    "venue": "salon e varzeshi koja hast? adres ro mifrestin?",
    "football-goals": "dirooz football dashtim, ali do ta gol zad va 3-1 bordim",  # "zad": scored
    "ball-hit-me": "toop mano zad tu saram vaghti darvazeban budam",
    "bruise-from-football": "zanum kabood shode az football",
    "homework": "mashgham ro tamum nakardam, mishe farda bedam?",
    "food": "ghaza ye emruz kheili khoshmaze bud, merci",
    "film-died-laughing": "film e tarsnak didim, az khande mordam",
    "wifi": "dige khaste shodam az in wifi",
    "complaint": "sedaye musighi dar salon kheili boland bud, lotfan kamesh konin",
    "home-office-interview": "farda interview e home office daram, kheili mitarsam",
    "term-of-endearment": "elahi bemiram barat, kheili khoshgel shodi",  # "I'd die for you"
    "mum-will-kill-me-if-late": "mamanam mikoshatam age dir beram khune",
    "dad-is-calling": "babam zang mizane, bayad beram",
    "bursts-out-laughing": "mano ke mibine mizane zir e khande",
    "film-screened": "filmamo tu jashnvare pakhsh kardan!",
    "journey-told": "ghachaghchi mara ta faranse avord, baad omadim ingilis",
    "cut-while-cooking": "dastamo ba chaghoo boridam vaghti salad dorost mikardam",
    "worked-myself-to-death": "khodamo koshtam ta in tamrin ro tamum kardam",
    "pretended-not-to-see": "khodamo zadam be oon rah",
    "surprise-secret": "be kasi nagu, tavalod e mamaname",
    "friends-house": "mitarsam beram khune ye dustam chon sagesh bozorge",
    "afraid-of-being-told-off": "az babam mitarsam ke befahme nomre bad gereftam",
}

TAMIL_DISCLOSURES = {
    "dad-hits-me": "appa ennai daily adikiraaru",
    "they-hit-me-short-spelling": "veetla enna adikranga, enna panrathu nu theriyala",
    "stepdad-belt-hyphen": "step appa belt-aala adichaaru, kai ellam kanni pochu",
    "beaten-by-mum-habit": "amma kitta dhinamum adi vaanguren",
    "burned-with-a-spoon": "amma en kaiyila soodu vechaanga",
    "afraid-to-go-home": "veetukku poga bayama irukku, appa thanni adichittu irupaaru",
    "dad-hits-mum": "appa kudichittu vanthu ammava adikiraaru",
    "uncle-touches-wrongly": "chithappa ennai thappa thodraaru",
    "body-touched-english-verb": "maama en udamba touch pannaru",
    "room-at-night-and-secret": "raathiri en room-ku varaaru, yaarkittayum sollaatha nu solraaru",
    "cut-with-a-blade": "naan blade-aala en kaiya cut panren",
    "hurting-myself": "ennaye naan kaya paduthikiren",
    "wants-to-die": "naan saaganum, yaarukkum naan thevai illa",
    "no-wish-to-live": "uyir vaazha pidikala, sethudalam nu thonuthu",
    "no-food-for-days": "rendu naala veetla saapadu illa, amma veetukku varala",
    "thrown-out": "nethu ennai veettai vittu veliya thorathitaanga",
    "locked-in": "appa ennai room-la pootti vechaaru",
    "bullied-at-school": "school-la pasanga ennai dhinamum adikiraanga",
    "grooming-naked-photo": "insta la oru uncle dress illaama photo anuppu nu kekuraan",
    "sextortion-to-family": "kaasu kudukkalana en photos-a en family-ku anuppiduvaanaam",
    "sextortion-threat": "en pics vachu mirattuuraan",
    "made-to-sell-drugs": "ganja vikka solli force panraanga",
    "forced-marriage": "ennai 16 vayasula kalyanam panni vaikka poraanga",
}

TAMIL_ORDINARY = {
    "ill-absent": "enakku fever, innaikku class ku vara mudiyathu",
    "ill-not-eaten": "fever-nala rendu naala onnum saapdala",
    "cricket-six": "nethu match la appa six adichaaru, semma",
    "copied-in-exam": "anna exam la copy adichaan, teacher pidichitaanga",
    "phone-ringing": "phone adikuthu, appa call panraaru",
    "bored": "romba bore adikuthu, tuition eppo mudiyum?",
    "dad-will-kill-me": "maths la fail, appa enna kolla poraaru",
    "died-laughing": "padam paathu sirichu sirichu sethutten",
    "want-to-die-of-shame": "stage la vizhunthutten, vekkathula saaganum pola irukku",
    "haircut": "nethu hair cut pannikiten, nalla irukka?",
    "bunked-class": "innaikku class cut panninen, amma kitta sollatha",
    "video-edit": "naan video cut panren, photo-va anuppu",
    "sisters-wedding": "akkakku kalyanam panni vaikka poraanga, naanga India poromm",
    "parents-love-marriage": "amma appa ishtam illaama kalyanam pannikittaanga",
    "film-great": "padam mirattal, semma mass",
    "left-at-home-briefly": "amma ennai thaniya vittutu kadaikku ponaanga",
    "afraid-in-the-dark": "dark-a irukku, thaniya veetukku poga bayama irukku",
    "food-thanks": "innaikku saapadu romba nalla irunthuchu, nandri",
    "weather": "veyil romba adikuthu, session ulla thaana?",
    "tuition-scolded": "tuition sir ennai thittinaaru, homework pannala",
    "surprise": "amma birthday ku surprise, yaarkittayum sollaatha",
    "what-happened": "enna aachu? ennai yen koopteenga?",
}



def _cases(**by_language: dict[str, str]) -> list:
    return [pytest.param(message, id=f"{language}-{key}") for language, messages in by_language.items()
            for key, message in messages.items()]


@pytest.mark.parametrize("message", _cases(fa=PERSIAN_DISCLOSURES, ta=TAMIL_DISCLOSURES))
def test_disclosures_route(rules_only: Router, router: Router, message: str) -> None:
    assert rules_only.route(message).is_disclosure
    assert router.route(message).is_disclosure


@pytest.mark.parametrize("message", _cases(fa=PERSIAN_ORDINARY, ta=TAMIL_ORDINARY))
def test_ordinary_messages_are_not_routed_by_the_rules(rules_only: Router, message: str) -> None:
    # The rules only: the trained scorer and the semantic layer route some ordinary Persian and Tamil too, as they
    # do ordinary Arabic; such a message would otherwise get the English-only notice, never a policy answer.
    assert not rules_only.route(message).is_disclosure


@pytest.mark.parametrize("alone, together", [
    (["shaba miad tu otagham"], "shaba miad tu otagham, mige be kasi nagu"),  # a parent checking on a child; and a secret
    (["raathiri en room-ku varaaru", "vilaiyaadum pothu avan ennai thottaan"],  # a parent checking; tag
     "avan ennai thottaan, yaarkittayum sollaatha nu sonnaan"),
], ids=["fa", "ta"])
def test_weak_signals_add_up_only_together(rules_only: Router, alone: list[str], together: str) -> None:
    for message in alone:
        assert not rules_only.route(message).is_disclosure
    assert rules_only.route(together).is_disclosure


@pytest.mark.parametrize("prefix, messages", [
    ("fa_", ("my nan always says she'd die for a cup of tea", "can i post pics of the match in the group chat?",
             "the man in the film got hit by a car", "is the axe throwing trip still on? age 12 and up",
             "mano said the photos will be shared with families after the show")),
    ("ta_", ("my nan and anna said the photos will be shared with families", "can i cut the video for the show?",
             "the coach said a ball hit him in the match", "is the sir from the choir coming? my mama asked",
             "i want to touch up the paint before the play")),
], ids=["fa", "ta"])
def test_english_messages_are_not_read_as_persian_or_tamil(rules_only: Router, prefix: str, messages: tuple[str, ...]) -> None:
    languages = rules_only.languages  # the other languages' lexicon itself, read on every message
    for message in messages:
        hits = languages.analyse(languages.normalise(message), False).hits
        assert not [h.family for h in hits if h.family.startswith(prefix)]
