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
from funreason_envs.graph import extract_values
from funreason_envs.synthesis.answers import say_value
from funreason_envs.synthesis.language import QUOTED, third_person, words
from funreason_envs.synthesis.outcomes import failure_reason
from funreason_envs.synthesis.trace import Source, Step

if TYPE_CHECKING:
    from funreason_envs.synthesis.roles.base import TurnBrief

# Equivalent wordings a sentence's common phrases are swapped for, so shapes multiply.
SYNONYMS: dict[str, tuple[str, ...]] = {
    phrase: (phrase, *others)
    for phrase, others in {
        "i'll call": ("I'll run", "I'm going to call", "let me call", "I'll use", "I should call"),
        "first": ("beforehand", "up front", "to begin with", "at the start"),
        "needs": ("requires", "expects", "has to have", "relies on"),
        "the user": ("the person", "they", "the requester"),
        "didn't mention it": ("never mentioned it", "left that out", "didn't say so"),
        "so i'll": ("which means I'll", "therefore I'll", "so I will", "hence I'll"),
        "i don't have": ("I lack", "I'm missing", "nothing gives me", "I haven't got"),
        "comes first": ("has to run first", "goes before it", "must come earlier", "is step one"),
        "is the call": ("is the right call", "fits", "is what I need", "does exactly that"),
        "is the tool for it": ("fits that", "is made for this", "does that job", "covers it"),
        "handles that": ("deals with that", "does that", "takes care of that", "covers that"),
        "time to reply": ("I'll answer now", "time to write back", "I can respond", "over to the reply"),
        "returned": ("gave back", "came back with", "answered with", "reported"),
        "went through": ("ran fine", "completed", "worked as expected", "finished without complaint"),
        "succeeded": ("was fine", "did its job", "reported no problem", "came back clean"),
        "worked": ("went fine", "is done", "was accepted", "ran without error"),
        "together": ("in parallel", "in one batch", "at the same time", "side by side"),
        "in order": ("in sequence", "one after another", "in the order given"),
        "earlier": ("before", "previously", "a while ago", "in a previous turn"),
        "look it up": ("fetch it", "find it", "ask for it", "query it"),
        "straight from": ("directly from", "taken from", "as given by", "copied from"),
        "i'll pass it on": ("I'll hand it over", "I'll feed it in", "I'll use it", "I'll plug it in"),
        "the request": ("the ask", "what was asked", "the message", "this request"),
        "is everything": ("is all", "covers everything", "is the whole of what"),
        "report back": ("summarise", "write the answer", "tell them", "wrap up"),
        "i'll summarise": ("I'll sum up", "let me sum it up", "I'll write it up", "I'll recap"),
        "should give it to me": ("will provide it", "can supply it", "returns it", "will hand it over"),
        "takes care of it": ("sorts that out", "handles it", "makes it so", "fixes that"),
        "sets that up": ("arranges that", "prepares that", "makes that true", "gets that in place"),
        "depends on": ("relies on", "builds on", "waits on", "needs"),
        "is how i get it": ("gets it for me", "provides it", "is where it comes from", "can fetch it"),
        "the order matters": ("order is important here", "sequence matters", "mind the order"),
        "so the job is to": ("so I have to", "the job:", "my task is to", "in short, I should"),
        "okay, i need to": ("right, I need to", "alright, I have to", "fine: I need to", "so, I must"),
        "according to": ("per", "going by", "based on", "as reported by"),
        "looking at": ("checking", "reading", "scanning", "inspecting"),
        "shows": ("lists", "has", "contains", "gives"),
        "plan:": ("plan of attack:", "steps:", "route:", "outline:"),
    }.items()
}
VARIANTS = re.compile(
    r"(?<![\w'])(" + "|".join(re.escape(p) for p in sorted(SYNONYMS, key=len, reverse=True)) + r")(?![\w'])",
    re.IGNORECASE,
)

LAYOUTS = ("plan", "stepwise", "result_first", "terse")

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
    description = domain_class(domain).spec().conditions.get(condition, words(condition))
    clause = description.split(",")[0].strip().rstrip(".")
    return clause[0].lower() + clause[1:] if clause else words(condition)


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

    def __init__(self, brief: TurnBrief, rng: random.Random) -> None:
        self.brief = brief
        self.rng = rng
        self.layout = rng.choice(LAYOUTS)
        self.failures: list[tuple[Step, str]] = []

    def pick(self, *options: str) -> str:
        """One of the sentence shapes, with its common phrases swapped for equivalents (quotes untouched)."""
        parts = QUOTED.split(self.rng.choice(options))
        return "".join(part if i % 2 else VARIANTS.sub(self._vary, part) for i, part in enumerate(parts))

    def _vary(self, match: re.Match[str]) -> str:
        found = match.group(0)
        options = SYNONYMS[found.lower()]
        chosen = self.rng.choice(options)
        return chosen[0].upper() + chosen[1:] if found[0].isupper() else chosen

    # -- the three moments ----------------------------------------------------------------------

    def opening(self, groups: list[list[Step]]) -> str:
        """Before the first calls: the goal, then the plan or just the first step, per the layout."""
        first = groups[0]
        sentences: list[str] = []
        if self.layout != "terse" or self.rng.random() < 0.3:
            sentences.append(self.goal())
        if self.layout == "plan" and sum(len(group) for group in groups) > 1:
            sentences.append(self.plan(groups))
            sentences.extend(self.why(step) for step in first if self._needs_explaining(step))
        else:
            sentences.extend(self.why(step) for step in first)
        if len(first) > 1:
            sentences.append(self.parallel(first))
        return join(sentences)

    def next_step(self, group: list[Step], done: list[tuple[Step, str]]) -> str:
        """Between calls: read what came back, carry values forward, explain the next call(s)."""
        reading = [self.read(step, content) for step, content in done]
        reading = [sentence for sentence in reading if sentence]
        flows = [self.flow(step, param, source) for step in group for param, source in step.sources.items()]
        reasons = [] if self.layout == "plan" else [self.why(step) for step in group]
        if self.layout == "plan" and self.rng.random() < 0.5:
            reasons = [self.onward(group)]
        if self.layout == "terse":
            reading = reading[:1] if any(c for _, c in done if failure_reason(c)) else []
        parts = [*reading, *flows, *reasons] if self.layout != "stepwise" else [*flows, *reading, *reasons]
        if len(group) > 1:
            parts.append(self.parallel(group))
        return join(parts)

    def closing(self, done: list[tuple[Step, str]]) -> str:
        """After the last results: what they say, and why nothing is left to do."""
        reading = [self.read(step, content, final=True) for step, content in done]
        reading = [sentence for sentence in reading if sentence]
        if self.layout == "terse":
            reading = reading[-1:]
        return join([*reading, self.finish()])

    # -- sentence kinds -------------------------------------------------------------------------

    def goal(self) -> str:
        intents = [third_person(self.brief.speaker.intent(step)) for step in self.brief.stated]
        request = self.chain(intents)
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
        joiner = self.pick(" and ", ", then ", ", and after that ", " and also ")
        return ", ".join(clauses[:-1]) + joiner + clauses[-1] if joiner == " and " else joiner.join(clauses)

    def plan(self, groups: list[list[Step]]) -> str:
        names = [" and ".join(step.name for step in group) for group in groups]
        order = " -> ".join(names) if self.rng.random() < 0.3 else self.chain(names)
        return self.pick(
            f"Working backwards from what's needed, the order is {order}.",
            f"Plan: {order}.",
            f"That works out to {order}.",
            f"The calls, in order: {order}.",
            f"I'll go {order}.",
            f"Sequence I have in mind: {order}.",
        )

    def _needs_explaining(self, step: Step) -> bool:
        return step not in self.brief.stated

    def why(self, step: Step) -> str:
        """Why this call, now: it is asked for, it feeds a later call, or a later call needs its effect."""
        steps = self.brief.steps
        feeds = consumers(step, steps)
        if feeds:
            later, param = feeds[0]
            what = words(param)
            return self.pick(
                f"{later.name} needs the {what}, which I don't have yet; {step.name}{self.args(step)} "
                "should give it to me.",
                f"Before {later.name} I need its {what}, and {step.name} is how I get it.",
                f"The {what} for {later.name} isn't known, so {step.name}{self.args(step)} comes first.",
                f"I can't fill in {later.name}'s {what} without looking it up: {step.name} first.",
                f"To get the {what} that {later.name} takes, I'll call {step.name}{self.args(step)}.",
                f"{step.name} will tell me the {what}; {later.name} depends on it.",
            )
        link = enabled(step, steps)
        if link is not None:
            later, condition = link
            state = condition_words(step.spec.domain, condition)
            if step not in self.brief.stated:
                return self.pick(
                    f"The user didn't mention it, but {later.name} won't work unless {state}, so I'll "
                    f"call {step.name} first.",
                    f"{later.name} requires that {state}. Nothing so far makes sure of that, so "
                    f"{step.name} has to run before it, even though it wasn't asked for.",
                    f"One thing the request leaves out: {state} must hold before {later.name}. "
                    f"{step.name} takes care of it.",
                    f"Unasked, but necessary: {step.name}, because {later.name} only runs when {state}.",
                    f"If I went straight to {later.name} it would fail, since it needs {state}; "
                    f"{step.name} sets that up.",
                )
            return self.pick(
                f"{step.name} goes first: besides being asked for, it makes sure {state}, and {later.name} "
                "depends on that.",
                f"The order matters: {later.name} works only if {state}, which {step.name} brings about.",
                f"{step.name} before {later.name}, since the second one requires that {state}.",
            )
        if step in self.brief.stated:
            intent = third_person(self.brief.speaker.intent(step))
            return self.pick(
                f"{step.name}{self.args(step)} covers the part about how to {intent}.",
                f"{step.name} is the call for the request to {intent}.",
                f"{step.name} handles that{self.args(step)}.",
                f"That part maps to {step.name}{self.args(step)}.",
                f"{step.name} is the tool for it.",
                f"To {intent}, I'll use {step.name}.",
            )
        return self.pick(
            f"{step.name}{self.args(step)} prepares things for {self.brief.target.name}.",
            f"I'll call {step.name} first so {self.brief.target.name} finds things as it expects.",
            f"{self.brief.target.name} depends on the state {step.name} leaves behind, so that comes first.",
        )

    def args(self, step: Step) -> str:
        """ " on 'a.txt'"-style mention of the call's user-given arguments (sometimes left out)."""
        given = [value for param, value in step.call.arguments.items() if param not in step.sources]
        shown = [say_value(value) if not isinstance(value, str) else repr(value) for value in given[:2]]
        if not shown or self.rng.random() < 0.4:
            return ""
        return f" with {' and '.join(shown)}"

    def parallel(self, group: list[Step]) -> str:
        names = self.chain([step.name for step in group])
        linked = [(step, enabled(step, group)) for step in group]
        linked = [(step, link) for step, link in linked if link is not None]
        if linked:
            step, (later, _) = linked[0]
            return self.pick(
                f"Calls in one message run in order, so {step.name} will be done before {later.name} starts.",
                f"I can send these together as long as {step.name} comes before {later.name}.",
                f"One batch, in order: {names}.",
            )
        return self.pick(
            f"None of these depend on each other, so {names} can go out together.",
            f"{names} are independent of one another; I'll send them in one go.",
            "No call here needs another's result, so they can run at once.",
            "These don't wait on each other, so I'll batch them.",
            f"{names} share no inputs or outputs; calling them together is fine.",
        )

    def flow(self, step: Step, param: str, source: Source) -> str:
        value = step.call.arguments.get(param)
        shown = repr(value) if isinstance(value, str) else say_value(value)
        producer = self.brief.speaker.steps.get((source.turn, source.index))
        what = words(param)
        if source.turn < self.brief.turn and producer is not None:
            earlier = third_person(self.brief.speaker.refer(source))
            return self.pick(
                f"The {what} {shown} came back from {producer.name} earlier in the conversation "
                f"({earlier}), so I don't need to look it up again.",
                f"I already have the {what}: {shown}, from {earlier}, which {producer.name} returned "
                "in an earlier turn.",
                f"{earlier.capitalize()} is {shown}; {producer.name} gave me that before, so I'll reuse it "
                f"for {step.name}.",
                f"No lookup needed for the {what}: the earlier {producer.name} result already said {shown}.",
            )
        name = producer.name if producer is not None else "the last call"
        return self.pick(
            f"{name} gave {shown}, and that is the {what} {step.name} needs.",
            f"So the {what} is {shown} (from {name}).",
            f"From {name}'s result, {what} = {shown}; that goes into {step.name}.",
            f"{name} answered with {shown}; I'll pass it on as the {what}.",
            f"Now I have the {what}: {shown}.",
            f"{step.name} can take {shown} as the {what}, straight from {name}.",
        )

    def onward(self, group: list[Step]) -> str:
        names = self.chain([step.name for step in group])
        return self.pick(
            f"Next: {names}.",
            f"On to {names}.",
            f"That unblocks {names}.",
            f"Now {names} can run.",
        )

    def read(self, step: Step, content: str, final: bool = False) -> str:
        """What a result says: a failure is named and acted on; a success quotes its telling field."""
        reason = failure_reason(content, step.name)
        if reason is not None:
            self.failures.append((step, reason))
            quoted = content if len(content) <= 120 else content[:117] + "..."
            action = self.pick(
                "I'll tell the user it failed rather than pretend otherwise.",
                "I shouldn't report this as done; the user needs to know it didn't work.",
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
        field, value = telling_field(step)
        if field is None or self.rng.random() < 0.25:
            return (
                ""
                if not final
                else self.pick(
                    f"{step.name} went through.", f"{step.name} worked.", f"{step.name} succeeded."
                )
            )
        return self.pick(
            f"{step.name} returned {field} {value}.",
            f"The result of {step.name} shows {field}: {value}.",
            f"{step.name} says {field} is {value}.",
            f"Looking at {step.name}'s output: {field} {value}.",
            f"According to {step.name}, {field} = {value}.",
        )

    def finish(self) -> str:
        goals = [step.name for step in self.brief.targets]
        names = self.chain(goals)
        if self.failures:
            failed = self.chain([step.name for step, _ in self.failures])
            return self.pick(
                f"Everything has run, but {failed} failed, so my answer has to say so plainly.",
                f"I'm done calling tools. Since {failed} didn't work, I'll explain that with the reason.",
                f"Nothing more to call; the reply must report the failure of {failed}.",
            )
        return self.pick(
            f"That covers {names}, which is everything requested; time to reply.",
            f"Nothing is left to call: {names} {'is' if len(goals) == 1 else 'are'} done.",
            f"All requested parts are handled ({names}). I'll summarise.",
            f"With {names} finished, the request is complete.",
            "That was the last piece, so I can answer now.",
            "Every part of the request has a result now. Writing the answer.",
            f"{names} {'was' if len(goals) == 1 else 'were'} the point of the request, and "
            f"{'it has' if len(goals) == 1 else 'they have'} run; I'll report back.",
        )


def telling_field(step: Step) -> tuple[str | None, str]:
    """The result field worth quoting (the one a later call used, else the first short one)."""
    value = step.result.value
    if not isinstance(value, dict) or not value:
        return (None, "") if value is None else ("the result", say_value(value))
    for produced in step.spec.produces:
        key = produced.at.split(".")[0].rstrip("[]{}")
        if key in value and extract_values(value, produced.at):
            return key, _short(value[key])
    key = next(iter(value))
    return key, _short(value[key])


def _short(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    text = repr(value) if isinstance(value, str) else say_value(value)
    return text if len(text) <= 80 else text[:77] + "..."


def join(sentences: list[str]) -> str:
    return " ".join(dict.fromkeys(sentence for sentence in sentences if sentence))
