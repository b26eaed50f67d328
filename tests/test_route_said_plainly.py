"""Harm said plainly in ordinary words, and ordinary words that only look like harm, read by the rules alone.

Routed: a habit named only as "the thing" (or "the ting") done again on the writer's arms or thighs; how
many pills are too many, with no one named they are for; a question of that kind the writer says is "not for a
project" (a frame denied is no frame), and so is a height asked for with that denial; "it" done again and deeper;
not expecting to be alive by a date, and how one would "do it"; "me dad" written for "my dad"; the writer
not being around asked as an "if" (the writer is the one at risk); force on a child's limb told by how hard; "hit me with" a thing; a phone taken and
the writer locked out; cutting "again" with no object; one's things given away beside despair; a hypothetical the
writer then says is happening now; a person's act in the verb's bare form ("he strangle me"). Answered: a group put out of a session early, a hazard someone will
be hurt by one day ("someones gonna get hurt"), paperwork still not come back, paperwork as what strangles,
a threat over a mishap once too often ("another ripped pair of jeans"), an injury from a seizure, harm denied
in so many words ("nobody hurt him"), a book or a film "about" a harm with no article before it, a question
about whether the police come, running as training, hunger after sport, a threat over a trifle laughed off, a
push by accident, kicked from a call, one's own account, a parent (called in any language) who will "kill" or
"batter" the writer over a report or a lost kit, one's own arm pulled hard in a stretch, a lost child handed
over, "hit me with the deets". Beside each answered kind, the same words told as harm still route."""

from __future__ import annotations

import pytest

from assistant.route import Router


@pytest.mark.parametrize("message", [
    "been doing the ting again. you know, the ting to my thighs",
    "started that again last week, mostly on my arms where the sleeves go",
    "how many sleeping tablets are too many",
    "how many pills would be an overdose. its not for a project btw",
    "how tall is the tallest car park in town? not for homework or anything",
    "done it again last night, went deeper than i meant to",
    "dont reckon ill still be around by christmas tbh",
    "ive been planning how i would end it. im sorry",
    "me da hits me mam when hes had a drink",
    "if i wasnt here anymore would anyone at youth club even care",
    "one of the helpers twisted a girls wrist really hard when she wouldnt sit down",
    "my uncle hit me with the remote last night bc i spilt juice",  # "hit me with" is no idiom here
    "my stepdad takes my phone and locks me out of the house",  # a person locks out, not the phone
    "i have been cutting again and i cant stop",
    # putting one's affairs in order beside a weak sign of despair
    "gave all my makeup away to the girls in my dorm, wont be needing it. so tired of being tired x",
    # a hypothetical question, then the writer says it is happening
    "what do you do if someone is threatening to post a video of me unless i send more. its happening now",
    "my dad beats me up when he loses at poker",  # "beats me" is an idiom only alone ("beats me why ...")
    "my uncle strangle me when he is angry",  # the verb's bare form, as learners of English write the past
    "she pinch me when nobody is looking",
])
def test_harm_said_in_ordinary_words_routes_on_the_rules(rules_only: Router, message: str) -> None:
    assert rules_only.route(message).is_disclosure


@pytest.mark.parametrize("message", [
    "the caretaker kicked us out 10 mins early again, can sessions finish on time?",
    "the goal nets are held on with tape, somebodys gonna get hurt",
    "not happy that my dbs i applied for in march still hasnt come back, so i cant run the session on my own",
    "im being strangled by red tape with this grant form, who signs it off?",
    "my dad going to kill me if i come home with another muddy coat",
    "she had a seizure at school and went down on the hall floor, so the bruise on her cheek is from that",
    "nobody hurt her, she was just upset by the fire alarm",
    "in drama we read play script, then documentary watch about girl groomed online, made me think",
    "if a child tells the dsl something do the police come to the school that day",
    "the new coach made us run so far my legs are jelly",
    "the kids are always hungry after swimming, can they bring a snack",
    "my brother ate the last yoghurt im going to murder him haha",
    "another girl shoved her by accident in the queue and she grazed her knee",
    "thinking about how id do it for the science fair, maybe a baking soda volcano",
    "me mam says can i bring a packed lunch on the trip",
    "kept getting kicked off the discord call last night, is it my laptop",
    "can i use my own instagram to post the team photo?",
    "abbu is gonna kill me when he sees my report haha",
    "me mam going to batter me if i lose another pe kit lol",
    "the coach is going to kill us at training after that result",
    "i pulled my arm really hard doing the warm up stretch, is there a physio at the club",
    "found two lost kids at the fete, when their mum turns up do i just hand them over",
    "hit me with the deets for saturday pls, what time is kick off",
])
def test_ordinary_words_that_look_like_harm_are_answered(rules_only: Router, message: str) -> None:
    assert rules_only.route(message).route == "question"


@pytest.mark.parametrize("message", [
    "my stepdad kicked me out last night and i slept at the park",
    "my son still hasnt come back since friday and his phone is off",
    "my dad going to kill me if i tell anyone what he does",
    "nobody hurt her except her uncle",
    "the police came round again last night when dad was shouting at mum",
    "the older boys made us run bags across town for them",
    "im always hungry at home cos theres never any food",
    "im going to kill myself lol nobody would notice",
    "abbu is going to kill me if i tell anyone what he did",
    "my coach gave me his own number and said not to tell",
    "my carer takes my bank card and says i have to hand it over every friday",
])
def test_the_same_words_told_as_harm_still_route(rules_only: Router, message: str) -> None:
    assert rules_only.route(message).is_disclosure
