"""The router reads what a person meant: disguised spelling, other languages, a question in front.

Each disclosure here is checked with the rule layers alone (no trained scorer), so it is the reader,
the lexicons and the clause reading that catch it, not a statistical guess; and with the full router
that ships. The messages are written for these tests (never copied from an evaluation set).
"""

from __future__ import annotations

import pytest

from assistant.route import Router
from assistant.route.english_only import language_notice
from assistant.route.reader import CodeWords, Reader, ReaderError, visual_order


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader()


# --- disguised text -------------------------------------------------------------------------------

DISGUISED = {
    "digit-for-word": "i want 2 die",
    "digits-for-letters": "my stepdad h1ts m3",
    "digit-inside-a-word": "i cut mys3lf",
    "spaced-letters": "m y s t e p d a d h i t s m e",
    "spaced-words": "m y  s t e p d a d  h i t s  m e",
    "run-together": "mystepdadhitsme",
    "cyrillic-look-alikes": "my stepd\u0430d \u04bbits m\u0435",  # Cyrillic a, shha, ie
    "greek-look-alikes": "my c\u03bfach t\u03bfuched me",  # Greek omicron
    "zero-width": "my step\u200bdad hi\u200bts me",
    "full-width": "\uff4d\uff59 \uff53\uff54\uff45\uff50\uff44\uff41\uff44 \uff48\uff49\uff54\uff53 \uff4d\uff45",
    "right-to-left-override": "my stepdad \u202estih\u202c me",  # displayed as "my stepdad hits me"
    "symbols-for-letters": "he t0uch3d m3 @nd s@id d0nt t3ll",
    "repeated-letters": "i wanna kiiiiill myselfff",
    "code-word": "i want to unalive myself",
    "three-letters-no-subject": "c.u.t again this morning",
}


@pytest.mark.parametrize("message", DISGUISED.values(), ids=DISGUISED.keys())
def test_disguised_disclosures_route_on_the_rules_alone(rules_only: Router, router: Router, message: str) -> None:
    assert rules_only.route(message).is_disclosure
    assert router.route(message).is_disclosure


def test_the_reader_turns_disguise_back_into_words(reader: Reader) -> None:
    assert reader.read("my stepdad h1ts m3").split() == ["my", "stepdad", "hits", "me"]
    assert "hits" in reader.read("h i t s").split()
    assert reader.read("mystepdadhitsme").split() == ["my", "step", "dad", "hits", "me"]
    assert reader.read("my stepd\u0430d").split() == ["my", "stepdad"]
    assert visual_order("my dad \u202estih\u202c me") == "my dad hits me"


def test_the_routers_reader_keeps_the_lexicons_own_words_whole(router: Router) -> None:
    # Rarer than the 30,000 common words, these were read as "sex tor tion" and "black mailed"; a
    # lesson about a topic then read as a sexual word, and a clause read alone lost its harm word.
    assert router.reader.read("sextortion blackmailed catfishing").split() == ["sextortion", "blackmailed", "catfishing"]
    assert router.reader.read("mystepdadhitsme").split() == ["my", "stepdad", "hits", "me"]
    assert router.route("my daughter did a lesson on sextortion at school this week, does the club do one?").route == "question"
    assert router.route("can i ask something? he blackmailed me with pics").is_disclosure


def test_a_starred_letter_a_last_digit_and_4_for_for_are_read(reader: Reader, router: Router) -> None:
    # A star hides one letter: of the vowels that make a known word, the rarest (the lexicon's words count
    # as rarest), since a star hides what a filter would catch; no vowel does, and the star goes.
    assert router.reader.read("n*des and n*dez").split() == ["nudes", "and", "nudes"]
    assert reader.read("zq*xw").split() == ["zqxw"]
    # A last digit is a letter when the word hid one already; alone it is text-speak ("b4", "gr8").
    assert reader.read("t4t4 b4t3 b4 gr8").split() == ["tata", "bate", "b4", "gr8"]
    assert reader.read("asking 4 me, thanks 4 the lift").split() == ["asking", "for", "me,", "thanks", "for", "the", "lift"]
    assert reader.read("there were 4 of us and 4 kids").split() == ["there", "were", "4", "of", "us", "and", "4", "kids"]
    # A word the frequency list lacks is not split into pieces and an ending.
    assert reader.read("my befriender").split() == ["my", "befriender"]
    assert reader.read("chickenpox").split() == ["chickenpox"]  # not "chic ke np ox"


@pytest.mark.parametrize("message", [
    "s0me1 has my n*des and wants 50 quid or he sends them to my class",
    "how do i hide the marks on my arms for swimming? asking 4 me",
    "m4 b4t3 fr4t3l3 cand pl3ac4 m4m4",  # Romanian: my brother beats me when mum goes out
])
def test_disclosures_behind_a_star_a_digit_or_4_route_on_the_rules(rules_only: Router, message: str) -> None:
    assert rules_only.route(message).is_disclosure


def test_three_spaced_letters_are_joined_only_into_a_word(reader: Reader) -> None:
    # Four spaced letters are always joined; three are also text-speak ("r u a") and initials.
    assert reader.read("c u t again").split() == ["cut", "again"]
    assert reader.read("r u a member").split() == ["r", "u", "a", "member"]
    assert reader.read("u r a star").split() == ["u", "r", "a", "star"]


@pytest.mark.parametrize("text", [
    "meet at 5pm on the 3rd in room 101",
    "the wifi password is abc123 and the code is 4471",
    "\u041c\u043e\u0439 \u043e\u0442\u0435\u0446 \u0440\u0430\u0431\u043e\u0442\u0430\u0435\u0442",  # a Russian sentence stays Russian
    "\u043c\u0430\u043c\u0430 \u0456 \u0442\u0430\u0442\u043e \u0432\u0434\u043e\u043c\u0430",  # Ukrainian words made only of letters that look Latin stay Ukrainian
])
def test_the_reader_leaves_ordinary_numbers_names_and_other_scripts_alone(reader: Reader, text: str) -> None:
    read = reader.read(text)
    assert read.split() == text.lower().split()


@pytest.mark.parametrize("message", [
    "meet at 5pm on the 3rd in room 101",
    "can we do 2 sessions a week in the summer?",
    "the zoom code is 845 221 0093, password b4ll00n",
])
def test_numbers_and_codes_in_ordinary_messages_do_not_route(router: Router, message: str) -> None:
    assert router.route(message).route == "question"


def test_every_code_word_has_a_source(tmp_path) -> None:
    assert Reader().codewords.meaning  # the shipped file loads and is not empty
    bad = tmp_path / "codewords.toml"
    bad.write_text('[[word]]\nsays = "zzq"\nmeans = "suicide"\n', encoding="utf-8")
    with pytest.raises(ReaderError):
        CodeWords.load(bad)


# --- other languages ------------------------------------------------------------------------------

OTHER_LANGUAGE_DISCLOSURES = {
    "welsh": "mae fy llystad yn fy nharo i",
    "polish": "m\u00f3j ojczym mnie bije",
    "polish-without-accents": "moj ojczym mnie bije",
    "urdu-in-latin-script": "mera abbu mujhe marta hai",
    # Arabic in Latin letters, in several dialects' spellings of the same roots
    "arabic-latin-darija-hit": "khoya lkbir kaydrebni mnin kaysker",
    "arabic-latin-digits-the-reader-would-change": "mish 3ayez a3eesh ba2a",
    "arabic-latin-grooming-signals-adding-up": "fi rajel 3ala snap 3omro 30 w b3atli robux w 2ali sir benatna",
    "arabic-latin-forced-marriage": "bidhom yjawzouni w ana 3omri 15 bas",
    "arabic-latin-self-harm": "jara7t dra3i bel shafra embare7",
    "arabic-latin-self-harm-euphemism": "ba3mel el shi 3ala dra3i kol leila",
    "arabic-latin-better-without-me": "kolshi ykoun a7san bidouni",
    "arabic-latin-exposure": "ra7 yfad7ni iza ma ba3atlo masari",
    "arabic-latin-room-at-night": "3ammi byodkhol 3ala 2odti bel leil",
    "arabic-latin-left-without-food": "3ammi biyakhod el pension bta3et teta w sabha bla akl",
    # Ukrainian and Russian, in Cyrillic and in Latin letters
    "ukrainian-stepfather-hits": "вітчим б'є мене коли п'яний",
    "ukrainian-does-not-want-to-live": "я не хочу більше жити",
    "russian-touches-me": "дядя трогает меня когда мамы нет",
    "ukrainian-in-latin-letters": "khochu pomerty, vsi mene nenavydyat",
    # Turkish, with its letters and without
    "turkish-father-hits-with-a-belt": "babam beni kemerle d\u00f6v\u00fcyor",
    "turkish-does-not-want-to-live": "artik yasamak istemiyorum",
    "turkish-photos-spread-for-money": "fotograflarimi herkese yayacakmis para istiyor",
    "turkish-forced-marriage": "yazin beni zorla evlendirecekler",
    "portuguese-cutting-again": "to me cortando de novo e ninguem sabe",
}


@pytest.mark.parametrize("message", OTHER_LANGUAGE_DISCLOSURES.values(), ids=OTHER_LANGUAGE_DISCLOSURES.keys())
def test_disclosures_in_other_languages_route(rules_only: Router, router: Router, message: str) -> None:
    assert rules_only.route(message).is_disclosure
    assert router.route(message).is_disclosure


@pytest.mark.parametrize("message", [
    "mama hat2telni law et2akhart",  # "mum will kill me if I'm late"
    "sa7bi b3atli sowar el match",  # "my friend sent me the match photos"
    "5adt el dawa w ana a7san delwa2ti",  # "I took the medicine and I'm better now"
    "baddi ru7 3al club bokra ma3 sa7bi",
    "drabt lkora b rasi w dkhlat goal",  # "I headed the ball in for a goal"
    "kaykhlini n7mel l kit dyal l equipe",  # "he has me carry the team's kit"
    "el coach da5al el vestiaire 3ashan ye2olna el score",  # "the coach came into the changing room to tell us the score"
    "el wifi 2atalni el yom",  # "the wifi killed me today"
    "minha mae vai me matar se eu perder o onibus",  # Portuguese: "mum will kill me if I miss the bus"
])
def test_ordinary_messages_in_arabic_in_latin_letters_are_not_routed_by_the_rules(rules_only: Router, message: str) -> None:
    # The rules only: the scorer, trained on two writers of Arabic, routes some ordinary Arabic too,
    # which would otherwise get the English-only notice, never a policy answer (evals/README.md).
    assert not rules_only.route(message).is_disclosure


@pytest.mark.parametrize("message", [
    "jak mog\u0119 zapisa\u0107 dziecko na zaj\u0119cia w sobot\u0119?",
    "czy mog\u0119 przyj\u015b\u0107 na spotkanie jutro o sz\u00f3stej?",
])
def test_an_ordinary_polish_question_gets_the_english_only_notice(router: Router, message: str) -> None:
    decision = router.route(message)
    assert decision.route == "language"
    assert decision.reason == "language:pl"
    notice = language_notice(decision.reason.partition(":")[2])
    assert notice.startswith("I can only answer questions in English.")
    assert "999" in notice and "Childline: 0800 1111" in notice
    assert "angielsku" in notice  # and the same words in Polish


def test_an_ordinary_ukrainian_question_gets_the_english_only_notice_in_ukrainian_too(router: Router) -> None:
    decision = router.route("коли наступне тренування з скелелазіння?")  # when is the next climbing session?
    assert decision.route == "language" and decision.reason == "language:uk"
    notice = language_notice("uk")
    assert notice.startswith("I can only answer questions in English.") and "англійською" in notice


def test_an_ordinary_turkish_question_gets_the_english_only_notice_in_turkish_too(router: Router) -> None:
    decision = router.route("cumartesi antrenman saat ka\u00e7ta ba\u015fl\u0131yor?")  # when does Saturday's training start?
    assert decision.route == "language" and decision.reason == "language:tr"
    notice = language_notice("tr")
    assert notice.startswith("I can only answer questions in English.") and "\u0130ngilizce" in notice


@pytest.mark.parametrize("message", [
    "is drama on this friday and do i need to bring my script or will you have copies? "
    "mama sako kad negaliu ateiti \u0161i\u0105 savait\u0119.",
    "sorry im late replying, i was at my nans all weekend and my phone died. "
    "ne\u017einau k\u0105 daryti, man labai blogai namuose. can we talk after rehearsal on friday",
    # Vietnamese typed without accents: many of its short words are English words too ("em", "ho", "ko"), so
    # the share of its letters in English words tells it apart where the share of its words does not.
    "em xin loi vi hom qua em khong den lop duoc. is there homework club on friday?",
])
def test_a_message_with_a_sentence_in_a_language_the_router_cannot_read_gets_the_english_only_notice(
        router: Router, message: str) -> None:
    # Mostly English, so the whole message reads as English; one sentence is Lithuanian, which the router
    # does not read. It is not treated as safe: no policy answer, the notice with 999 and Childline.
    assert router.route(message).route == "language"


@pytest.mark.parametrize("message", [
    "hi, my little brother has v\u0117jaraupiai so im off this week, sorry!",  # one word of another language
    "We went to Llanfair Caereinion for the gala. Can we bring flags next time?",  # names
    "c4n 1 br1ng my ph0ne t0 cl4ss? asking for my mum.",  # English in disguise
])
def test_a_foreign_word_a_place_name_or_disguised_english_keeps_a_message_english(router: Router, message: str) -> None:
    assert router.route(message).route == "question"


@pytest.mark.parametrize("message", [
    "cn i txt a kid on my own fone",
    "wot time r we meetin 2moro",
    "ok",
    "is the zoom on tmrw",
])
def test_english_text_speak_is_read_as_english(router: Router, message: str) -> None:
    assert router.route(message).route != "language"


@pytest.mark.parametrize("message", ["cn i txt a kid on my own fone", "cn u tell me wen club starts"])
def test_text_speak_permission_questions_are_answered(router: Router, message: str) -> None:
    # "cn" is "can": read as written, "i txt a kid on my own fone" was a statement about a child.
    assert router.route(message).route == "question"


# --- a question in front never hides a disclosure ------------------------------------------------

FRAMED = {
    "question-first": "can we take photos at the gala? my coach keeps messaging me at night and says not to tell my mum",
    "disclosure-first": "my coach keeps messaging me at night and says not to tell my mum. anyway can we take photos at the gala?",
    "in-the-middle": "what time is swimming on friday? my mums boyfriend hit me again last night. also do i need a towel",
    "policy-question-then-self-harm": "do we need a dbs check to help at the fair? i have been cutting myself again",
}


@pytest.mark.parametrize("message", FRAMED.values(), ids=FRAMED.keys())
def test_a_policy_question_never_hides_a_disclosure_in_the_same_message(rules_only: Router, router: Router,
                                                                        message: str) -> None:
    assert rules_only.route(message).is_disclosure
    assert router.route(message).is_disclosure


# --- ordinary messages that share words with disclosures ------------------------------------------

@pytest.mark.parametrize("message", [
    "hypothetically if a girl told a coach she was being bullied would the coach tell her parents",
    "the wifi kept dropping and we got kicked out of the call twice, can you send a new link",
    "we watched a film in class about a boy who got groomed online, is that something you cover?",
    "the zoom link didnt work again and we missed the start",
    "he broke his wrist on the trampoline so no football for six weeks",
    "we had an assembly about county lines today, does the club run anything like that?",
    "the wifi keeps kicking me out, is there another link",
    "I won't be at club on Tuesday, I have a dentist appointment",
    "is physical punishment allowed at club?",
    "what should i do if i am late for the session?",
    "who do i tell if my child is ill on the day?",
])
def test_questions_about_rules_and_ordinary_complaints_are_answered(router: Router, message: str) -> None:
    assert router.route(message).route == "question"


def test_asking_who_to_tell_about_a_person_of_the_family_still_routes_on_the_rules(rules_only: Router) -> None:
    assert rules_only.route("who can i tell if my uncle keeps coming in my room at night").is_disclosure


def test_a_permission_question_about_any_staff_member_is_not_a_rule_hit(rules_only: Router) -> None:
    # The rules leave it to the scorer, as for "can the coach ..."; "can my coach hit me" stays a rule hit
    # (harm, not a rule of conduct: lexicon permission_own_staff).
    assert rules_only.route("can coach follow me back on tiktok?").route == "question"
    assert rules_only.route("can our leader add me on snapchat?").route == "question"
    assert rules_only.route("can my coach hit me if i mess up?").is_disclosure


@pytest.mark.parametrize("message", [
    "is it ok for my dad to hit me?",  # a permission question about the writer's own harm is a disclosure
    "is it ok that my coach keeps messaging me at night?",
    "can my coach hit me if i mess up?",
    "i cant come tonight, im off sick because my dad hit me and my arm hurts",
    "my stepdad broke my arm",
    "quiero suicidarme",
    "can i go swimming with the cuts on my legs?",  # what the writer has is taken as fact; the asking is about gymnastics
])
def test_a_question_or_an_ordinary_frame_never_clears_the_writers_own_harm(router: Router, message: str) -> None:
    assert router.route(message).is_disclosure
