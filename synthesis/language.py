"""Words for steps: how a user states a goal or points at a value, and how an assistant reports a result.

Templates come from the domain kits' phrasebooks. `{param}` renders an argument the way a user would
say it: a value the user knows is quoted (or shown through the kit's `display` words); a value an
earlier result produced is never stated, but described through the producer's `refer` phrase, built
recursively from the producer's own arguments. `{result.key}` renders part of a step's result.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from funreason_envs.graph import extract_values
from funreason_envs.synthesis.kits import PLACE, DomainKit
from funreason_envs.synthesis.trace import Source, Step

PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.]*)\}")
ALTERNATIVES = re.compile(r"\[([^\[\]]*\|[^\[\]]*)\]")  # "[a|b|]": one of a, b or nothing
# A connecting word left hanging once an omitted argument is cut out ("a folder called" + nothing).
DANGLING = re.compile(
    r"(?:,?\s+(?:\w+ed|heading|going|talking))?(?:\s+(?:called|named|titled|saying|as|to|into|for|with|of|in|from|on|at|by|about|under|over|and))+\s*(?=$|[,.;])"
)
# A left-out value that reads badly: "which some sector stocks", "the some folder folder", "a ticket some
# title", "some unit in to metres", "some amount shares", "payee some payee".
AWKWARD_GAP = re.compile(
    r"\b(?:the|a|an|which|my|your|that|ticket|card|file|folder|order|post|titled|called|named) some\b"
    r"|\bsome ([a-z]+)(?: [a-z]+)? \1\b|\bsome [a-z]+(?: [a-z]+)? (?:in to|stocks|shares|status|readings)\b"
    r"|\bsome unit (?:in|out)\b|\bsome [a-z]+ [A-Z]+ shares\b"
    r"|\b([a-z]+(?: [a-z]+)?) some \2\b"  # a spec-worded argument: "with from account some from account"
    r"|\b(?:as|with|to|of|for|into|from|by)$"
)
RESULT_LIMIT = 240
# Words before an argument that let a sentence end without it ("send it to {x}" -> "send it").
CUTTABLE = r"\b(?:called|named|as|to|into|for|with|of|in|from|on|at|by|about|under|know|saying)\s+"
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)  # fmt: skip
BARE = re.compile(r"^[A-Za-z0-9@#](?:[\w@#.\-]*\w)?$")
SHORT_REFERENCE_RATE = 0.6
# What may follow a value in a template where no "from before" can go in between ("{value} {unit_in}",
# "round {number} off to").
PARTICLE_AFTER = re.compile(r" (?:\{|off\b|out\b|up\b|down\b|of\b)")
EARLIER_MARKS = (
    " from earlier", " from before", " we talked about", " we looked at", " from a minute ago",
    " I asked about earlier", " we had before", " from the last step",
)  # fmt: skip
MARKED_EARLIER = re.compile(
    r"\b(?:from before|from earlier|I gave you|talked about|looked at|a minute ago|asked about|had before|"
    r"last step|earlier|the start|my list|that list|same list|I listed|those|"
    r"the list that|first message|I (?:just )?(?:\w+ed|put in|bought|made|sent|got|wrote))\b"
)
LONG_LIST = 3  # a list this long is typed once, then referred to ("those numbers")
# What a user calls a kind of value when pointing back at it ("that person from before").
RESOURCE_NOUNS = {
    "text": "text", "number": "number", "ticket_text": "ticket text", "stock_symbol": "stock",
    "list_statistic": "figure", "tweet_id": "post", "order_id": "order", "money": "amount",
    "directory_name": "folder", "booking_id": "booking", "ticket_id": "ticket", "posting_username": "account",
    "open_order_id": "order", "cash_amount": "amount", "watchlist_symbol": "stock", "ratio": "result",
    "message_receiver_id": "person", "message_user_id": "person", "message_contact_id": "person",
    "message_user_name": "person", "measurement": "result", "fuel_level": "fuel level", "file_name": "file",
    "computed_value": "result", "card_id": "card", "airport_code": "airport", "zipcode": "zip code",
    "stock_price": "price", "power_value": "result", "magnitude": "result", "insurance_id": "insurance",
    "gallons": "amount of fuel", "distance": "distance", "difference": "difference", "access_token": "token",
}  # fmt: skip
# The head of a `refer` phrase: "the average of {numbers}" -> "average" (one or two words, then a
# preposition and an argument).
HEAD = re.compile(r"^the ((?:[a-z]+ )?[a-z]+) (?:of|from|by|for|between|on) \{")
NOT_HEADS = {"largest", "smallest", "end", "result", "sum", "total"}  # no noun alone, or any number
# Nouns for plain numbers: "the last figure you got" means the last number of any of these kinds.
PLAIN_NUMBERS = {"figure", "result", "number", "amount"}
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
PERSON_RESOURCES = ("user", "name", "receiver", "author", "person", "contact")


class Speaker:
    """Renders phrasebook templates for executed steps."""

    def __init__(
        self, kits: Mapping[str, DomainKit], steps: Mapping[tuple[int, int], Step], rng: random.Random
    ):
        self.kits = kits
        self.steps = steps
        self.rng = rng
        self.persona: Any = None  # the conversation's `Persona`, set by the pipeline
        self.typo_rate = 0.0
        self.introduced = False  # the persona has introduced themselves in a user turn
        self.asides_said: set[str] = set()  # detail and aside templates this conversation already used
        # While a user query is being written: its turn, and the steps it already named (their results
        # can then be called "it"); None otherwise (the assistant's side keeps full references).
        self.voice: Voice | None = None

    def _phrases(self, step: Step) -> Any:
        return self.kits[step.spec.domain].phrases

    # -- arguments -------------------------------------------------------------------------------

    def argument(self, step: Step, param: str, plain: bool = False) -> str:
        """How a user says this argument: a literal, or a reference to where it came from; `plain`
        when a unit word follows, so no "it" or "from before" can land in front of it."""
        source = step.sources.get(param)
        if source is not None:
            return self.refer(source, plain, holder=step)
        if self.voice is not None and self.voice.omit == (step.key, param):
            return f"some {self.noun(step, param)}"  # a vague query leaves it out wherever it appears
        value = step.call.arguments.get(param)
        if self.voice is not None and isinstance(value, list) and len(value) >= LONG_LIST:
            return self._list_literal(step, param, value)
        return self.literal(step, param)

    def _list_literal(self, step: Step, param: str, value: list[Any]) -> str:
        """A list the user typed once is not typed again: later it is "those numbers" (when it is the
        only list said so far) or "the numbers starting 87, 85" (when there are others)."""
        voice = self.voice
        assert voice is not None
        key = repr(value)
        said = voice.lists | self.lists_before(voice.turn)
        if key not in said:
            voice.lists.add(key)
            return self.literal(step, param)
        noun = self.noun(step, param)
        noun = noun if noun.endswith("s") else "numbers"
        if len(said) == 1:
            return self.rng.choice(
                (
                    f"those {noun}", f"the {noun} I gave you", f"my earlier {noun}", "that list",
                    "the same list", "the list I gave you", f"the {noun} from my first message",
                    f"those same {noun}", "my list", f"the {noun} I listed",
                    f"the {noun} I sent earlier", f"the {noun} from my earlier message",
                    "the list from before",
                    f"the {noun} I typed out", f"those {noun} I mentioned", "the same set of numbers",
                    f"the {noun} from the start", f"the {noun} I shared",
                )
            )  # fmt: skip
        start = f"{speak_value(value[0])}, {speak_value(value[1])}"
        return self.rng.choice(
            (
                f"the {noun} starting {start}",
                f"the list that begins {start}",
                f"the {noun} that open with {start}",
            )
        )

    def literal(self, step: Step, param: str) -> str:
        if param in step.call.arguments:
            value = step.call.arguments[param]
        else:
            value = step.spec.parameters.get("properties", {}).get(param, {}).get("default")
        display = self._phrases(step).display.get(f"{step.name}.{param}")
        if display is not None and str(value) in display:
            return display[str(value)]
        if f"{step.name}.{param}" in self._phrases(step).money and isinstance(value, (int, float)):
            return "$" + speak_value(value)
        return speak_value(value)

    def lists_before(self, turn: int) -> set[str]:
        """The long lists (as reprs) the user typed in turns before `turn`."""
        return {
            repr(item)
            for (at, _), other in self.steps.items()
            if at < turn
            for name, item in other.call.arguments.items()
            if isinstance(item, list) and len(item) >= LONG_LIST and name not in other.sources
        }

    def refer(self, source: Source, plain: bool = False, holder: Step | None = None) -> str:
        """How a user (or, outside a query, the assistant) names a value `source` points at; `holder` is
        the step whose argument it is."""
        producer = self.steps[(source.turn, source.index)]
        voice = self.voice
        if source.place is not None:
            return self._refer_by_place(source, producer, holder)
        outer = voice is not None and not voice.nested
        if outer and not plain and producer.key == voice.latest and self.rng.random() < 0.75:
            return "them" if any(word in source.resource for word in PERSON_RESOURCES) else "it"
        if outer and not plain and source.turn < voice.turn and self.rng.random() < SHORT_REFERENCE_RATE:
            options = self._short_references(source, voice) + self._head_references(source, producer, voice)
            if options:
                voice.latest = producer.key
                return self.rng.choice(options)
        template = self._phrases(producer).tool(producer.name).refer.get(source.resource)
        if template is None:  # the sampler only draws flows the kit can refer to
            return f"the {words(source.resource)} from before"
        if voice is None:
            return self.fill(template, producer)
        voice.nested += 1
        try:
            phrase = self.fill(template, producer)
        finally:
            voice.nested -= 1
        if outer and source.turn < voice.turn:
            phrase = _earlier(phrase, self.rng, plain)
        if outer:
            voice.named.add(producer.key)  # said once in full: "it" while nothing newer is named
            voice.latest = producer.key
        return phrase

    def _refer_by_place(self, source: Source, producer: Step, holder: Step | None) -> str:
        """A value pointed at by its place in an earlier listing ("the second item on the list you gave
        me"); never "it" or "that file from before", which would not say which of the listed ones."""
        position, count = source.place or (0, 1)
        voice = self.voice
        described = voice is not None and voice.nested and holder is not None and holder.turn < voice.turn
        if voice is None or described:
            # the assistant names what it took from the listing, and so does a user describing an
            # earlier turn's result by it ("the second post by sofia.brews you showed me")
            return speak_value(_placed_value(producer, source))
        if count == 1:
            place = ""  # "the message about 'dentist' you found": the listing held just that one
        elif position == count - 1 and count > 2 and self.rng.random() < 0.5:
            place = "last"
        else:
            place = ORDINALS[position] if position < len(ORDINALS) else f"number {position + 1}"
        voice.latest = None  # "it" would not say which item of the listing is meant
        if producer.key in voice.named:  # the listing is named once in full, then "the first one"
            return f"the {place} one" if place else "that one"
        voice.named.add(producer.key)
        template = self._phrases(producer).tool(producer.name).refer[source.resource]
        voice.nested += 1
        try:
            return self.fill(template.replace("{" + PLACE + "}", place), producer)
        finally:
            voice.nested -= 1

    def _short_references(self, source: Source, voice: Voice) -> list[str]:
        """A short pointer to an earlier turn's result ("the booking you just made", "that file from
        before") when it is unambiguous to the user: no other earlier result goes by the same noun (all
        plain numbers count as one kind), and "last"/"just got" only for the latest one, with nothing of
        that kind asked for earlier in this very request."""
        thing = noun_for(source.resource)
        kind = noun_kind(thing)
        producers = [
            step
            for key, step in sorted(self.steps.items())
            if key[0] < voice.turn
            and any(noun_kind(noun_for(p.resource)) == kind for p in step.spec.produces)
        ]
        if not producers or producers[-1].key != (source.turn, source.index):
            return []
        named_now = any(
            key[0] == voice.turn and any(noun_kind(noun_for(p.resource)) == kind for p in step.spec.produces)
            for key, step in self.steps.items()
            if key in voice.named
        )
        options = []
        if len(producers) == 1:
            options += [
                f"the {thing} you found earlier",
                f"that {thing} from before",
                f"the same {thing} as before",
                f"the {thing} we had earlier",
                f"the {thing} you came up with",
                f"the {thing} you dug up before",
                f"the {thing} from a little while ago",
                f"the {thing} we got earlier",
            ]
        if not named_now:
            options += [
                f"the last {thing} you got", f"the most recent {thing} you found",
                f"the latest {thing} you saw",
            ]  # fmt: skip
            if source.turn == voice.turn - 1:
                options += [
                    f"the {thing} you just got", f"the {thing} from your last answer",
                    f"the {thing} you just mentioned", f"the {thing} you just told me about",
                    f"the {thing} you've just given me", f"the {thing} in your reply",
                    f"the {thing} you just found",
                ]  # fmt: skip
                if len(producers) == 1:
                    options += [f"that {thing}", f"this {thing}"]
        return options

    def _head_references(self, source: Source, producer: Step, voice: Voice) -> list[str]:
        """Pointers by what the earlier step worked out ("that average", "the product from before"), the
        head of its `refer` phrase without the arguments; only when no other step of the conversation
        (this request's named ones included) called the same tool."""
        template = self._phrases(producer).tool(producer.name).refer.get(source.resource, "")
        head = HEAD.match(template)
        if head is None or head.group(1) in NOT_HEADS:
            return []
        others = [
            key
            for key, step in self.steps.items()
            if step.name == producer.name
            and key != producer.key
            and (key[0] < voice.turn or key in voice.named)
        ]
        if others:
            return []
        noun = head.group(1)
        plural = noun.endswith("s") and not noun.endswith("ss")
        options = [
            f"the same {noun}", f"the {noun} from before", f"{'those' if plural else 'that'} {noun}",
            f"the {noun} we worked out", f"the earlier {noun}",
        ]  # fmt: skip
        options.append(f"the {noun} you {'just ' if source.turn == voice.turn - 1 else ''}worked out")
        return options

    def fill(self, template: str, step: Step) -> str:
        template = choose_alternatives(template, self.rng, extras=self.voice is not None)

        def replace(match: re.Match[str]) -> str:
            key = match.group(1)
            if key.startswith("result."):
                return speak_result(step.result.value, key.removeprefix("result."))
            return self.argument(step, key, plain=bool(PARTICLE_AFTER.match(template, match.end())))

        return counted_plural(" ".join(PLACEHOLDER.sub(replace, template).split()))

    # -- goals and reports -----------------------------------------------------------------------

    def intent(
        self, step: Step, omit: str | None = None, questions: bool = False, reasons: bool = False
    ) -> str:
        """The step as a goal, e.g. "copy 'a.txt' to 'backup'"; `omit` leaves one argument unsaid.
        With `questions`, a phrasebook's direct questions ("what's the balance on card_1?") may be
        drawn too; with `reasons`, its optional extras (", since it's fixed now"); elsewhere (lists,
        the assistant's retelling) only plain verb phrases are."""
        templates = [
            template
            for template in self._usable(step, self._phrases(step).tool(step.name).intent)
            if (questions and omit is None) or not template.endswith("?")
        ]
        smooth = [template for template in templates if not _value_before_argument(step, template)]
        templates = smooth or templates
        if not templates:
            return self._from_spec(step, omit)
        extras = reasons and self.voice is not None
        candidates = [choose_alternatives(t, self.rng, extras) for t in _fullest(templates, step, omit)]
        if omit is None:
            return self.fill(self.rng.choice(candidates), step)
        # Leave the value out where a sentence can end without it ("send it to Bob" -> "let Bob know");
        # elsewhere say that something is missing ("split 40 into some number of parts"), unless that
        # reads badly ("the some folder folder"); with no good wording, the spec's words do.
        self.rng.shuffle(candidates)
        cut = [t for t in candidates if re.search(CUTTABLE + rf"\{{{omit}\}}\s*(,|$)", t)]
        for template in cut + [t for t in candidates if t not in cut]:
            if template in cut:
                template = DANGLING.sub("", template.replace("{" + omit + "}", "")).strip()
                template = re.sub(r"\b(log|sign)$", r"\1 in", template)
            else:
                template = template.replace("{" + omit + "}", f"some {self.noun(step, omit)}")
            text = self.fill(template, step)
            if not AWKWARD_GAP.search(text):
                return text
        return self._from_spec(step, omit)

    def _from_spec(self, step: Step, omit: str | None) -> str:
        """A goal worded from the spec alone (no phrasebook entry): the description's first clause as a
        verb phrase, and each argument with the words a user has for it."""
        action = spec_action(step.spec.description) or f"use {words(step.name)}"
        given = [
            f"{self.noun(step, param)} {self.argument(step, param)}"
            for param in step.call.arguments
            if param != omit
        ]
        if not given:
            return action
        joined = given[0] if len(given) == 1 else ", ".join(given[:-1]) + " and " + given[-1]
        return f"{action}, with {joined}"

    def noun(self, step: Step, param: str) -> str:
        """What a user calls a parameter ("file", "person"): the kit's word, else the parameter's name
        as words without a trailing "id"."""
        nouns = self._phrases(step).nouns
        found = nouns.get(f"{step.name}.{param}") or nouns.get(param)
        if found:
            return found
        spoken = re.sub(r"\s+id$", "", words(param)).strip()
        return spoken if len(spoken) > 1 else "number"

    def context(self, step: Step) -> str | None:
        """How a means-step's user-given inputs are mentioned (e.g. "inside 'reports'"), if it has any."""
        templates = self._usable(step, self._phrases(step).tool(step.name).context)
        if not templates:
            return None
        return self.fill(self.rng.choice(_fullest(templates, step)), step)

    @staticmethod
    def _usable(step: Step, templates: tuple[str, ...]) -> list[str]:
        """Templates whose argument placeholders this call actually set (no "named like None")."""
        return [
            template
            for template in templates
            if all(
                key.startswith("result.") or key in step.call.arguments or key in step.sources
                for key in placeholders(template)
            )
        ]

    def done(self, step: Step) -> str:
        template = self._phrases(step).tool(step.name).done
        if not template:
            return f"Done: {step.name} returned {speak_result(step.result.value, '')}."
        return self.fill(template, step)


@dataclass
class Voice:
    """The state of a user query being written: its turn and the steps it already named."""

    turn: int
    named: set[tuple[int, int]] = field(default_factory=set)
    # the step whose result was named last: only that one may be called "it" (after "drop the sign of
    # the difference", "divide it" means the absolute value, not the difference again)
    latest: tuple[int, int] | None = None
    nested: int = 0  # > 0 while rendering the inside of another reference
    lists: set[str] = field(default_factory=set)  # long lists already typed out in this query
    omit: tuple[tuple[int, int], str] | None = None  # (step key, parameter) a vague query leaves out


def choose_alternatives(template: str, rng: random.Random, extras: bool = True) -> str:
    """A phrasebook template's inline choices resolved: "[find|look up] the fare" -> "look up the fare"
    (in the phrasebook's tool templates, arguments stay outside the brackets). A choice with an empty
    option is an optional extra (a user's reason, "[, since it's fixed now|]"); without `extras` (the
    assistant retelling a goal) it is left out."""

    def choose(match: re.Match[str]) -> str:
        options = match.group(1).split("|")
        return "" if not extras and "" in options else rng.choice(options)

    chosen, found = template, 1
    while found:  # innermost choices first, so "[a [b|c]|d]" nests
        chosen, found = ALTERNATIVES.subn(choose, chosen)
    return re.sub(r" {2,}", " ", chosen).replace(" ,", ",").strip()


OPTIONAL_PLURAL = re.compile(r"\b(?:(1|one) )?([a-z]+)\(s\)")  # "3 line(s)", "1 line(s)"


def counted_plural(text: str) -> str:
    """A phrasebook's "{lines} line(s)" as a person writes it: "1 line", "3 lines"."""
    return OPTIONAL_PLURAL.sub(lambda m: f"{m[1]} {m[2]}" if m[1] else m[2] + "s", text)


def _value_before_argument(step: Step, template: str) -> bool:
    """A referenced value right before another argument ("{value} {unit_in}" would read "the largest
    of those numbers yards") or a possessive ("the second name on the list you gave me's posts"): such
    a template is used only when the tool has no other."""
    return any(
        match.group(1) in step.sources and template.startswith((" {", "'s "), match.end())
        for match in PLACEHOLDER.finditer(template)
    )


def noun_for(resource: str) -> str:
    """What a user calls a kind of value ("order", "figure")."""
    return RESOURCE_NOUNS.get(resource) or re.sub(r"\s+(id|name)$", "", words(resource))


def noun_kind(noun: str) -> str:
    """Nouns a user does not tell apart: any plain number is "a figure" or "a result" to them."""
    return "number" if noun in PLAIN_NUMBERS else noun


def _earlier(phrase: str, rng: random.Random, plain: bool = False) -> str:
    """A reference to an earlier turn's result, marked as such ("that ticket I opened"); a name or a
    value is left as it is ("Eve", not "Eve from before"), and a `plain` one gets no trailing marker."""
    if phrase.startswith("the ") and (plain or rng.random() < 0.7):
        return rng.choice(("that ", "the same ", "the earlier ")) + phrase[4:]
    if (
        plain
        or MARKED_EARLIER.search(phrase)
        or phrase[:1].isdigit()
        or phrase[:1] in "'\"$"
        or BARE.match(phrase)
    ):
        return phrase
    return phrase + rng.choice(EARLIER_MARKS)


# A spec's third-person wording turned to a user's ("the logged-in user's tickets" -> "my tickets").
SPEC_TO_USER = (
    (r"\bthe logged-in user's\b", "my"),
    (r"\bthe logged-in user (\w+ed)\b", r"I \1"),
    (r"^tell whether a user is\b", "tell me whether I'm"),
    (r"^tell whether\b", "tell me whether"),
    (r"\bthe logged-in (user|account)\b", "me"),
    (r"\bthe current user's\b", "my"),
    (r"^return\b", "give me"),
    (r"^report\b", "tell me"),
    (r"^show\b", "show me"),
)


def spec_action(description: str) -> str:
    """The first clause of a tool description as a lower-case verb phrase ("copy a file ...")."""
    text = re.split(r"[:;(]| - |\. ", description, maxsplit=1)[0].strip().rstrip(".,")
    text = re.sub(r"^(this (tool|function|api) )?(?:is used to |will |allows you to )", "", text, flags=re.I)
    if not text:
        return ""
    first, _, rest = text.partition(" ")
    if first.endswith("s") and not first.endswith("ss") and rest:  # "Sends a message" -> "send a message"
        first = first[:-1]
    phrase = (first.lower() + (" " + rest if rest else "")).strip()
    for said, meant in SPEC_TO_USER:
        phrase = re.sub(said, meant, phrase)
    return phrase


@lru_cache(maxsize=8192)
def placeholders(template: str) -> tuple[str, ...]:
    """The `{key}` names of a template, in order (phrasebook templates recur for every sample)."""
    return tuple(PLACEHOLDER.findall(template))


def _fullest(templates: list[str], step: Step, omit: str | None = None) -> list[str]:
    """The templates that mention the most of the call's arguments (fewer leftovers to append)."""

    def covered(template: str) -> int:
        return len(set(placeholders(template)) & (set(step.call.arguments) - {omit}))

    best = max(covered(template) for template in templates)
    return [template for template in templates if covered(template) == best]


def words(name: str) -> str:
    """A parameter name as words: `travel_class` -> "travel class", `ignitionMode` -> "ignition mode"."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").lower()


def speak_value(value: Any) -> str:
    """A literal as a user would write it in a request: dates in words ("March 4th 2026"), whole
    floats without ".0"."""
    if isinstance(value, str):
        date = ISO_DATE.match(value)
        if date is not None and 1 <= int(date.group(2)) <= 12:
            return natural_date(int(date.group(1)), int(date.group(2)), int(date.group(3)))
        if BARE.match(value) and (value[0].isupper() or any(c in value for c in "0123456789_@#.")):
            return value  # a name, id, ticker or file name reads fine unquoted: Daniel, USR001, a.txt
        return f'"{value}"' if "'" in value else f"'{value}'"  # "Tuesday's update" keeps its apostrophe
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(speak_value(item) for item in value) or "nothing"
    if isinstance(value, dict):
        return ", ".join(f"{key} {speak_value(item)}" for key, item in value.items())
    return str(value)


def natural_date(year: int, month: int, day: int) -> str:
    """ "December 24th 2026"."""
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{MONTHS[month - 1]} {day}{suffix} {year}"


DANGLING_WORD = re.compile(r"\s+(?:and|or|with|to|of|the|a|an)$")  # a word a clipped text must not end on


def clip(text: str, limit: int) -> str:
    """`text` in at most `limit` characters: cut at the last word boundary that keeps more than half of
    it (never inside a word, unless one word is that long), then "..."."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 3]
    boundary = cut.rfind(" ")
    if boundary > limit // 2:
        cut = cut[:boundary]
    return DANGLING_WORD.sub("", cut.rstrip(" ,;:.")).rstrip(" ,;:") + "..."


def speak_result(result: Any, path: str) -> str:
    """Part of a result (dotted path, '' for all of it) as short text."""
    value = result
    for key in path.split(".") if path else ():
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, list):
        text = ", ".join(str(item) for item in value) or "nothing"
    elif isinstance(value, dict):
        text = json.dumps(value)
    else:
        text = str(value)
    return clip(text, RESULT_LIMIT)


THIRD_PERSON = {
    "me": "them",
    "my": "their",
    "mine": "theirs",
    "myself": "themselves",
    "i": "they",
    "i'm": "they're",
    "i've": "they've",
    "i'd": "they'd",
    "i'll": "they'll",
}
WORD = re.compile(r"\b[A-Za-z']+\b")


QUOTED = re.compile(r"((?<!\w)'[^']*'(?!\w)|\"[^\"]*\")")


def _placed_value(producer: Step, source: Source) -> Any:
    """The value at `source.place` of the listing `producer` returned."""
    position, count = source.place or (0, 1)
    for produced in producer.spec.produces:
        if produced.resource == source.resource:
            values = [v for v in extract_values(producer.result.value, produced.at) if v != ""]
            if len(values) == count:
                return values[position]
    raise ValueError(f"{producer.name} listed no {source.resource} at place {position + 1} of {count}")


def third_person(text: str) -> str:
    """A user's request retold from the assistant's side ("show me my files" -> "show them their files");
    quoted text (a message to send, a file's content) is left exactly as the user wrote it."""
    parts = QUOTED.split(text)
    return "".join(
        part if index % 2 else WORD.sub(lambda m: THIRD_PERSON.get(m.group(0).lower(), m.group(0)), part)
        for index, part in enumerate(parts)
    )


def vague_words(param: str) -> str:
    """A stand-in for an argument the user forgot to give, e.g. "the right folder name"."""
    return f"the right {words(param)}"
