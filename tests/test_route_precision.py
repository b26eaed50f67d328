"""Words the rules once read as harm where a person means something ordinary, each beside the same words
told as harm, which still route: a pregnancy, nits, a toast burnt, a photo asked for, a treat withheld,
waiting outside a hall, help with homework, a throw in judo, a medicine's side effects, a cold that
"battered" the children, a threat taken back, a hacked account selling crypto, English slang that is a
Romanian word, an English word the other languages' lexicon also holds ("suicide"), work or a running drill
that "kills", an account hacked to ask friends for money, a hazard that will hurt somebody one day, a game's zombies killed,
a machine that makes the writer "want to scream", an itch one is "dying" of, hurt at rugby, staff left "exposed",
a document's "pdf", one's own family collecting one from club, a belt won at a grading, a ball touched, a toe hurt
swimming, "violated" in English, "allowed" spelt "aloud", a "news thing", a death wish of embarrassment or
the heat, a venue's want of hot water, a kick landed by accident, a hypothesis carried on by "but then", a
part of a show, a game's themes, a brother's thing the writer lost, a priest asked about, a test failed, a
Spanish "will kill me if" over a broken window, a hall locked, a "but" whose subject goes on, a telling-off
for being late, a fall off a pony; and harm the rules missed: a question of how many pills, a blade from a sharpener, "it" done
again on the writer's leg, a threat after telling, a question asked after an "if" clause, an injury done on
purpose, the people one would leave better off with someone else, a Romanian verb before its subject, a child
shut away in a room until it goes quiet, a threat after telling of what an adult does, children
harmed named without "the", a story that the writer says is theirs too, a note left for after one's death,
a chat named to hurt, name-calling in Portuguese, a home without hot water, a kick said to be an accident, a
habit kept hidden under clothes, photos of the writer passed round (Spanish), a threat on telling (Spanish)."""

from __future__ import annotations

import pytest

from assistant.route import Router


@pytest.mark.parametrize("message", [
    "do pregnant players have to sign a waiver to play",
    "I just found out I'm pregnant - will they make me take a pregnancy test to keep playing?",
    "i got nits AGAIN so mum says i cant come till theyre gone",
    "the toast at homework club is always burnt and theres never any jam left",
    "can i have a photo of me on the club facebook with my medal? my mum said ask",
    "my support worker wont let me have a takeaway tonight, she says its too late",
    "what time do they open the hall doors on sat? we always get there at 9 and have to stand outside in the rain",
    "Can my support worker come in the art room with me or does she have to wait outside in the car. She wants to watch",
    "is homework club on today? i need help with the periodic table",
    "a big brown belt threw me really hard in randori, they should put us with people the same size",
    "i hurt my elbow in randori and its all swollen so i wont be at camp tomorrow",
    "my new tablets make me dizzy so my support worker says stay in this week, sorry",
    "the kids have been absolutely battered by this cold, none of us will be at swimming",
    "if Steve gets the main part again im going to kill him lol only joking",
    "the other leaders are going to strangle me, i forgot the sausages for campfire night",
    "if my brother touches my new gi i will kill him",
    "someone hacked my insta and its posting crypto ads, how do i get it back",
    "the wifi in here is violating me, cant even load the session plan",
    "if a coach shouted at a kid would he get sacked",
    "my mum wants to know if the photos of me from the competition can be taken off the website",
    "if i have to play this scale one more time im literally throwing myself out the window",
    "photos of her on the club website from the gala",  # one phrase of two families is one sign
    # "suicide" is also in the Spanish, Portuguese, Urdu, Bengali and Ukrainian patterns, which read English
    # text too and know none of its context: a policy, a film, a running drill
    "is there a suicide prevention policy for the youth club?",
    "we watched suicide squad at the sleepover",
    "coach made us do 20 suicides at the end of training",
    "my mum is killing herself with overtime at the hospital, can dad do pick up instead?",
    "i stay in my room till it stops raining then go to training",
    "someone hacked my facebook and its messaging my friends asking for money, ignore it",
    "the way he drives that minibus somebody will get hurt one day",
    "in minecraft you have to kill all the creepers before night",
    "this printer makes me want to scream, can someone fix it before club",
    "i cant come, chickenpox, im so itchy im dying",
    "my brother got hurt at rugby on sunday so he cant come to the trip",
    "having one adult do every nappy change leaves staff exposed, can we have a second adult on the rota",
    "the consent form pdf wont open on my phone",  # "pdf" is also a code word, never beside a document's words
    "can my dad pick me up from club at 7?",
    "is it ok if my nan collects me from the session",
    "im dead tired after grading but i got my orange belt!!!",  # a grade in a martial art
    "that goal was a crime, keeper got violated",  # English "violated", not Romanian "violat"
    "is my nan aloud to take pictures of me at the grading and put them on her facebook",  # "allowed" as spelt
    "just read that news thing about the football coach who abused all them boys back in the day, does the academy do checks now?",
    "i nearly wanted to die when i tripped on stage in front of the whole school",  # embarrassment
    "im literally dying in here, its 30 degrees and the fans dont work",  # the heat
    "no hot water in the showers at the pool again, freezing",  # a venue's want, not a home's
    "a kick hit me by accident in sparring and my nose bled, can i still come thursday",
    "what if a child told you their mum hits them but then said it was a joke, would you still pass it on",
    "theres a bit in peaky blinders where kids get made to sell drugs",  # a part of a show
    "is it ok to show omori at film night? it has themes of self-harm",
    "my brother is going to kill me, i used his charger and lost it",  # the writer's own slip with his thing
    "can the priest come and see me at home on his own?",  # a faith role is one of the organisation's adults
    "if i fail my theory test again im throwing myself in the canal lol",  # a test failed
    "mi papá me va a matar si rompo otra vez la ventana",  # Spanish: my dad will kill me if I break the window again
    "we got locked out of the hall again this morning, who has the key",  # the venue's, not a home's
    # a "but" that goes on with the same subject keeps the hypothesis
    "if someone in our squad was getting bullied in the team chat but not at training would the coaches still sort it",
    "what if a boy told me his dad hits him but made me promise not to tell anyone, do i have to break that promise",
    "the coach shouted at me for being late, it was the bus not me",  # a telling-off
    "she came off her pony at the weekend and has a bruised face, she will be at rainbows though",  # an accident
    "would i be in trouble if i reported a concern about a parent and i was wrong?",  # an adult's procedure
    "will i get in trouble if i forget my gumshield again",  # trouble for a slip, not for telling
])
def test_ordinary_words_the_rules_once_read_as_harm_are_not_routed_by_the_rules(rules_only: Router, message: str) -> None:
    assert not rules_only.route(message).is_disclosure


@pytest.mark.parametrize("message", [
    "coach had us running laps for an hour n didnt even let us touch a ball",
    "hello this is Ruby I hurt my toe at swimming and it's all swollen and the doctor said no karate for two weeks",
])
def test_a_ball_touched_and_a_toe_hurt_swimming_are_answered(router: Router, message: str) -> None:
    assert router.route(message).route == "question"


def test_one_question_with_no_harm_word_takes_the_scorers_stricter_bar(router: Router) -> None:
    # Nothing told beside the question and no word of harm in it: the scorer alone, at its ordinary bar, had
    # routed it. A statement beside the same words, or "do not ..." (a statement, not a question), does not.
    assert router.route("why did prof give the corda to davi n not me i been training way longer its not fair").route == "question"
    assert router.route("dont rly wanna wake up tmrw tbh, or any day").is_disclosure


@pytest.mark.parametrize("message", [
    "im 14 and i think im pregnant",
    "i think im pregnant and im scared to tell anyone",
    "my coach got me pregnant",
    "i always have nits and nobody ever treats them",
    "i got burnt with a cigarette by my stepdad",
    "he has a photo of me in my underwear",
    "my dad wont let me have any food till he gets home",
    "my stepdad makes me stand outside in the cold for hours",
    "i need help",
    "my dad threw me against the wall",
    "he hacked my instagram and posted my photos",
    "m a violat",  # Romanian: he raped me
    "how many of mums pills do you have to take to not wake up. asking for real",
    "i did it again. the scratching thing but with the blade from my sharpener",
    "can i get plasters from the first aid box without saying what for. did it again last night on my leg, deeper this time",
    "if i tell he will kill me",
    "if my dad finds out he will kill me",
    "someone at the club SA'd me in the changing rooms",
    "if my dad hits me again will i get taken into care",
    "my mum is killing herself",
    "she keeps talking about killing herself with pills",
    "I banged my head on the wall on purpose till it bled",
    "honestly the children would be better off with their dad, i am so tired",
    "ma bate fratele cand pleaca mama",  # Romanian: my brother beats me when mum goes out
    "bate fratele cand pleaca mama",  # the same with its "ma" left out
    "when mums boyfriend starts drinking i lock myself in my room until he falls asleep",
    "i hide in the wardrobe till it goes quiet downstairs",
    "he said somebody will get hurt if i tell",
    "he says we should kill all the immigrants",
    "my stepdad makes me want to die",
    "i got hurt by my coach at training",
    "my coach is a pdf file",
    "a man i met online wants to pick me up from club",
    "can my mums boyfriend pick me up from club? he said not to tell mum",
    "my dad hurt my arm at swimming",
    "he touched me in the changing room and said it was our secret",
    "mr gary said if i tell about what he does in the toilets ill get expelled",
    "my coach abused boys in the team",  # children named without "the" or "my"
    # a story, then the writer's own ("the same happened to me")
    "in the book the dad hits the kid, my dad does the same to me",
    "we watched a film about a girl who was groomed online, the same thing happened to me",
    "i wrote a note for my little sister for when im gone",  # left for after one's death
    "they set up a group chat called kill the new girl and added me to it",  # a chat named to hurt
    "eles me chamam de macaco na escola",  # Portuguese: they call me a monkey at school
    "theres no hot water at home and mum hasnt been back for days",  # a home's want
    "he kicked me and said it was by accident but it wasnt",  # a cover story
    "what if someone told me something, but yesterday my dad hit me",  # a "but" still ends a hypothesis
    "doing the elastic band thing again only where my sleeves cover",  # a habit kept hidden
    "una chica está pasando fotos mías del vestuario a los chicos",  # Spanish: photos of me from the changing room
    "mi padrastro me va a matar si le digo a alguien",  # Spanish: a threat on telling
    "mum locked me out again last night",
    "im throwing myself in the river tonight",
    "the coach shouted at me for being late and grabbed my arm really hard",  # a telling-off and more
    "my dad screams at me every night for being late home",
    "if anyone asks i came off my bike, thats what mum said to say about the bruises",  # a cover story
    "will i get in trouble if i tell you what my uncle does",  # afraid of telling
])
def test_the_same_words_told_as_harm_still_route_on_the_rules(rules_only: Router, message: str) -> None:
    assert rules_only.route(message).is_disclosure
