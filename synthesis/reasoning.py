"""Chain-of-thought for the template reasoner, built from what each step of a turn really needs.

Each sentence states a fact of the trace: which condition a call needs and which earlier call brings
it about (the spec's requires/provides), which argument comes from which result (the data flows,
this turn's or an earlier one's), what the last results say (a failure is noticed and acted on), and
why the turn is done. A turn picks one of several layouts (plan first, step by step, result then next,
terse), and every sentence kind has several shapes, so the reasoning varies in structure, not only in
words. Tool descriptions are never quoted; the steps are derived, never read off the advanced tool.
"""

from __future__ import annotations

import json
import random
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from funreason_envs.domains import domain_class
from funreason_envs.synthesis.answers import NUMBER_REPR, listed, literal, report, say_value, second_person
from funreason_envs.synthesis.language import clip, noun_for, third_person, words
from funreason_envs.synthesis.outcomes import failure_reason
from funreason_envs.synthesis.situation import (
    Rival,
    pointer,
    request_part,
    rivals,
    standing_conditions,
    user_wording,
)
from funreason_envs.synthesis.trace import Step

if TYPE_CHECKING:
    from funreason_envs.synthesis.roles.base import TurnBrief

# Equivalent wordings a sentence's common phrases are swapped for, so shapes multiply.
SYNONYMS: dict[str, tuple[str, ...]] = {
    phrase: (phrase, *others)
    for phrase, others in {
        "i'll call": (
            "I'll run",
            "I'm going to call",
            "let me call",
            "I'll use",
            "I should call",
            "I will invoke",
        ),
        "i'll use": ("I'll go with", "let me use", "I will rely on", "I'm picking"),
        "needs": ("requires", "expects", "relies on", "calls for"),
        "didn't mention it": ("never mentioned it", "left that out", "didn't say so", "skipped over it"),
        "so i'll": ("which means I'll", "therefore I'll", "so I will", "hence I'll", "and so I'll"),
        "i don't have": ("I lack", "I'm missing", "nothing gives me", "I haven't got", "I do not know"),
        "comes first": ("has to run first", "goes before it", "must come earlier", "is step one", "leads"),
        "is the call": ("is the right call", "fits", "is what I need", "does exactly that", "is the match"),
        "is the tool for it": (
            "fits that",
            "is made for this",
            "does that job",
            "covers it",
            "is built for it",
        ),
        "handles that": ("deals with that", "does that", "takes care of that", "covers that", "manages that"),
        "time to reply": ("I'll answer now", "time to write back", "I can respond", "over to the reply"),
        "returned": ("gave back", "came back with", "answered with", "reported", "yielded", "produced"),
        "went through": ("ran fine", "completed", "worked as expected", "finished without complaint"),
        "succeeded": ("was fine", "did its job", "reported no problem", "came back clean", "is through"),
        "worked": ("went fine", "is done", "was accepted", "ran without error", "went OK"),
        "together": ("in parallel", "in one batch", "at the same time", "side by side", "jointly"),
        "in order": ("in sequence", "one after another", "in the order given", "sequentially"),
        "look it up": ("fetch it", "find it", "ask for it", "query it", "retrieve it", "search for it"),
        "straight from": ("directly from", "taken from", "as given by", "copied from", "lifted from"),
        "i'll pass it on": ("I'll hand it over", "I'll feed it in", "I'll use it", "I'll plug it in"),
        "the request": ("the ask", "what was asked", "the message", "this request", "the instruction"),
        "report back": ("summarise", "write the answer", "tell them", "wrap up", "respond"),
        "should give it to me": ("will provide it", "can supply it", "returns it", "will hand it over"),
        "takes care of it": ("sorts that out", "handles it", "makes it so", "fixes that", "deals with it"),
        "sets that up": ("arranges that", "prepares that", "makes that true", "gets that in place"),
        "depends on": ("relies on", "builds on", "waits on", "hinges on", "is downstream of"),
        "is how i get it": ("gets it for me", "provides it", "is where it comes from", "can fetch it"),
        "the order matters": ("order is important here", "sequence matters", "mind the order"),
        "so the job is to": ("so I have to", "the job:", "my task is to", "in short, I should"),
        "okay, i need to": ("right, I need to", "alright, I have to", "fine: I need to", "so, I must"),
        "according to": ("per", "going by", "based on", "as reported by", "judging by"),
        "looking at": ("checking", "reading", "scanning", "inspecting", "going over"),
        "plan:": ("plan of attack:", "steps:", "route:", "outline:", "approach:"),
        "asked for": ("requested", "wanted", "asked about", "called for"),
        "is fine": ("is OK", "works", "is safe", "is acceptable"),
        "wants me to": ("would like me to", "needs me to", "is asking me to", "expects me to"),
        "prepares things for": ("paves the way for", "sets the stage for", "readies the state for"),
    }.items()
}
OPEN, CLOSE = "\x02", "\x03"  # around phrases the rewording must not touch
MAX_ASKED_ACTION = 70  # characters: a longer request is not repeated in a clarifying question
KEEP = re.compile(rf"({OPEN}[^{CLOSE}]*{CLOSE}|(?<!\w)'[^']*'(?!\w)|\"[^\"]*\")")
VARIANTS = re.compile(
    r"(?<![\w'])(" + "|".join(re.escape(p) for p in sorted(SYNONYMS, key=len, reverse=True)) + r")(?![\w'])",
    re.IGNORECASE,
)

JOINERS = (" and ", ", then ", ", after that ", " and also ", "; then ", ", followed by ")

# Ways to join a reason and an action: reason first, action first, or two sentences.
SHAPES = (
    "{reason}, so {action}.",
    "since {reason}, {action}.",
    "{action}, because {reason}.",
    "{action}: {reason}.",
    "{reason}; {action}.",
    "because {reason}, {action}.",
    "{reason}. So {action}.",
    "{action} - {reason}.",
    "given that {reason}, {action}.",
    "{action}, as {reason}.",
    "{reason}, which is why {action}.",
    "{reason} - hence {action}.",
    "seeing that {reason}, {action}.",
    "{action}; the reason: {reason}.",
    "{action} (since {reason}).",
    "as {reason}, {action}.",
    "{reason}, and so {action}.",
    "{reason}: {action}.",
)

# Shorter joins for the closing line, which says little beyond the results already read.
SHORT_SHAPES = (
    "{reason}; {action}.",
    "{reason}, so {action}.",
    "{action}: {reason}.",
    "{reason} - {action}.",
)

CONTRACTIONS = {
    "I'll": "I will",
    "I'm": "I am",
    "don't": "do not",
    "doesn't": "does not",
    "didn't": "did not",
    "can't": "cannot",
    "won't": "will not",
    "isn't": "is not",
    "wasn't": "was not",
    "that's": "that is",
    "it's": "it is",
    "haven't": "have not",
    "shouldn't": "should not",
    "They'd": "They would",
    "What's": "What is",
    "There's": "There is",
    "I've": "I have",
}
CONTRACTION = re.compile(r"(?<![\w'])(" + "|".join(re.escape(c) for c in CONTRACTIONS) + r")(?![\w'])")


def _expand(match: re.Match[str]) -> str:
    return CONTRACTIONS[match.group(0)]


LAYOUTS = ("plan", "stepwise", "result_first", "terse")
# A sentence of a message that tells about the user rather than asking for something.
BACKGROUND = re.compile(
    r"(?:I'm|I am|I've|I have|I was|I work|My|Our|We|As an?) (?!.*\b(?:you|please)\b)", re.I
)

# How a condition reads in a sentence; a domain without an entry uses its spec's description.
CONDITION_WORDS = {
    "doors_locked": "all four doors are locked",
    "brake_pressed": "the brake pedal is held down",
    "engine_running": "the engine is running",
    "travel_logged_in": "the travel account has a valid access token",
    "travel_booking_on_record": "there is a booking on the account",
    "posting_logged_in": "the social account is signed in",
    "message_logged_in": "someone is logged in to the messaging app",
    "message_inbox_not_empty": "the inbox holds at least one message",
    "trading_logged_in": "the trading account is logged in",
    "ticket_logged_in": "someone is logged in to the ticket system",
    "file_here": "the file sits in the current directory",
    "empty_folder_here": "an empty folder sits in the current directory",
    "entry_here": "the entry sits in the current directory",
}


@cache
def condition_words(domain: str, condition: str) -> str:
    """A condition as a clause ("the brake pedal is held down")."""
    if condition in CONDITION_WORDS:
        return CONDITION_WORDS[condition]
    description = domain_class(domain).spec().conditions.get(condition, _words(condition))
    clause = description.split(",")[0].strip().rstrip(".")
    return clause[0].lower() + clause[1:] if clause else _words(condition)


def enabled(step: Step, steps: list[Step]) -> tuple[Step, str] | None:
    """The first later call of the turn that needs a condition `step` brings about, and that condition."""
    gives = set(step.spec.provides) | set(step.spec.may_provide)
    for later in steps[step.index + 1 :]:
        for condition in later.spec.requires:
            if condition in gives:
                return later, condition
    return None


def consumers(step: Step, steps: list[Step]) -> list[tuple[Step, str]]:
    """Later calls of the turn that take a value from this call's result, with the parameter."""
    return [
        (later, param)
        for later in steps
        for param, source in later.sources.items()
        if (source.turn, source.index) == step.key
    ]


class ThoughtWriter:
    """Writes the reasoning of one attempt at a turn, message by message."""

    def __init__(self, brief: TurnBrief, salt: int) -> None:
        self.brief = brief
        # a generator of its own, seeded from the sample's salt and the turn (the run's generator is
        # never drawn from), so writing or rewording the CoT never shifts the data
        self.rng = random.Random(f"{salt}|{brief.turn}|{brief.query}")
        self.retold: set[tuple[int, int]] = set()  # steps whose goal was already put in words
        self.pointed: set[str | None] = set()  # the user's pointing phrases already resolved
        self.rejected_names: set[str] = set()  # look-alike tools already ruled out this turn
        self.noted: set[str] = set()  # calls whose result is news even in a terse turn (failed, empty)
        self.layout = self.rng.choice(LAYOUTS)
        self.formal = self.rng.random() < 0.5  # half the turns think without contractions
        self.failures: list[tuple[Step, str]] = []
        self.names = {tool["function"]["name"] for tool in brief.tools} | {step.name for step in brief.steps}
        self.said: set[str] = set()  # values already quoted in this attempt: said once, then referred to

    def pick(self, *options: str) -> str:
        """One of the sentence shapes, with its common phrases swapped for equivalents; quotes and
        protected phrases (the user's words, conditions) are left as they are."""
        parts = KEEP.split(self.rng.choice(options))
        text = "".join(part if i % 2 else VARIANTS.sub(self._vary, part) for i, part in enumerate(parts))
        return text

    def intent(self, step: Step) -> str:
        """The step as the user's goal, retold ("open their new post")."""
        return self.keep(third_person(self.user_intent(step)))

    def user_intent(self, step: Step, omit: str | None = None) -> str:
        """The step as the user would ask for it ("open my new post"), `omit` left unsaid; drawn with
        this writer's generator so the run's own draws stay as they were."""
        speaker = self.brief.speaker
        shared, speaker.rng = speaker.rng, self.rng
        try:
            return speaker.intent(step, omit)
        finally:
            speaker.rng = shared

    def keep(self, text: str) -> str:
        """Mark a phrase that must not be reworded."""
        return f"{OPEN}{text}{CLOSE}"

    def _vary(self, match: re.Match[str]) -> str:
        found = match.group(0)
        options = SYNONYMS[found.lower()]
        chosen = self.rng.choice(options)
        if chosen == options[0]:
            return found
        before = match.string[: match.start()].rstrip(OPEN + CLOSE + " ")
        opens = not before or before.endswith((".", "!", "?", ":"))
        if opens or chosen.startswith(("I ", "I'")):
            return chosen[0].upper() + chosen[1:]
        return chosen

    # -- the three moments ----------------------------------------------------------------------

    def opening(self, groups: list[list[Step]]) -> str:
        """Before the first calls: the goal, then the plan or just the first step, per the layout."""
        first = groups[0]
        sentences: list[str] = [self.supplied()]
        if self.rng.random() < (0.2 if self.layout == "terse" else 0.4):
            sentences.append(self.goal())
        sentences.append(self.aside())
        if self.layout == "plan" and sum(len(group) for group in groups) > 1:
            sentences.append(self.plan(groups))
            sentences.extend(self.why(step) for step in first if self._needs_explaining(step))
        else:
            sentences.extend(self.why(step) for step in first)
        sentences.extend(self.flows(first))
        sentences.extend(self.standing())
        if self.layout != "terse":
            sentences.extend(self.ground(step) for step in first)
        if len(first) > 1:
            sentences.append(self.parallel(first))
        return self.join(sentences)

    def supplied(self) -> str:
        """In a clarification turn: the value the user has now given, the one the last question asked for."""
        if self.brief.kind != "clarification" or self.brief.omit is None:
            return ""
        index, param = self.brief.omit
        step = self.brief.steps[index]
        shown, what = _short(step.call.arguments.get(param)), _words(param)
        self.said.add(shown)
        return self.pick(
            f"They answered my question: the {what} is {shown}, so {step.name} can run now.",
            f"{shown} is the {what} I was missing; with it, {step.name} has everything.",
            f"Now I have the {what}, {shown}, the one thing I had to ask about.",
        )

    def aside(self) -> str:
        """A sentence of the message that is background, not a request, noticed as such."""
        background = [
            sentence
            for sentence in re.split(r"(?<=[.!?])\s+", self.brief.query)
            if BACKGROUND.match(sentence)
            and not re.search(r"[?:]|\brequest\b", sentence)
            and not self._names_a_value(sentence)
        ]
        if not background:
            return ""
        said = third_person(background[0].rstrip(".!"))
        quoted = self.keep(_quote(background[0].rstrip(".!")))
        return self.pick(
            f"The part about how {self.keep(said[0].lower() + said[1:])} is context, not a task.",
            f"{quoted} is background; nothing there to act on.",
            f"Nothing to do about {quoted} - it's just context.",
        )

    def _names_a_value(self, sentence: str) -> bool:
        """Whether a sentence gives one of the turn's argument values (so it is part of the request)."""
        lowered = sentence.lower()
        return any(
            str(value).lower() in lowered
            for step in self.brief.steps
            for value in step.call.arguments.values()
            if isinstance(value, (str, int, float)) and not isinstance(value, bool) and len(str(value)) > 1
        )

    def standing(self) -> list[str]:
        """Conditions the turn's calls need that an earlier turn already brought about: the reason a
        login or a brake press is not repeated."""
        sentences = []
        for fact in standing_conditions(self.brief.steps, self.brief.speaker.steps, self.brief.turn)[:1]:
            since, step = fact.since, fact.step
            state = self.keep(condition_words(step.spec.domain, fact.condition))
            ago = _ago(self.brief.turn - since.turn)
            given = [
                f"{_words(p)} {_short(v)}" for p, v in since.call.arguments.items() if "password" not in p
            ]
            how = f"{since.name} ({given[0]})" if given else since.name
            if self._explained(how):
                continue
            sentences.append(
                self.pick(
                    f"No fresh {since.name}: {how} {ago} still counts.",
                    f"Since {how} {ago}, {state}.",
                )
            )
        return sentences

    def next_step(self, group: list[Step], done: list[tuple[Step, str]]) -> str:
        """Between calls: read what came back, carry values forward, explain the next call(s)."""
        flows = self.flows(group)
        reading = [self.read(step, content) for step, content in done]
        reading = [sentence for sentence in reading if sentence]
        reasons = [] if self.layout == "plan" else [self.why(step) for step in group]
        reasons += [self.ground(step) for step in group] if self.layout != "terse" else []
        if self.layout == "plan" and self.rng.random() < 0.5:
            reasons = [self.onward(group)]
        if self.layout == "terse":
            reading = [sentence for sentence in reading if any(name in sentence for name in self.noted)]
        parts = [*reading, *flows, *reasons] if self.layout != "stepwise" else [*flows, *reading, *reasons]
        if len(group) > 1:
            parts.append(self.parallel(group))
        return self.join(parts)

    def closing(self, done: list[tuple[Step, str]]) -> str:
        """After the last results: what they say, and why nothing is left to do."""
        reading = [self.read(step, content, final=True) for step, content in done]
        reading = [sentence for sentence in reading if sentence]
        if self.layout == "terse":
            reading = [r for r in reading[:-1] if any(name in r for name in self.noted)] + reading[-1:]
        finish = self.finish()
        if not finish and reading:  # nothing to add but that the reading ends the turn
            last = reading[-1].rstrip(".")
            ends = self.pick(" - that was the last piece.", ", and that is everything asked.", "; all done.")
            reading[-1] = last + ends
        return self.join([*reading, finish])

    def declining(self, missing: str | None, omitted: tuple[Step, str] | None = None) -> tuple[str, str]:
        """The reasoning and reply of a turn that cannot be acted on yet: a value only the user knows
        is missing (`missing`, in words: the argument `omitted` names as (step, parameter)), or no
        shown tool can do the job."""
        intents = [self.intent(step) for step in self.brief.stated]
        request = self.chain(intents)
        if missing is not None:
            # the call the value is for, as the user asked for it (without the value), when that reads short
            asked = self.user_intent(*omitted) if omitted is not None else ""
            if not asked or len(asked) > MAX_ASKED_ACTION or " some " in f" {asked} ":
                return self._asking(missing, None)
            return self._asking(missing, asked)
        # a tool held out: the turn's last call has no tool yet, so none of its calls run (as in BFCL);
        # the calls before it either lead up to it or are other goals of the same request
        steps = self.brief.steps
        asked = self.user_intent(steps[-1])
        held, action = self.keep(third_person(asked)), second_person(asked)
        other_goals = set(self.brief.target_indices) - {len(steps) - 1}
        if other_goals:
            reasoning = self.combine(
                [
                    f"they want me to {request}, and the part where I {held} needs a tool I don't have",
                    f"none of my tools can {held}, one of the things asked",
                ],
                [
                    "doing only the rest would leave the request half done, so I'll say so and hold it all",
                    "I'd rather hold the whole request than do it in pieces",
                    "I won't fake that part with an unrelated call",
                ],
            )
            reply = self.rng.choice(
                (
                    f"There's no tool here to {action} at the moment, so I'll hold off on the whole request "
                    "rather than do only part of it.",
                    f"I can't {action} with the tools I have right now; I've left the rest of the request "
                    "alone too, so it can all be done together.",
                )
            )
        elif len(steps) > 1:
            reasoning = self.combine(
                [
                    f"they want me to {request}, and the part where I {held} needs a tool I don't have",
                    f"no tool available here can {held}, which is what the request comes down to",
                ],
                [
                    "doing only the steps before it would leave things half done, so I'll say so instead",
                    "I'd rather say so than start and stop halfway",
                    "I won't fake it with an unrelated call",
                ],
            )
            reply = self.rng.choice(
                (
                    f"I can't {action} with the tools I have right now, and the other steps only lead up to "
                    "that, so I've left the request alone for now.",
                    f"There's no tool here to {action} at the moment, so I haven't started on the steps "
                    "before it either.",
                )
            )
        else:
            reasoning = self.combine(
                [
                    f"no tool available here can {held}",
                    f"the job is to {held}, and none of my tools cover that",
                ],
                [
                    "I should say so rather than improvise",
                    "I won't fake it with an unrelated call",
                    "the honest answer is that I can't yet",
                ],
            )
            reply = self.rng.choice(
                (
                    f"I can't {action} with the tools I have right now.",
                    f"There's no tool here to {action} at the moment.",
                    f"I don't have a way to {action} right now, sorry.",
                )
            )
        return self.join([reasoning]), reply

    def _asking(self, missing: str, asked: str | None) -> tuple[str, str]:
        """The reasoning and question of a turn missing a value only the user knows; `asked`: the call
        it is for, in the user's words, named in both when given."""
        needing = self.keep(third_person(asked)) if asked else ""
        first = [
            f"I'd be guessing the {missing}",
            f"no result so far tells me the {missing}, and only the user knows it",
        ]
        if asked:
            first += [
                f"to {needing} I need the {missing}, and the request never says which",
                f"I can't {needing} without the {missing}, which they left out",
            ]
        else:
            first += [f"the request never says which {missing}", f"the {missing} was left out"]
        reasoning = self.combine(
            first,
            [
                "I'll ask before changing anything",
                "asking is safer than acting on a guess",
                "the right move is a short question",
                "I should check with them first",
            ],
        )
        if asked:
            action = second_person(asked)
            replies = (
                f"Happy to help. Which {missing} should I use to {action}?",
                f"Sure - to {action}, which {missing} do you mean?",
                f"Could you tell me the {missing} first? I need it to {action}.",
                f"I can {action} as soon as you tell me the {missing}.",
            )
        else:
            replies = (
                f"Happy to help. Which {missing} should I use?",
                f"Sure - which {missing} do you mean?",
                f"Could you tell me the {missing} first?",
                f"I can do that as soon as you tell me the {missing}.",
            )
        return self.join([reasoning]), self.rng.choice(replies)

    # -- sentence kinds -------------------------------------------------------------------------

    def goal(self) -> str:
        intents = [self.intent(step) for step in self.brief.stated]
        request = self.chain(intents)
        self.retold.update(step.key for step in self.brief.stated)
        self.said.update(
            _short(value) for step in self.brief.stated for value in step.call.arguments.values()
        )
        return self.pick(
            f"The user wants me to {request}.",
            f"So the job is to {request}.",
            f"What's being asked: {request}.",
            f"I'm asked to {request}.",
            f"Request: {request}.",
            f"They'd like me to {request}.",
            f"The task here is to {request}.",
            f"Okay, I need to {request}.",
        )

    def chain(self, clauses: list[str]) -> str:
        if len(clauses) == 1:
            return clauses[0]
        joiner = self.rng.choice(JOINERS)
        if joiner in (" and ", " plus "):
            return ", ".join(clauses[:-1]) + joiner + clauses[-1]
        return joiner.join(clauses)

    def join(self, sentences: list[str]) -> str:
        """Sentences in order, each once, contractions expanded in a formal turn."""
        text = " ".join(dict.fromkeys(sentence for sentence in sentences if sentence))
        text = text.replace("....", "...")  # a clipped quote ending a sentence
        if self.formal:
            parts = KEEP.split(text)
            text = "".join(p if i % 2 else CONTRACTION.sub(_expand, p) for i, p in enumerate(parts))
        return text.replace(OPEN, "").replace(CLOSE, "")

    def plan(self, groups: list[list[Step]]) -> str:
        names = [" and ".join(step.name for step in group) for group in groups]
        order = " -> ".join(names) if self.rng.random() < 0.3 else self.chain(names)
        if len(groups) > 2:  # each group needs a result of the one before it
            return f"{' -> '.join(names)}, each round waiting on a result of the one before."
        if len(groups) == 2:  # the second round needs a result of the first
            first, waiting = names[0], _listing(names[1:])
            results, returns = (
                ("its result is", "it returns")
                if len(groups[0]) == 1
                else (
                    "their results are",
                    "they return",
                )
            )
            return self.pick(
                f"{first} first; {waiting} only once {results} in.",
                f"Round one is {first}; {waiting} must wait for what {returns}.",
                f"Working backwards: {waiting} needs {first}'s answer, so {first} leads.",
            )
        return self.pick(
            f"Plan: {order}.",
            f"That works out to {order}.",
            f"The calls, in order: {order}.",
            f"I'll go {order}.",
        )

    def _needs_explaining(self, step: Step) -> bool:
        return step not in self.brief.stated

    def combine(self, reasons: list[str], actions: list[str], shapes: tuple[str, ...] = SHAPES) -> str:
        """A reason clause and an action clause, joined in one of several orders and connectives."""
        reason = self.case_first(self.pick(*reasons), upper=False)
        action = self.case_first(self.pick(*actions), upper=False)
        shape = self.rng.choice(shapes)
        return self.case_first(shape.format(reason=reason, action=action), upper=True)

    def case_first(self, text: str, upper: bool) -> str:
        """Upper- or lower-case a sentence's first letter, unless the first word is a name (a tool, "I")."""
        start = len(text) - len(text.lstrip(OPEN + CLOSE + " "))
        word = re.match(r"[\w']*", text[start:]).group(0)  # type: ignore[union-attr]
        if not word or word in self.names or word == "I" or word.startswith("I'") or not word.isalpha():
            return text
        if not upper and word[1:] != word[1:].lower():
            return text
        first = text[start].upper() if upper else text[start].lower()
        return text[:start] + first + text[start + 1 :]

    def why(self, step: Step) -> str:
        """Why this call, now: it is asked for, it feeds a later call, or a later call needs its effect."""
        steps = self.brief.steps
        feeds = consumers(step, steps)
        args = self.args(step)
        name = step.name
        if feeds:
            later, param = feeds[0]
            what = _words(param)
            return self.combine(
                [
                    f"{later.name} takes a {what} I don't have yet",
                    f"the {what} for {later.name} is still unknown",
                    f"{later.name} can't run without its {what}",
                    f"I have no {what} to give {later.name}",
                    f"{later.name}'s {what} has to come from somewhere",
                    f"nobody told me the {what} that {later.name} expects",
                ],
                [
                    f"{name}{args} will produce it",
                    f"I'll look it up with {name}{args}",
                    f"{name}{args} is the way to find it",
                    f"calling {name}{args} fetches it",
                    f"{name}{args} returns exactly that",
                    f"{name}{args} should tell me",
                ],
            )
        link = enabled(step, steps)
        if link is not None:
            later, condition = link
            state = self.keep(condition_words(step.spec.domain, condition))
            unasked = step not in self.brief.stated
            reasons = [
                f"{later.name} works only if {state}",
                f"{later.name} refuses to run unless {state}",
                f"{later.name} has the precondition that {state}",
                f"{later.name} would fail unless {state}",
                f"for {later.name}, it must be true that {state}",
            ]
            if unasked:
                given = [
                    _short(v)
                    for p, v in step.call.arguments.items()
                    if p not in step.sources and str(v) in self.brief.query
                ][:2]
                asides = [
                    "which the user never mentioned",
                    "a step the request skips",
                    "and the request leaves that implicit",
                ]
                if given:
                    shown = " and ".join(given)
                    asides = [
                        f"and they supplied {shown} without saying what for",
                        f"which is what {shown} in the message are for"
                        if len(given) > 1
                        else f"which is what {shown} in the message is for",
                        f"a step they left to me, though {shown} came from them",
                    ]
                reasons = [f"{reason}, {self.rng.choice(asides)}" for reason in reasons]
            return self.combine(
                reasons,
                [
                    f"{name}{args} makes that true",
                    f"I'll call {name}{args} ahead of it",
                    f"{name}{args} has to come first",
                    f"{name}{args} gets that in place",
                    f"{name}{args} is what brings it about",
                ],
            )
        if step in self.brief.stated:
            return self.chosen(step, args)
        target = self.brief.target.name
        given = self.chain(
            [
                f"{self.keep(_words(p))} {_short(v)}"
                for p, v in step.call.arguments.items()
                if p not in step.sources
            ]
        )
        if given:
            return self.combine(
                [
                    f"they handed me {given}, and only {name} takes that",
                    f"the message supplies {given}, which is input for {name}",
                    f"nothing but {name} uses {given}",
                ],
                [
                    f"I'll run {name} before {target}",
                    f"{name} goes ahead of {target}",
                    f"{name} comes first, then {target}",
                ],
            )
        return self.pick(
            f"{name} goes ahead of {target}, the way the request is laid out.",
            f"I'll do {name} first and {target} after it.",
        )

    def chosen(self, step: Step, args: str) -> str:
        """Why a call the user asked for is this tool: the goal in their words (unless already said),
        or a similar shown tool and the spec fact that rules it out."""
        name = step.name
        options = [rival for rival in rivals(step, self.names) if rival.name not in self.rejected_names]
        retold = step.key in self.retold
        part = request_part(step, self.brief.query) if not retold else None
        if options and (retold or part is None or self.rng.random() < 0.3):
            self.retold.add(step.key)
            rival = self.rng.choice(options)
            self.rejected_names.add(rival.name)
            return self.rejected(step, rival, args)
        if part is not None:
            self.retold.add(step.key)
            self.said.update(_short(value) for value in step.call.arguments.values())
            quoted = self.keep(_quote(part))
            return self.pick(
                f"For {quoted}, {name} is the call.",
                f"{quoted} - that is a job for {name}.",
                f"{name} handles {quoted}.",
                f"They wrote {quoted}, which maps to {name}.",
            )
        if not retold:
            self.retold.add(step.key)
            intent = self.intent(step)
            self.said.update(_short(value) for value in step.call.arguments.values())
            return self.combine(
                [
                    f"the request is to {intent}",
                    f"they asked me to {intent}",
                    f"one goal is to {intent}",
                    f"I'm supposed to {intent}",
                ],
                [f"{name} does it", f"{name} is the tool", f"I'll use {name}", f"that maps to {name}"],
            )
        if args:
            return self.pick(
                f"For that, {name}{args}.",
                f"That part is {name}{args}.",
                f"{name}{args} covers that part.",
            )
        return ""

    def rejected(self, step: Step, rival: Rival, args: str) -> str:
        """The chosen call against a look-alike tool that would lose one of the call's values."""
        name, other = step.name, rival.name
        value = _short(step.call.arguments[rival.param])
        what = _words(rival.param)
        return self.combine(
            [
                f"{other} has no {what} parameter, and this call needs {value} there",
                f"{other} looks close, but it takes no {what}, so {value} would be lost",
                f"{other} would drop the {what} {value}; {name} accepts it",
            ],
            [f"{name}{args} is the one", f"I'll take {name}{args} instead", f"{name}{args} it is"],
        )

    def ground(self, step: Step) -> str:
        """One argument explained: the user's words for it turned into the value the tool takes, a value
        not yet mentioned and where it came from, or an optional one left at its default."""
        properties = step.spec.parameters.get("properties", {})
        given = [p for p in step.call.arguments if p not in step.sources]
        converted = [(p, w) for p in given if (w := self._wording(step, p)) is not None]
        fresh = [p for p in given if _short(step.call.arguments[p]) not in self.said]
        defaults = [p for p in properties if p not in step.call.arguments and "default" in properties[p]]
        if converted and self.rng.random() < 0.85:
            param, wording = self.rng.choice(converted)
            wording = self.keep(_quote(wording))
            shown, what = _short(step.call.arguments[param]), _words(param)
            self.said.add(shown)
            return self.pick(
                f"{wording} in the request becomes {what} {shown} for {step.name}.",
                f"They wrote {wording}; {step.name} wants that as {what} {shown}.",
                f"In {step.name}'s terms, {wording} is {what} {shown}.",
                f"{step.name} has no notion of {wording}, only {what} - so {shown}.",
            )
        if fresh and (not defaults or self.rng.random() < 0.7):
            param = self.rng.choice(fresh)
            shown, what = _short(step.call.arguments[param]), _words(param)
            self.said.add(shown)
            return self.pick(
                f"The {what} is {shown}, exactly as written.",
                f"{shown} goes in as the {what}.",
                f"For the {what} I'll pass {shown}, which they supplied.",
                f"No guessing on the {what}: the request says {shown}.",
                f"Their message names {shown}; that fills the {what}.",
            )
        if defaults:
            param = self.rng.choice(defaults)
            default, what = properties[param]["default"], _words(param)
            return self.pick(
                f"The {what} of {step.name} is optional; its default ({_short(default)}) is fine here.",
                f"Nothing was said about the {what}, so I'll leave it at {_short(default)}.",
                f"I won't set {what}: the default {_short(default)} matches the request.",
            )
        return ""

    def _wording(self, step: Step, param: str) -> str | None:
        """The user's words for an argument when they differ from the value passed ("March 4th 2026"
        for 2026-03-04, "all the way down" for 1.0), if the request has them."""
        value = step.call.arguments[param]
        if isinstance(value, (list, dict)):
            return None
        phrase = self.brief.speaker.literal(step, param)
        if phrase.strip("'\"") == str(value) or (isinstance(value, str) and value.lower() in phrase.lower()):
            return None
        return user_wording(phrase, self.brief.query)

    def args(self, step: Step) -> str:
        """A mention of the call's user-given arguments (" with file name 'a.txt'"), sometimes left out."""
        given = [
            (param, _short(value))
            for param, value in step.call.arguments.items()
            if param not in step.sources and _short(value) not in self.said
        ]
        if not given or self.rng.random() < 0.2:
            return ""
        self.said.update(value for _, value in given[:3])
        shown = [f"{_words(param)} {value}" for param, value in given[:3]]
        return self.pick(" with ", " on ", " using ", " for ", " given ") + self.chain(shown)

    def parallel(self, group: list[Step]) -> str:
        names = _listing([step.name for step in group])
        linked = [(step, enabled(step, group)) for step in group]
        linked = [(step, link) for step, link in linked if link is not None]
        if linked:
            step, (later, _) = linked[0]
            return self.pick(
                f"Calls in one message run in order, so {step.name} will be done before {later.name} starts.",
                f"I can send these together as long as {step.name} comes before {later.name}.",
                f"One batch, in order: {names}.",
            )
        shared = _shared_value(group)
        if shared is not None:
            earlier, later, value = shared
            return self.pick(
                f"{later.name} works on {value} after {earlier.name} does; calls in one message run in "
                "order, so one batch is safe.",
                f"Both {earlier.name} and {later.name} touch {value}, so {earlier.name} goes first.",
                f"Order matters for {value}: {earlier.name}, then {later.name}, in one message.",
            )
        means = [step for step in group if step not in self.brief.stated and step not in self.brief.targets]
        if means and means[0] is group[0]:
            return self.pick(
                f"{means[0].name} leads the batch, the rest after it: {names}.",
                f"One message, with {means[0].name} first: {names}.",
            )
        if self.rng.random() < 0.85:
            return ""
        return self.pick(
            f"None of these depend on each other, so {names} can go out together.",
            f"{names} are independent of one another; I'll send them in one go.",
            "No call here needs another's result, so they can run at once.",
            "These don't wait on each other, so I'll batch them.",
            f"None of {names} waits for another's result; calling them together is fine.",
        )

    def _explained(self, shown: str) -> bool:
        """Whether an earlier turn's reasoning already said where this value comes from."""
        return any(
            shown in (message.get("reasoning_content") or "")
            for message in self.brief.history
            if message.get("role") == "assistant"
        )

    def flows(self, group: list[Step]) -> list[str]:
        """One sentence per value the group takes from a result, naming every call that uses it."""
        users: dict[tuple[int, int, str], list[tuple[Step, str]]] = {}
        for step in group:
            for param, source in step.sources.items():
                value = _short(step.call.arguments.get(param))
                users.setdefault((source.turn, source.index, value), []).append((step, param))
        return [self.flow(uses, self.brief.speaker.steps.get(key[:2]), key[0]) for key, uses in users.items()]

    def flow(self, uses: list[tuple[Step, str]], producer: Step | None, turn: int) -> str:
        """Where a value comes from: this turn's result, or an earlier turn's (and the user's words that
        point back at it)."""
        step, param = uses[0]
        shown = _short(step.call.arguments.get(param))
        self.said.add(shown)
        what = _words(param)
        takers = _listing(list(dict.fromkeys(use.name for use, _ in uses)))
        if turn < self.brief.turn and producer is not None:
            source = step.sources[param]
            earlier = self.keep(third_person(self.brief.speaker.refer(source)))
            ago = _ago(self.brief.turn - turn)
            if self._explained(shown):  # told in an earlier turn's reasoning: a short mention will do
                verb = "" if len(uses) > 1 else "s"
                return self.pick(
                    f"{takers} reuse{verb} {shown} from {producer.name}.",
                    f"{takers} take{verb} {shown} again, as {producer.name} gave it.",
                    f"{shown} from {producer.name} {ago} goes in as the {what} again.",
                    f"Again the {what} is {shown} ({producer.name}).",
                )
            said = pointer(self.brief.query, noun_for(source.resource))
            if said in self.pointed:
                said = None
            self.pointed.add(said)
            if said is not None:
                said = self.keep(_quote(said))
                return self.pick(
                    f"{said} in the message points back at {shown}, which {producer.name} gave {ago}; "
                    f"{takers} get{'s' if len(uses) == 1 else ''} it as the {what}.",
                    f"By {said} they mean {shown}, from {producer.name} {ago}.",
                    f"They wrote {said} - that is {shown}, the {what} {producer.name} returned {ago}.",
                )
            return self.pick(
                f"The {what} {shown} came back from {producer.name} {ago} ({earlier}), so no new look-up.",
                f"{self.case_first(earlier, upper=True)} is {shown}; {producer.name} gave me that {ago}, "
                f"so {takers} can reuse it.",
                f"No lookup needed for the {what}: {producer.name} already said {shown} {ago}.",
                f"I still have {shown} from {producer.name} ({earlier}); it fills the {what} of {takers}.",
            )
        name = producer.name if producer is not None else "the last call"
        return self.pick(
            f"{name} gave {shown}, and that is the {what} {takers} needs.",
            f"So the {what} is {shown} (from {name}).",
            f"From {name}'s result, {what} = {shown}; that goes into {takers}.",
            f"{name} answered with {shown}; I'll pass it on as the {what}.",
            f"{takers} can take {shown} as the {what}, straight from {name}.",
        )

    def onward(self, group: list[Step]) -> str:
        names = _listing([step.name for step in group])
        return self.pick(
            f"Next: {names}.",
            f"On to {names}.",
            f"That unblocks {names}.",
            f"Now {names} can run.",
        )

    def read(self, step: Step, content: str, final: bool = False) -> str:
        """What a result says: a failure is named and acted on; a success quotes its telling field."""
        reason = failure_reason(content, step.name, step.spec.mutates_state)
        if reason is not None:
            self.failures.append((step, reason))
            self.noted.add(step.name)
            quoted = clip(content, 120)
            action = self.pick(
                "I'll tell the user it failed rather than pretend otherwise.",
                "I shouldn't report this as done; the user should know it didn't work.",
                "No fix I can make alone would change that, so I'll report the failure and its reason.",
                "Retrying with the same input would fail the same way, so the honest move is to report it.",
            )
            if not final:
                action += self.pick(
                    " The remaining calls don't hinge on it, so I'll carry on with them.",
                    " The rest of the request is separate, so I'll still do it.",
                    "",
                )
            return self.pick(
                f"{step.name} didn't go through: it returned {quoted}. {action}",
                f"That failed. {step.name} says {quoted}. {action}",
                f"Problem: {step.name} came back with {quoted}, so it did not work. {action}",
                f"{step.name} failed ({reason}). {action}",
            )
        found = _parsed(content)
        if found in ("", [], {}) or (
            isinstance(found, dict) and all(v in ("", [], {}) for v in found.values())
        ):
            return self.empty(step)
        if not step.spec.mutates_state and isinstance(found, dict):
            flags = [(key, flag) for key, flag in found.items() if isinstance(flag, bool)]
            if flags and len(found) <= 2:
                return self.flag(step, *flags[0])
        fields = [
            (key, value)
            for key, value in telling_fields(content)
            if value not in self.said or len(value) <= 5  # a repeated true or 0 is still news
        ]
        # a stock confirmation sentence says less than an id or a number beside it
        plain = [f for f in fields if not _stock(f[1])]
        if fields and not plain and self.rng.random() < 0.7:  # only a canned "... successfully" line
            return self.pick(
                f"{step.name} confirmed it.", f"{step.name} went through.", f"{step.name} is done."
            )
        fields = plain or fields[:1]
        self.said.update(value for _, value in fields)
        if not fields:
            return self.pick(f"{step.name} went through.", f"{step.name} worked.") if final else ""
        shown = [value if key == "result" else f"{_words(key)} {value}" for key, value in fields]
        said = self.chain(shown[: self.rng.choice((3, 4))])
        return self.pick(
            f"{step.name} returned {said}.",
            f"The result of {step.name} shows {said}.",
            f"{step.name} reports {said}.",
            f"Looking at {step.name}'s output: {said}.",
            f"According to {step.name}: {said}.",
            f"From {step.name} I got {said}.",
            f"{step.name} came back: {said}.",
        )

    def empty(self, step: Step) -> str:
        """An empty result read for what it means: nothing matched this call's inputs."""
        self.noted.add(step.name)
        what = listed(step)
        inputs = [f"{_words(p)} {_short(v)}" for p, v in step.call.arguments.items()][:2]
        scope = f" for {' and '.join(inputs)}" if inputs else ""
        return self.pick(
            f"{step.name} came back empty{scope}: no {what} at all.",
            f"No {what}{scope} - {step.name} returned nothing.",
            f"Nothing turned up{scope}; {step.name} lists no {what}.",
            f"{step.name} found no {what}{scope}, so that part of the answer is 'none'.",
        )

    def flag(self, step: Step, key: str, value: bool) -> str:
        """A yes/no look-up read as the answer it gives."""
        shown = "true" if value else "false"
        if "login" in key or step.name.endswith("get_login_status"):
            meaning = "a session is open" if value else "nobody is logged in there yet"
        else:
            meaning = f"the answer to '{self.intent(step)}' is {'yes' if value else 'no'}"
        return self.pick(
            f"{step.name} says {_words(key)} {shown}, so {meaning}.",
            f"{_words(key).capitalize()} is {shown}: {meaning}.",
            f"The {_words(key)} from {step.name} is {shown} - {meaning}.",
        )

    def finish(self) -> str:
        """Why the turn is over: every goal has its result (or a failure the answer must report), and
        what the reply has to carry."""
        targets = self.brief.targets
        names = _listing([step.name for step in targets])
        if self.failures:
            step, reason = self.failures[0]
            return self.combine(
                [
                    f"{step.name} failed ({clip(reason, 120)})",
                    f"{step.name} did not do what was asked: {clip(reason, 120)}",
                    f"not everything went through ({step.name} did not)",
                ],
                [
                    "my answer has to say so plainly",
                    "I'll explain that, with the reason it gave",
                    "the reply must report the failure instead of claiming success",
                ],
            )
        summary = [report(step, self.brief.speaker, step.result.content).rstrip(".") for step in targets]
        if self.rng.random() < 0.15 and all(summary):
            told = self.keep("; ".join(dict.fromkeys(_their(part) for part in summary)))
            return self.pick(
                f"So what they'll hear: {told}.",
                f"All in all, {told} - that covers the request.",
                f"That leaves nothing open: {told}.",
            )
        means = [
            step.name for step in self.brief.steps if step not in self.brief.stated and step not in targets
        ]
        reasons = [f"{names} ran", f"{names} answered it", f"{names} did it", f"{names} came through"]
        if not means and self.rng.random() < 0.6:
            return ""  # the closing reading says it: the goals' results are in
        if means:
            helpers = _listing(list(dict.fromkeys(means)))
            reasons = [
                f"{helpers} only cleared the way for {names}",
                f"{names} did the job, and {helpers} only prepared it",
            ]
        asked = [
            _words(key)
            for step in targets
            if not step.spec.mutates_state
            and isinstance(found := _parsed(step.result.content), dict)
            and 0 < len(found) <= 2
            and isinstance(next(iter(found.values())), (str, int, float))
            and (key := next(iter(found))) != "result"
        ]
        actions = ["I can answer", "time to reply", "answer now"]
        if asked:
            actions = [f"the reply gives the {self.chain(asked)}", f"they get the {self.chain(asked)}"]
        elif all(step.spec.mutates_state for step in targets):
            actions += ["the reply confirms the change", "a short confirmation will do"]
        return self.combine(reasons, actions, SHORT_SHAPES)


YOURS = {"your": "their", "you're": "they're", "you've": "they've", "you are": "they are", "yours": "theirs"}


def _their(text: str) -> str:
    """A reply's words about the user, retold in the third person ("your post" -> "their post")."""
    text = re.sub(
        r"\b(?:[Yy]our|[Yy]ou're|[Yy]ou've|[Yy]ou are|[Yy]ours)\b", lambda m: YOURS[m.group(0).lower()], text
    )
    return text[0].lower() + text[1:] if text[:1].isupper() and text[1:2].islower() else text


def _quote(text: str) -> str:
    """The user's words in quotes: double quotes when they hold an apostrophe."""
    return f'"{text}"' if "'" in text else f"'{text}'"


def _words(name: str) -> str:
    """A parameter or field name as words; a one-letter name stays quoted ("the 'a' value")."""
    spoken = words(name)
    return f"'{spoken}' value" if len(spoken) == 1 else spoken


def _ago(turns: int) -> str:
    return {1: "in the last turn", 2: "two turns back"}.get(turns, "several turns back")


def _listing(items: list[str]) -> str:
    """ "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _shared_value(group: list[Step]) -> tuple[Step, Step, str] | None:
    """Two calls of a batch that name the same value (a file one creates and the other reads)."""
    for position, earlier in enumerate(group):
        mine = {
            _short(v)
            for p, v in earlier.call.arguments.items()
            if p not in earlier.sources and not isinstance(v, bool) and len(str(v)) > 2
        }
        for later in group[position + 1 :]:
            for param, value in later.call.arguments.items():
                if param not in later.sources and _short(value) in mine:
                    return earlier, later, _short(value)
    return None


def _parsed(content: str) -> Any:
    """A result string as a value (JSON, or a printed Python list), else the string."""
    try:
        return json.loads(content)
    except (TypeError, ValueError):
        return literal(content)  # some tools print Python lists


def telling_fields(content: str) -> list[tuple[str, str]]:
    """The fields of a result worth quoting, as (name, short value) pairs; [] for an empty result."""
    value = _parsed(content)
    if value is None or value in ("", [], {}):
        return []
    if not isinstance(value, dict):
        return [("result", _short(value, rounded=True))]
    return [(key, _short(item, rounded=True)) for key, item in value.items()]


def _stock(text: str) -> bool:
    """A canned confirmation in a result ("Message sent to 'USR005' successfully.")."""
    return bool(re.search(r"successful|\bsuccess", text, re.IGNORECASE)) and len(text) > 20


def _short(value: Any, rounded: bool = False) -> str:
    """A value as quoted in the CoT: exact for arguments, rounded for results being read."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, str) and re.fullmatch(r"[\w.@#/-]+", value) and not value.isalpha():
        return value  # an id or file name reads fine bare
    if isinstance(value, str) and not (rounded and NUMBER_REPR.search(value)):
        text = repr(value)
    elif isinstance(value, (int, float)) and not rounded:
        text = json.dumps(value)
    else:
        text = say_value(value)
    return clip(text, 120)
