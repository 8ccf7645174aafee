"""A small grammar for user turns: goals realized as requests or questions, joined the way people join
them, with the persona, references back to earlier turns, values only the user knows, optional detail
and the odd typo.

The goal clauses come from `Speaker.intent` (phrasebook templates, or the spec when a tool has none); this
module decides the turn's structure around them. Prerequisites the user does not state (`TurnBrief.stated`
leaves them out) contribute only the values the user alone knows, as facts ("my username is 'yuki_t'").
"""

from __future__ import annotations

import random
import re
from typing import Any

from funreason_envs.synthesis.kits import Phrasebook
from funreason_envs.synthesis.language import QUOTED, Speaker, Voice, choose_alternatives
from funreason_envs.synthesis.synonyms import AFTER, BEFORE, vary
from funreason_envs.synthesis.trace import Step

# A request around one verb phrase; "{v}" is the phrase, "?" marks a question.
REQUESTS = (
    "{V}.", "Please {v}.", "I'd like you to {v}.", "I need you to {v}.", "Go ahead and {v}.",
    "{V}, please.", "Help me out and {v}.", "Would you {v} for me?", "Could you {v}?", "Can you {v}?",
    "Any chance you could {v}?", "Is it possible to {v}?", "Mind if I ask you to {v}?",
    "I was hoping you could {v}.", "When you get a moment, {v}.",
    "What I need is for you to {v}.", "Can I get you to {v}?",
    "Do me a favour and {v}.", "Would it be possible for you to {v}?", "Next on my list: {v}.",
    "My request is simple: {v}.", "If you have a second, {v}.",
    "Think you could {v}?", "Right, {v}.", "Okay, so {v}, please.",
    "How about you {v}?", "First thing today: {v}.",
    "I'd appreciate it if you could {v}.", "Your job now: {v}.",
    "I'd be grateful if you'd {v}.", "Please go ahead and {v}.", "Quick one: {v}.",
    "Please could you {v}?", "Would you be so kind as to {v}?", "I'm going to need you to {v}.",
    "If it's no trouble, {v}.", "When you can, {v}.",
    "Please {v} when you get the chance.", "{V} for me, would you?", "{V}, if you would.",
    "{V} — thanks in advance.", "Could I ask you to {v}?", "Is there any way you could {v}?",
    "Do you think you could {v}?", "Here's one for you: {v}.",
    "Would you mind if I asked you to {v}?", "I'd love it if you could {v}.", "Straightforward one: {v}.",







    "So what I'm after is this: {v}.",
    "Before anything else, {v}.",
    "Would you be able to {v}?",
    "I'm hoping you can {v}.",
    "Please, if you can, {v}.",


    "Could you take care of this: {v}?",
    "Let's see, {v}.",
    "Here's the thing: I need you to {v}.",
    "If possible, {v}.",
    "Your help please: {v}.",
    "I was wondering if you could {v}.",


    "Alright, {v}.",
    "Can you do something for me and {v}?",
    "It would help a lot if you could {v}.",

    "I'd like to get this done: {v}.",
    "Be a star and {v}.",
    "Simple request: {v}.",
    "Could you {v} today?",
    "Can you just {v}?",
    "So, {v}.",




    "Are you able to {v}?",

    "Let me ask you to {v}.",
    "Could you sort this out: {v}?",
    # more frames, in other words than the ones above (wording variety is what distinct-2 counts)
    "I've been meaning to ask: could you {v}?", "Would you kindly {v}?", "Might you be able to {v}?",
    "Perhaps you could {v}.", "The main thing today is this: {v}.", "Here's my ask: {v}.",
    "Top of my list is to {v}.", "If you wouldn't mind, {v}.", "Whenever you're ready, {v}.",
    "I'd really like you to {v}.", "It'd be great if you could {v}.", "It'd be handy if you could {v}.",
    "Ideally, you'd {v}.", "All I need right now is for you to {v}.", "One job for you: {v}.",
    "Can I trouble you to {v}?", "Is it much bother to {v}?", "Could you kindly {v}?",
    "I'm counting on you to {v}.", "Can you handle this for me: {v}?",
    "Here's what I'm after: {v}.", "The plan is for you to {v}.", "Let's have you {v}.",
    "Over to you: {v}.", "My first ask: {v}.", "Would you please {v}?", "Kindly {v}.",
    "Do you mind if I get you to {v}?", "I'd like for you to {v}.", "Can you {v} for me, please?",
    "Could you please {v}?", "Pretty please, {v}.", "You'd be saving me a headache if you could {v}.",
    "Can you give me a hand and {v}?", "There's one thing I can't face doing myself: {v}.",
    "I need a favour: {v}.", "If you'd be so good, {v}.",
    "I could use your help to {v}.", "Would you be a dear and {v}?", "Let me put it simply: {v}.",
    "Let's get going: {v}.", "What I'd like is for you to {v}.",
    "Please take a moment to {v}.", "If it's easy for you, {v}.", "My one request: {v}.",
    "Could you do me a kindness and {v}?", "Right then, {v}.", "Okay then, please {v}.",
    "Can you manage to {v}?", "I'd be thrilled if you could {v}.", "Be so kind as to {v}.",
    "It'd mean a lot if you could {v}.", "Any way you could {v}?", "Would you care to {v}?",
    "Here goes: {v}.", "Without further ado, {v}.", "Just one thing: {v}.",
)  # fmt: skip
# Joins of two verb phrases in calling order; "{w}" is the first one already wrapped as a request
# (without its final mark), "{v}" the second phrase. None is conditional ("if that works, ..."): the
# assistant may send both calls in one message, which would not wait to see whether the first worked.
JOINS = (
    "{w}, then {v}.", "{w}. After that, {v}.", "{w}. Once that's done, {v}.", "{w} before you {v}.",
    "{w}; when that's finished, {v}.", "{w}. I'd also like you to {v}.", "{w}, and once you have, {v}.",
    "{w} — and while you're at it, {v}.", "{w}. Next, {v}.", "{w}, and afterwards {v}.",
    "{w}. Could you also {v}?", "{w}. With that in place, {v}.",
    "{w}. When you're done with that, please {v}.", "{w}, followed by this: {v}.",
    "{w}. The second thing: {v}.", "{w}, and after that {v}.",
    "{w}. That done, {v}.", "{w}. Straight after, {v}.", "{w}. On top of that, {v}.",
    "{w}, and {v} too.", "{w}. Also, {v}.", "{w}; also {v}.", "{w}. And while you're on it, {v}.",
    "{w}. Oh, and {v}.", "{w}. Then I'd like you to {v}.", "{w}. After you've done that, {v}.",
    "{w}. Following that, {v}.", "{w}. Last thing: {v}.", "{w}, then go on to {v}.",
    "{w}. My other request: {v}.", "{w}. Once it's sorted, {v}.", "{w}, and when that's sorted, {v}.",
    "{w}. Could you then {v}?", "{w}. Then please {v}.", "{w}. Next up: {v}.",
    "{w}. When that's through, {v}.", "{w}. One more thing: {v}.", "{w}, plus {v}.",


    "{w}. Straight after that, {v}.",


    "{w}. After it's done, {v}.",
    "{w}; next, {v}.",
    "{w}. Next I'd like you to {v}.",
    "{w}. Then, please, {v}.",
    "{w}. Second thing: {v}.",


    "{w}. And after that, {v}.",
    "{w}, and next {v}.",
    "{w}. Finally, {v}.",
    "{w}. When it's ready, {v}.",
    "{w}; then {v}.",
    "{w}. Afterwards, please {v}.",
    "{w}. Once it's through, {v}.",
    "{w}. After that's finished, could you {v}?",
    "{w}. Once you've got that, {v}.", "{w}, and with that out of the way, {v}.", "{w}. Step two: {v}.",
    "{w}. Then we can move on: {v}.", "{w}. When you've got it, {v}.",
    "{w}; after which, {v}.", "{w}. Later, {v}.", "{w}, then carry on and {v}.",
    "{w}. Right after that one, {v}.", "{w}. Then the other bit: {v}.", "{w}. Now, the follow-on: {v}.",
    "{w}, and subsequently {v}.", "{w}. Hot on its heels, {v}.", "{w}. And to wrap up, {v}.",
    "{w}. The last piece is to {v}.", "{w}. With that settled, {v}.", "{w}. And once that's in, {v}.",
    "{w}. Beyond that, {v}.", "{w}. Secondly, {v}.", "{w}. Next step: {v}.",
    "{w}. In the same go, {v}.", "{w}, and in the same breath, {v}.", "{w}. Also, if you can, {v}.",
    "{w}. On the back of that, {v}.", "{w}. Once you're happy with that, {v}.",
    "{w}. While you're in there, {v}.",
)  # fmt: skip
# Openers of a later turn that point back at what just happened (one clause with the request).
LISTS = (
    "First {l}.", "A few things, in this order: {l}.", "Could you {l}?", "Please {l}.", "I need you to {l}.",
    "Here's the plan: {l}.", "{L}.", "Can you {l}, in that order?",
    "Could you do the following: {l}?", "Please take care of these in order: {l}.",
    "Here's what I need: {l}.",
    "I'd like you to {l}.", "Would you {l}?", "In order, please: {l}.", "My list for you today: {l}.",
)  # fmt: skip
FOLLOW_UPS = (
    "Now that that's done, {r}", "Thanks for that. {R}", "Following up on that, {r}", "Okay, good. {R}",
    "Building on what you just did, {r}", "That looks right. {R}", "Perfect, that helps. {R}",
    "Great, so with that sorted, {r}", "Alright, next thing related to that: {r}",
    "Got it, thanks. {R}", "Since you're already in there, {r}",
    "Nice one. {R}", "Thanks, that worked. {R}", "Okay, that's sorted. {R}", "Good, moving on: {r}",
    "While we're at it, {r}", "That's helpful. {R}", "Cool. {R}", "All right, one more thing: {r}",
    "Appreciate it. {R}", "Perfect. Now {r}", "Good to know. {R}", "Right, on to the next bit: {r}",

    "Brilliant, thanks. {R}",
    "Thanks, that's exactly what I needed. {R}",
    "Okay, I see. {R}",
    "Hmm, interesting. {R}",
    "Oh good. {R}",
    "Right, that makes sense. {R}",
    "Lovely. {R}",
    "Nice, thank you. {R}",
    "Okay, noted. {R}",
    "Fab. {R}",
    "Thanks a lot. {R}",
    "That's a relief. {R}",
    "OK, understood. {R}",
    "Sounds good. {R}",
    "Got it. Next, {r}",
    "Thank you! {R}",
    "Ah, okay. {R}",
    "Super, thanks. {R}",
    "Good, that's done then. {R}",
    "Okay, and now {r}",
    "Perfect, thank you so much. {R}",
    "Now, {r}",
    "Next, {r}",
    "Thanks. Now that I know that, {r}",
    "With that out of the way, {r}",
    "Super helpful. {R}", "Okay, that answers it. {R}", "Right, I'm with you. {R}", "Cheers. {R}",
    "Oh nice, that was quick. {R}", "Good, that clears that up. {R}", "Wonderful. {R}",
    "Okay, so that's the answer. {R}", "Interesting, I didn't expect that. {R}", "Ah, that explains it. {R}",
    "Well, that's one thing off the list. {R}", "Good, one down. {R}", "Handy, thanks. {R}",
    "Perfect timing. {R}", "Hm, alright. {R}", "That's what I thought. {R}", "Okay, fair enough. {R}",
    "Oh, that's useful. {R}", "Right, understood. {R}", "Great stuff. {R}", "Marvellous. {R}",
    "Ta, that's helpful. {R}", "Excellent, thanks. {R}", "Ok, that's clear now. {R}",
    "Much better. {R}", "That works nicely. {R}", "Thanks, that settles it. {R}",
    "That's a weight off my mind. {R}", "Oh, good to see. {R}", "Got it, good. {R}",
    "Okay. Building on that, {r}", "Thanks. Given that, {r}", "Right. In light of that, {r}",
    "Alright then. {R}", "Lovely, that's sorted. {R}", "So far so good. {R}", "Neat. {R}",
)  # fmt: skip
FACTS = (
    "{F}.", "In case you need it, {f}.", "For the record, {f}.", "You'll need my details: {f}.",
    "If it asks, {f}.", "Just so you know, {f}.", "({F}.)", "Oh, and {f}, if that matters.",
    "Should you need them: {f}.", "I think {f}.", "From memory, {f}.", "Details, in case: {f}.",
    "Here are my details: {f}.", "You might need this: {f}.", "Before I forget, {f}.", "For reference, {f}.",
    "In case it's needed, {f}.", "{F}, by the way.", "Oh, {f}.",
    "You may need to know that {f}.", "One detail: {f}.", "If it helps, {f}.", "For what it's worth, {f}.",
    "Just in case it comes up, {f}.", "Worth knowing: {f}.", "So you have it, {f}.",
)  # fmt: skip
LISTED_FACTS = (
    "Details:", "My details:", "Login details:", "You'll need these:", "For the login:", "Credentials:",
    "In case it asks:", "Here's what you'll need:", "The details are",
    "Account details:", "What you'll need to get in:", "My sign-in:", "Use these:",
)  # fmt: skip
UNCOVERED = (
    "{M}.",
    "Oh, and {m}.",
    "By the way, {m}.",
    "({M}.)",
    "Note that {m}.",
    "Also, {m}.",
    "Mind that {m}.",
)
# Asides any user may add, whatever the domain (a kit's own `details` are drawn as often).
ASIDES = (
    "I'm on my [lunch|coffee|tea] break, so quick is good.",
    "My phone is [about to die|on 3%|overheating in the sun].",
    "Sorry if this is a bit [scattered|all over the place|rushed].",
    "I'm doing this between [two meetings|school pick-ups|a dentist appointment and a haircut].",
    "It's been a [long|strange|very long] week.",
    "My colleague usually handles this[, but she's off|, but he's away|].",
    "I'm writing from the [airport lounge|waiting room at the garage|back of a taxi].",
    "I promised to get this done today.", "Thanks for bearing with me.", "I'm still half asleep.",
    "The [wifi|signal|connection] here is patchy.", "My manager asked me to sort it out.",
    "I'm not very technical, sorry.", "It's for a family thing this weekend.",
    "I keep forgetting to do this.", "I'd rather not do it by hand.",
    "This has been on my list for [days|a week|far too long].", "My partner reminded me this morning.",
    "I'm at the kitchen table with a [coffee|cold tea|slice of toast].",
    "It's raining, so I finally have time.", "I need it before the end of the day.",
    "Last time I tried myself it went wrong.", "The cat just walked across my keyboard, sorry.",
    "I've got a [dentist|doctor's|hair] appointment in an hour.", "My neighbours are drilling again.",
    "I'm on the bus, so forgive any typos.", "Honestly, I should have done this last week.",
    "The kids are finally asleep.", "I'm waiting for a parcel that was due yesterday.",
    "My glasses are somewhere in the other room, so bear with me.",
    "There's a power cut on our street, so I'm on my laptop battery.", "I'm sitting in a very cold library.",
    "The dog needs walking soon.", "My tea has gone cold while I figured out what to ask.",
    "I've been putting this off since the holidays.",
    "I'm recovering from a cold, so my head is a bit foggy.",
    "I only just got home from a twelve-hour shift.", "We have builders in the house this week.",
    "I'm at my parents' place and their internet is ancient.",
    "I just finished a very long run, so I'm slow today.", "The football is on in the background.",
    "I'm in a queue at the post office.", "My daughter is doing her homework next to me.",
    "Someone is mowing the lawn right outside my window.", "I've had about four coffees already.",
    "This is the last thing on my list before the weekend.", "It's my day off, technically.",
    "I'm writing this on my tablet, which autocorrects everything.",
    "My landlord is coming round later to fix the boiler.", "I haven't had breakfast yet.",
    "I'm sitting in the car waiting for my son's practice to finish.",
    "The office is empty today; everyone's at a training day.",
    "My flatmate is cooking something that smells amazing.",
    "I'm trying to clear my inbox before I go on holiday.", "The heating's broken, so I'm typing in gloves.",
    "I'm at a wedding reception and sneaking a minute.", "My laptop fan sounds like a jet engine.",
    "I'm on a night shift, so apologies for the hour.",
    "We just moved house and everything is still in boxes.", "I'm babysitting my niece this afternoon.",
    "There's a thunderstorm outside and the lights keep flickering.",
    "I'm in a hotel room with terrible lighting.", "I'm trying to get this done before my yoga class.",
    "My mum keeps calling about Sunday lunch.", "I've just come back from the gym.",
    "The printer at work ate my notes, so I'm doing this from memory.",
    "I'm sitting in a hospital waiting room, long story.", "I'm on a ferry and the signal comes and goes.",
    "I promised myself I'd deal with admin on Sundays.",
    "I've got a sandwich in one hand, sorry for any mistakes.",
    "It's my birthday, so I'd like to get this out of the way.",
    "I'm at the garden centre, believe it or not.", "My new keyboard takes some getting used to.",
    "The train is packed and I'm standing.", "I'm helping my neighbour move a sofa in ten minutes.",
    "The baby just fell asleep on me, so I'm typing with one thumb.",
    "I've been staring at this screen all morning.", "I'm watching a cooking show while I do this.",
    "Our team meeting got cancelled, so I finally have a free hour.",
    "I've got friends coming for dinner at seven.", "I'm sitting on a park bench in the sun.",
    "I just got off a very long phone call.", "My bike has a flat tyre, so I'm working from home.",
    "It's snowing here, which never happens.", "I'm at the laundrette waiting for the dryer.",
    "Our fridge broke this morning, so it's been a day.", "I'm volunteering at the school fair later.",
    "My sister is staying with us this week.", "The neighbours' dog has been barking for an hour.",
    "I'm wearing my reading glasses for once.",
    "I'm [perched on a stool|standing at the counter|sitting on the stairs] at [my sister's|a "
    "friend's|my aunt's] place.",
    "Our [boiler|washing machine|dishwasher] [packed in|started leaking|made a terrible noise] this "
    "morning, so I'm a bit frazzled.",
    "I'm squeezing this in before [choir practice|five-a-side|my pottery class|parents' evening].",
    "The [toddler|puppy|kitten] is [chewing my charger|asleep on my feet|demanding attention], so "
    "forgive me.",
    "I've got [a stack of marking|three loads of laundry|a pile of invoices] waiting after this.",
    "It's the first [sunny|quiet|free] afternoon I've had in [ages|weeks|a month].",
    "I'm jotting this down on a [borrowed laptop|library computer|work tablet].",
    "My [knee|back|wrist] is playing up, so I'm not moving from this chair.",
    "I've [just|only just] [finished|wrapped up] a [double shift|marathon meeting|long drive], so go "
    "easy on me.",
    "The radiator in here [clanks|hisses|rattles] every few minutes.",
    "I'm house-sitting for [friends|a neighbour|my uncle] and their wifi name is a joke.",
    "My [allergies|hay fever|cold] is [terrible|awful|flaring up] today.",
    "We've got [relatives|in-laws|old university friends] arriving [tomorrow|on Friday|tonight].",
    "I [spilled coffee on|dropped|cracked the screen of] my [other laptop|phone|tablet] earlier, so "
    "this is plan B.",
    "There's [a fox|a pigeon|a squirrel] staring at me through the window.",
    "I'm [half way|halfway] through [packing for a trip|painting the hallway|assembling a wardrobe].",
    "I [forgot|lost] my [notebook|reading glasses|usual charger] at work, so bear with me.",
    "The [café|canteen|lounge] I'm in is playing [jazz|eighties pop|the same song] on repeat.",
    "It's [quiz night|bin day|pay day] here, so I'm a bit distracted.",
    "My [grandmother|grandad|great-aunt] just called to ask how to use video chat.",
    "I'm trying [a new standing desk|a new chair|a new mouse] and it's not going well.",
    "I've [two|three|four] browser tabs of [recipes|holiday rentals|job ads] open, ignore me.",
    "Someone in the flat upstairs is [learning the trumpet|practising drums|hoovering] again.",
    "I'm [on hold with|waiting on] the [bank|council|insurer] in the other window.",
    "I [nearly|almost] forgot about this until [my calendar pinged|a colleague mentioned it|I saw a "
    "sticky note].",
    "It's [freezing|boiling|muggy] in the office today.",
    "I [keep|kept] putting this off, [if I'm honest|to be fair|I admit].",
    "My [car|van|scooter] is in the garage, so I'm stuck at home anyway.",
    "I've been [on calls|in spreadsheets|on the phone] since [eight|seven|breakfast].",
    "I'm typing with [cold hands|a bandaged finger|a very sticky keyboard].",
    "The lights in our building [went out|flickered|buzzed] twice already.",
    "[Rain|Hail|Wind] is hammering the windows as I type.",
    "My [son|daughter|nephew] wants the laptop back in ten minutes.",
)  # fmt: skip
# Lead-ins of a request that follows a first question ("What's my balance? Then ...").
AFTER_QUESTION = (
    "Then", "After that,", "Once that is done,", "Then please", "Next,",
    "Also,", "Then I'd like you to", "Afterwards,", "Once I know that,", "With that answered,",
    "Then go on to", "After you've checked,",
)  # fmt: skip
# Lead-ins of a direct question that follows a first request ("Also, what's my balance?").
SECOND_QUESTIONS = (
    "", "Also, ", "And ", "Oh, and ", "After that: ", "Then, ", "One more: ", "Plus, ",
    "While you're at it, ", "Another question: ", "Separately, ", "Also curious: ",
)  # fmt: skip
# A reason the user gave for a goal (the phrasebooks' optional extras).
REASON = re.compile(r", (?:since|because|so|to|for|before|while|as|just in case)\b[^,]*$")
QUESTION_RATE = 0.35
FOLLOW_UP_RATE = 0.45
PERSONAL_FOLLOW_UP_SHARE = 0.3  # of the follow-ups, with a persona: one about their own situation
DETAIL_RATE = 0.6
# Of the details: a callback to the persona's situation, else a kit detail, else a general aside.
CALLBACK_SHARE = 0.3
KIT_DETAIL_SHARE = 0.8
INTRO_RATE = 0.85
# Ordinary words a typo may hit (never a value, an enum word or a name a call needs verbatim).
TYPO_WORDS = re.compile(
    BEFORE + r"(please|could|would|should|thanks|really|about|after|before|which|again|everything|"
    r"something|through|right|today|moment|finished|possible|afterwards|hoping|chance|while)" + AFTER
)


def compose_query(brief: Any) -> str:
    """The user's text for a turn (a `TurnBrief`): goals, the facts of unstated prerequisites, the context
    of means-steps, and the conversational frame (drawn from the speaker's own random stream)."""
    speaker: Speaker = brief.speaker
    rng = speaker.rng
    omitted = (brief.steps[brief.omit[0]].key, brief.omit[1]) if brief.omit else None
    speaker.voice = Voice(brief.turn, omit=omitted)
    try:
        phrases = []
        # a direct question, or a reason ("..., since it's fixed now"), fits one or two goals, not a list
        asking = len(brief.stated) <= 2 and brief.omit is None
        for step in brief.stated:
            omit = brief.omit[1] if brief.omit and brief.omit[0] == step.index else None
            phrases.append(speaker.intent(step, omit=omit, questions=asking, reasons=asking))
            speaker.voice.named.add(step.key)
            speaker.voice.latest = step.key
        request = _join(phrases, rng)
        extras = _facts(brief, speaker, rng, request)
    finally:
        speaker.voice = None
    text = " ".join([request, *extras])
    text = tidy(vary(text + uncovered(brief, text), rng))
    if rng.random() < speaker.typo_rate:
        text = typo(text, rng)
    if brief.turn == 0 and speaker.persona is not None and rng.random() < INTRO_RATE:
        text = f"{speaker.persona.introduction(rng)} {text}"
        speaker.introduced = True
    elif (
        brief.turn > 0
        and ":" not in text[:40]
        and brief.kind != "clarification"
        and rng.random() < FOLLOW_UP_RATE
    ):
        personal = speaker.persona is not None and rng.random() < PERSONAL_FOLLOW_UP_SHARE
        template = speaker.persona.follow_up(rng) if personal else vary(rng.choice(FOLLOW_UPS), rng)
        text = template.format(r=_lower(text), R=text)
    if rng.random() < DETAIL_RATE:
        text += " " + _detail(speaker, brief.target.spec.domain, rng)
    return text


def _detail(speaker: Speaker, domain: str, rng: random.Random) -> str:
    """An irrelevant detail: the kit's, a general aside, or (with a persona) one about their situation;
    never one this conversation already used."""
    persona = speaker.persona
    said = speaker.asides_said
    details = [
        detail
        for detail in speaker.kits[domain].phrases.details
        if (persona is not None or "{" not in detail) and detail not in said
    ]
    roll = rng.random()
    if persona is not None and roll < CALLBACK_SHARE:
        return persona.callback(rng)
    if details and roll < KIT_DETAIL_SHARE:
        chosen = rng.choice(details)
    else:
        chosen = rng.choice([aside for aside in ASIDES if aside not in said] or ASIDES)
    said.add(chosen)
    return persona.fill(chosen, rng) if persona is not None else choose_alternatives(chosen, rng)


PHRASAL_BEFORE_PRONOUN = re.compile(
    r"\b(pull|bring|look|work|figure|call|dig|hand|read|print|sort|check) (up|out|over) (it|them)\b"
)
# Grammar a pronoun needs once it stands where a name stood ("see how active them is").
TIDY = (
    (re.compile(r"\bthem is\b"), "they are"),
    (re.compile(r"\bthem has\b"), "they have"),
    (re.compile(r"\bthem was\b"), "they were"),
    (PHRASAL_BEFORE_PRONOUN, r"\1 \3 \2"),
)  # fmt: skip


def tidy(text: str) -> str:
    """Fix the grammar around pronouns that replaced a value (outside quoted values)."""
    parts = QUOTED.split(text)
    for index in range(0, len(parts), 2):
        for pattern, replacement in TIDY:
            parts[index] = pattern.sub(replacement, parts[index])
    return "".join(parts)


def _quoted_start(text: str) -> bool:
    return text[:1] in "'\""


def _wrap(phrase: str, rng: random.Random, question: bool | None = None) -> str:
    """One verb phrase as a request or a question (a phrasebook's own question stands as it is)."""
    if phrase.endswith("?"):
        return _capital(phrase)
    pool = REQUESTS if question is None else [t for t in REQUESTS if t.endswith("?") == question]
    if REASON.search(phrase):  # "..., since it's fixed now" ends the sentence: no "for me" after it
        pool = [t for t in pool if t.endswith(("{v}.", "{v}?"))] or pool
    template = rng.choice(pool)
    return template.format(v=phrase, V=_capital(phrase))


def _join(phrases: list[str], rng: random.Random) -> str:
    """Verb phrases in calling order as one request: one phrase wrapped, two joined, more listed."""
    question = rng.random() < QUESTION_RATE
    if len(phrases) == 1:
        return _wrap(phrases[0], rng, question)
    if len(phrases) == 2:
        first = _wrap(phrases[0], rng, question if rng.random() < 0.5 else False)
        joins = JOINS
        if REASON.search(phrases[0]):  # a reason closes the first request: a new sentence follows
            joins = tuple(t for t in JOINS if t.startswith(("{w}.", "{w};")))
        template = rng.choice(joins)
        if phrases[1].endswith("?"):
            lead = rng.choice(SECOND_QUESTIONS)
            return f"{first} {lead}{_capital(phrases[1]) if lead in ('', 'After that: ') else phrases[1]}"
        if first.endswith("?"):
            return f"{first} {rng.choice(AFTER_QUESTION)} {phrases[1]}."
        return template.format(w=first.rstrip("."), v=phrases[1])
    last = rng.choice((", and finally ", ", and last of all ", " and "))
    listed = ", ".join(phrases[:-1]) + last + phrases[-1]
    template = rng.choice(LISTS)
    return template.format(l=listed, L=_capital(listed))


def _facts(brief: Any, speaker: Speaker, rng: random.Random, request: str) -> list[str]:
    """Sentences for what only the user knows that the stated goals did not carry: the context phrases of
    means-steps, or plain facts ("my user id is 'USR001'") for the inputs of unstated prerequisites."""
    sentences: list[str] = []
    for step in brief.steps:
        if step in brief.stated or (brief.omit and brief.omit[0] == step.index):
            continue
        implied = speaker.kits[step.spec.domain].phrases.implied
        known = [param for param in step.call.arguments if _user_knows(step, param, implied)]
        unsaid = [p for p in known if not _said(speaker.literal(step, p), request + " ".join(sentences))]
        if not unsaid:
            continue
        context = speaker.context(step)
        if context and all(_said(speaker.literal(step, p), context) for p in unsaid):
            sentences.append(_context_sentence(context.strip("()"), rng))
            continue
        sentences.append(_fact_sentence(speaker, step, unsaid, rng))
    return sentences


def _fact_sentence(speaker: Speaker, step: Step, params: list[str], rng: random.Random) -> str:
    """What only the user knows, as one sentence: "my username is 'yuki_t' and my password is ...",
    or listed ("Login details: username yuki_t, password tulip#818"); a first and last name are said
    together ("I'm Mei Hawke")."""
    nouns = {param: speaker.noun(step, param) for param in params}
    first = next((p for p in params if nouns[p].endswith("first name")), None)
    last = next((p for p in params if nouns[p].endswith("last name")), None)
    name = ""
    if first and last:
        params = [p for p in params if p not in (first, last)]
        full = f"{speaker.literal(step, first)} {speaker.literal(step, last)}"
        name = rng.choice(("I'm {v}", "my name is {v}", "the name on the account is {v}")).format(v=full)
    if params and rng.random() < 0.4:
        listed = ", ".join(f"{nouns[p]} {speaker.literal(step, p)}" for p in params)
        lead = rng.choice(LISTED_FACTS)
        return f"{lead} {listed}." + (f" {_capital(name)}." if name else "")
    form = rng.choice(
        ("my {n} is {v}", "{v} is my {n}", "the {n} is {v}", "my {n}'s {v}", "I use {v} as my {n}")
    )
    facts = [form.format(n=nouns[p], v=speaker.literal(step, p)) for p in params] + ([name] if name else [])
    joined = facts[0] if len(facts) == 1 else ", ".join(facts[:-1]) + " and " + facts[-1]
    return rng.choice(FACTS).format(f=joined, F=_capital(joined))


def _context_sentence(context: str, rng: random.Random) -> str:
    """A means-step's context as a sentence: "inside 'notes'" -> "This is all inside 'notes'."."""
    if re.match(r"(in|inside|under|at|within)\b", context):
        return rng.choice(("This is all {c}.", "Everything I mean is {c}.", "We're working {c}.")).format(
            c=context
        )
    return _capital(context) + "."


def _user_knows(step: Step, param: str, implied: tuple[str, ...] = ()) -> bool:
    """A value only the user can supply, said as a fact when its step is implicit: a free string no
    earlier result produced (credentials, names, ids the user holds); the settings of an `implied`
    tool and non-string settings are the assistant's to infer."""
    return free_string(step, param) and step.name not in implied


def free_string(step: Step, param: str) -> bool:
    """A string argument the user states (not taken from an earlier result, not an enum choice)."""
    if param in step.sources:
        return False
    schema = step.spec.parameters.get("properties", {}).get(param, {})
    return schema.get("type") == "string" and "enum" not in schema


def may_be_implicit(step: Step, phrases: Phrasebook) -> bool:
    """Whether a state-changing prerequisite can go unsaid: its settings follow from the goal (an
    `implied` tool), or it only sets up access or a place (a login, a folder: it provides a condition
    and yields nothing but tokens) and each input is a credential-like string (said as a fact) or a
    flag. An action the user would own (a booking, a follow, a new contact), a content the user writes
    (a message, a post), an amount they choose or an `owned` tool (a product put in the cart) always
    needs the step said."""
    if step.name in phrases.owned:
        return False
    if step.name in phrases.implied:
        return True
    if not step.spec.provides or any("token" not in made.resource for made in step.spec.produces):
        return False
    for param, value in step.call.arguments.items():
        if param in step.sources or isinstance(value, bool):
            continue
        kinds = step.spec.consumed.get(param, ())
        if not free_string(step, param) or "text" in kinds or len(str(value).split()) > 2:
            return False
    return True


def _said(spoken: str, text: str) -> bool:
    return stands_alone(spoken, text) if spoken else True


def is_word_char(char: str) -> bool:
    """A letter, digit, underscore or apostrophe: what `\\w` or `'` matches in a `re` pattern."""
    return char.isalnum() or char in "_'"


def stands_alone(text: str, request: str) -> bool:
    """`text` occurs in `request` with no word character or apostrophe right before or after it
    (as `(?<![\\w'])text(?![\\w'])` would find, without compiling a pattern per value)."""
    start = request.find(text)
    while start != -1:
        end = start + len(text)
        if (start == 0 or not is_word_char(request[start - 1])) and (
            end == len(request) or not is_word_char(request[end])
        ):
            return True
        start = request.find(text, start + 1)
    return False


def uncovered(brief: Any, request: str) -> str:
    """Mention user-known values no phrase carried, so the query stays solvable."""
    speaker: Speaker = brief.speaker
    missing = []
    typed = speaker.lists_before(brief.turn)  # said in an earlier turn, referred to as "those numbers"
    for step in brief.steps:
        for param, value in step.call.arguments.items():
            if param in step.sources or (brief.omit and brief.omit == (step.index, param)):
                continue
            if repr(value) in typed:
                continue
            implied = speaker.kits[step.spec.domain].phrases.implied
            if step not in brief.stated and not _user_knows(step, param, implied):
                continue  # an implicit prerequisite's setting is for the assistant to work out
            spoken = speaker.literal(step, param)
            clause = f"the {speaker.noun(step, param)} should be {spoken}"
            if not _said(spoken, request) and clause not in missing:
                missing.append(clause)
    if not missing:
        return ""
    joined = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
    return " " + brief.speaker.rng.choice(UNCOVERED).format(m=joined, M=_capital(joined))


def clarification(speaker: Speaker, step: Step, param: str) -> str:
    """The user's answer to "which ...?": the value left out, in a user's words."""
    rng = speaker.rng
    spoken = speaker.literal(step, param)
    noun = speaker.noun(step, param)
    many = isinstance(step.call.arguments.get(param), list) or (
        noun.endswith("s") and not noun.endswith("ss")
    )
    verb = "are" if many else "is"
    return rng.choice(
        (
            f"Sorry, I forgot to say: the {noun} {verb} {spoken}.",
            f"Oh, right. It's {spoken}.",
            f"My bad, I meant {spoken}.",
            f"The {noun}? Use {spoken}.",
            f"It's {spoken}, sorry about that.",
            f"Use {spoken} — {'those are' if many else 'that is'} the {noun} I had in mind.",
            f"Good catch, the {noun} should be {spoken}.",
            f"I left that out, didn't I? It's {spoken}.",
            f"Ah, sorry: {spoken}.",
            f"Right, I should have said. The {noun} {verb} {spoken}.",
            f"{_capital(spoken)}, please.",
            f"Go with {spoken}.",
            f"That would be {spoken}.",
            f"Oops, {spoken}.",
        )
    )


def typo(text: str, rng: random.Random) -> str:
    """Swap two letters in one ordinary word outside quoted values (never inside a value a call needs)."""
    parts = QUOTED.split(text)
    spots = [
        (index, match)
        for index, part in enumerate(parts)
        if index % 2 == 0
        for match in TYPO_WORDS.finditer(part)
    ]
    if not spots:
        return text
    index, match = rng.choice(spots)
    word = match.group(0)
    at = rng.randrange(1, len(word) - 2)
    swapped = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    part = parts[index]
    parts[index] = part[: match.start()] + swapped + part[match.end() :]
    return "".join(parts)


def _lower(text: str) -> str:
    """A sentence continued after an opener ("Please ..." -> "please ..."; "I ..." stays)."""
    if _quoted_start(text) or re.match(r"I\b", text):
        return text
    return text[:1].lower() + text[1:]


def _capital(text: str) -> str:
    """The first letter upper-cased, unless the text opens with a value (quoted or bare: jdoe_2, a.txt)."""
    if re.match(r"[a-z][a-z']*(?![\w@#./-])", text):
        return text[:1].upper() + text[1:]
    return text
