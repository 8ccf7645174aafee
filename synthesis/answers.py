"""Final answers a person would write: results in words, sensible numbers, honest failures.

The kit's `done` line is used when it fits the call (every argument it names was given); result
fields are rendered here (rounded numbers, short lists, "none" when empty), the user's "my" becomes
"your", and a call whose result reports a failure is told as a failure with the reason it gave.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from funreason_envs.synthesis.language import PLACEHOLDER, QUOTED, Speaker, clip, words
from funreason_envs.synthesis.outcomes import failure_reason
from funreason_envs.synthesis.trace import Step

LIST_LIMIT = 6
TEXT_LIMIT = 200
MAX_DIGITS = 15  # more significant digits than a float holds are not told
NUMBER_REPR = re.compile(r"(?:mpf|Decimal)\('([-+0-9.eE]+)'\)")  # math results printed as Python objects
SECOND_PERSON = {"my": "your", "me": "you", "mine": "yours", "myself": "yourself", "i": "you"}
SECOND_PERSON.update({"i'm": "you're", "i've": "you've", "i'd": "you'd"})
WORD = re.compile(r"\b[A-Za-z']+\b")
EMPTY_LEADS = ("Here are", "Here is", "I found", "Matching lines")


def second_person(text: str) -> str:
    """A user's phrase retold to the user ("my new post" -> "your new post"); quotes stay as written."""
    parts = QUOTED.split(text)

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        new = SECOND_PERSON.get(word.lower(), word)
        return new.capitalize() if word[0].isupper() and word != "I" and new != word else new

    return "".join(part if i % 2 else WORD.sub(swap, part) for i, part in enumerate(parts))


def say_number(value: float, digits: int | None = None) -> str:
    """A number as a person writes it: no float noise, a few significant digits for small values, or
    the `digits` significant digits the user asked for (a precision argument)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    if digits is not None:
        return f"{value:.{digits}g}"
    magnitude = abs(value)
    significant = 3 if magnitude >= 0.01 else 2  # below 1: 0.0303, and 0.0012 below a hundredth
    text = f"{value:.2f}" if magnitude >= 1 else f"{value:.{significant}g}"
    return text.rstrip("0").rstrip(".") if "." in text and "e" not in text else text


def say_value(value: Any, digits: int | None = None) -> str:
    """Any result value as short text: numbers rounded (to `digits` significant digits when the user
    asked for a precision), lists joined ("none" when empty), dicts as pairs."""
    if isinstance(value, str):
        if NUMBER_REPR.search(value):
            return say_value(literal(NUMBER_REPR.sub(r"\1", value.strip())), digits)
        text = " / ".join(line.strip() for line in value.splitlines() if line.strip())
        return clip(text, TEXT_LIMIT)
    if isinstance(value, (bool, int, float)):
        return say_number(value, digits)
    if value is None:
        return "nothing"
    if isinstance(value, list):
        if any(isinstance(item, dict) for item in value):
            return "; ".join(say_value(item) for item in value[:LIST_LIMIT]) or "none"
        return join_items([_inner(item) for item in value])
    if isinstance(value, dict):
        return say_record(value)
    try:  # a number type of its own (Decimal)
        return say_number(float(value), digits)
    except (TypeError, ValueError):
        return say_value(str(value), digits)  # e.g. a printed mpmath number


def say_record(record: dict[Any, Any]) -> str:
    """A record as a person lists it: "title 'Slow drive', status Open and priority 4"; entries keyed by
    ids ("USR004", "bk_1") as "USR004: ..." separated by semicolons; empty fields left out."""
    named = [(key, item) for key, item in record.items() if not is_empty(item) and _is_field(str(key))]
    keyed = [(key, item) for key, item in record.items() if not is_empty(item) and not _is_field(str(key))]
    parts = []
    if named:
        fields = [f"{words(str(key))} {_inner(item)}" for key, item in named]
        parts.append(fields[0] if len(fields) == 1 else ", ".join(fields[:-1]) + " and " + fields[-1])
    for key, item in keyed[:LIST_LIMIT]:
        inner = f"({say_record(item)})" if isinstance(item, dict) else f": {say_value(item)}"
        parts.append(f"{key} {inner}" if isinstance(item, dict) else f"{key}{inner}")
    if len(keyed) > LIST_LIMIT:
        parts.append(f"{len(keyed) - LIST_LIMIT} more")
    return "; ".join(parts) or "none"


def _inner(value: Any) -> str:
    """A value inside a record or list: text with spaces is quoted, so items stay apart."""
    if isinstance(value, str) and " " in value.strip() and not NUMBER_REPR.search(value):
        text = say_value(value)
        return f'"{text}"' if "'" in text else f"'{text}'"
    if isinstance(value, dict):
        return f"({say_record(value)})"
    if isinstance(value, list) and all(not isinstance(item, (dict, list)) for item in value):
        return "/".join(say_value(item) for item in value) or "none"
    return say_value(value)


def _is_field(key: str) -> bool:
    """A field name ("total_contacts", "cardId") rather than an id used as a key ("USR004", "bk_1")."""
    return bool(re.fullmatch(r"[a-z]+(?:_[a-z]+)*|[a-z]+(?:[A-Z][a-z]*)+", key))


def literal(text: str) -> Any:
    """A printed Python number, list or dict read back as a value (the text itself if it is none)."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def join_items(items: list[str]) -> str:
    """ "a, b and c", cut after a few with a count of the rest; "none" for no items."""
    if not items:
        return "none"
    if len(items) > LIST_LIMIT:
        rest = len(items) - LIST_LIMIT + 1
        items = [*items[: LIST_LIMIT - 1], f"{rest} more"]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def payload(step: Step) -> Any:
    """The informative part of a result: the single field of a one-key dict, else the result."""
    value = step.result.value
    if isinstance(value, dict) and len(value) == 1:
        return next(iter(value.values()))
    return value


def is_empty(value: Any) -> bool:
    return value in ([], {}, "", None)


def report(step: Step, speaker: Speaker, content: str) -> str:
    """One sentence (or two) telling the user what this call did, from its actual result."""
    reason = failure_reason(content, step.name, step.spec.mutates_state)
    if reason is not None:
        return failed(step, speaker, reason)
    template = speaker.kits[step.spec.domain].phrases.tool(step.name).done
    usable = template and all(
        key.startswith("result.") or key in step.call.arguments or key in step.sources
        for key in PLACEHOLDER.findall(template)
    )
    data = payload(step)
    keys = [key for key in PLACEHOLDER.findall(template) if key.startswith("result.")]
    if usable and any(_at(step.result.value, key.removeprefix("result.")) is None for key in keys):
        usable = False  # the line speaks of a field this result does not have
    if usable:
        lead = LEAD.match(template)
        if lead is not None:
            found = _at(step.result.value, lead.group("key"))
            if isinstance(found, bool):
                return yes_no(lead.group("lead"), found)
        speaks_of_result = template.startswith(EMPTY_LEADS) or TRAILING_RESULT.search(template)
        empty = is_empty(data) or any(_empty_at(step, k) for k in keys)
        if empty and (speaks_of_result or lead is not None):
            return nothing_found(step)
        text = fill(template, step, speaker)
        if not keys and not step.spec.mutates_state and not is_empty(data) and isinstance(data, list):
            text = text.rstrip(".") + ": " + say_value(data) + "."
        return text
    if is_empty(data):
        return nothing_found(step)
    if isinstance(data, bool):
        return yes_no(listed(step).capitalize(), data)
    said = say_value(data, asked_digits(step))
    return f"{listed(step).capitalize()}: {said}" + ("" if said.endswith((".", "!", "?")) else ".")


# "Logged in to messaging: {result.login_status}." - a lead, then one result field
LEAD = re.compile(r"^(?P<lead>[^{}:]+): \{result\.(?P<key>[\w.]*)\}\.?$")
TRAILING_RESULT = re.compile(r"\{result\.[\w.]*\}\.?$")
SIGNED_IN = re.compile(r"^(?:logged in|signed in|login status)\b", re.IGNORECASE)


def yes_no(lead: str, value: bool) -> str:
    """A yes/no result as a sentence: "You're not logged in to messaging.", "There isn't enough fuel
    for it.", else the lead as a question with its answer."""
    if SIGNED_IN.match(lead):
        rest = SIGNED_IN.sub("", lead).strip()
        return f"You're {'' if value else 'not '}logged in{' ' + rest if rest else ''}."
    if lead.lower().startswith("enough "):
        return f"There {'is' if value else 'is not'} {lead[0].lower() + lead[1:]}."
    return f"{lead}? {'Yes' if value else 'No'}."


def nothing_found(step: Step) -> str:
    """An empty result in words: "The watchlist is empty.", "No tickets found." """
    what = re.sub(r"^(?:user|tweet|current) ", "", listed(step))
    if what.endswith("s") and not what.endswith(("ss", "status")):
        return f"No {what} found."
    return f"The {what} is empty."


def failed(step: Step, speaker: Speaker, reason: str) -> str:
    """The failure, told plainly with what the tool said."""
    tried = second_person(speaker.intent(step))
    if reason.endswith("is false"):
        reason = "the system reported that it did not go through"
    return f"I tried to {tried}, but it failed: {reason.rstrip('.')}."


# a count placed before a plain plural noun in a template ("{result.tweet_count} posts"); nouns whose
# plural ends in -es, -is or -us (matches, status) are left as written
COUNTED_NOUN = re.compile(r"\{(result\.[\w.]*)\} ([a-z]*[a-df-hj-rtv-z])s\b")


def fill(template: str, step: Step, speaker: Speaker) -> str:
    def singular_for_one(match: re.Match[str]) -> str:
        count = _at(step.result.value, match.group(1).removeprefix("result."))
        one = count == 1 and not isinstance(count, bool)
        return f"{{{match.group(1)}}} {match.group(2)}" if one else match.group(0)

    template = COUNTED_NOUN.sub(singular_for_one, template)

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key.startswith("result."):
            return say_value(_at(step.result.value, key.removeprefix("result.")), asked_digits(step))
        return second_person(speaker.argument(step, key))

    text = " ".join(PLACEHOLDER.sub(replace, template).split())
    text = re.sub(r"(?<!\.)([.!?])\.(?=\s|$)", r"\1", text)  # a filled-in sentence brings its own full stop
    text = ONE_OF.sub(lambda m: ("is 1 " if m.group(1) else "1 ") + ONE_OF_WORDS[m.group(2)], text)
    first = text.split(" ", 1)[0] if text else ""
    if not first or re.search(r"[\d_.@#/]", first.rstrip(".,:;")):
        return text  # a file name or an id keeps its case
    return text[0].upper() + text[1:]


# counts of one before nouns COUNTED_NOUN leaves alone ("There are 1 messages, to 1 different people")
ONE_OF_WORDS = {"messages": "message", "different people": "person", "people": "person", "matches": "match"}
ONE_OF = re.compile(r"(?:\b(are) )?\b1 (messages|different people|people|matches)\b")


def asked_digits(step: Step) -> int | None:
    """The significant digits the call asked its result to have (math's `precision`), if any."""
    precision = step.call.arguments.get("precision")
    if isinstance(precision, int) and not isinstance(precision, bool) and 0 < precision <= MAX_DIGITS:
        return precision
    return None


def _at(value: Any, path: str) -> Any:
    for key in filter(None, path.split(".")):  # "" is the whole result
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _empty_at(step: Step, key: str) -> bool:
    return is_empty(_at(step.result.value, key.removeprefix("result.")))


def listed(step: Step) -> str:
    """What a listing tool returns, in words ("matching lines", "comments")."""
    value = step.result.value
    if isinstance(value, dict) and len(value) == 1:
        return words(next(iter(value)))
    properties = step.spec.returns.get("properties", {})
    if properties:
        return words(next(iter(properties)))
    return words(
        re.sub(r"^(?:get|list|search|find)_", "", step.name)
    )  # "get_tweet_comments" -> "tweet comments"


def answer(steps: list[Step], contents: dict[tuple[int, int], str], speaker: Speaker) -> str:
    """The closing message: one report per step the user should hear about, in calling order."""
    lines = [report(step, speaker, contents.get(step.key, step.result.content)) for step in steps]
    lines = [line if line.endswith((".", "!", "?")) else line + "." for line in lines if line]
    return " ".join(dict.fromkeys(lines))
