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
from typing import Any

from funreason_envs.synthesis.kits import DomainKit
from funreason_envs.synthesis.trace import Source, Step

PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.]*)\}")
# A connecting word left hanging once an omitted argument is cut out ("a folder called" + nothing).
DANGLING = re.compile(
    r"(?:\s+(?:called|named|as|to|into|for|with|of|in|from|on|at|by|about|under|over|and))+\s*(?=$|[,.;])"
)
RESULT_LIMIT = 240


class Speaker:
    """Renders phrasebook templates for executed steps."""

    def __init__(
        self, kits: Mapping[str, DomainKit], steps: Mapping[tuple[int, int], Step], rng: random.Random
    ):
        self.kits = kits
        self.steps = steps
        self.rng = rng

    def _phrases(self, step: Step) -> Any:
        return self.kits[step.spec.domain].phrases

    # -- arguments -------------------------------------------------------------------------------

    def argument(self, step: Step, param: str) -> str:
        """How a user says this argument: a literal, or a reference to where it came from."""
        source = step.sources.get(param)
        if source is not None:
            return self.refer(source)
        return self.literal(step, param)

    def literal(self, step: Step, param: str) -> str:
        if param in step.call.arguments:
            value = step.call.arguments[param]
        else:
            value = step.spec.parameters.get("properties", {}).get(param, {}).get("default")
        display = self._phrases(step).display.get(f"{step.name}.{param}")
        if display is not None and str(value) in display:
            return display[str(value)]
        return speak_value(value)

    def refer(self, source: Source) -> str:
        producer = self.steps[(source.turn, source.index)]
        template = self._phrases(producer).tool(producer.name).refer.get(source.resource)
        if template is None:  # the sampler only draws flows the kit can refer to
            return f"the {words(source.resource)} from before"
        return self.fill(template, producer)

    def fill(self, template: str, step: Step) -> str:
        def replace(match: re.Match[str]) -> str:
            key = match.group(1)
            if key.startswith("result."):
                return speak_result(step.result.value, key.removeprefix("result."))
            return self.argument(step, key)

        return " ".join(PLACEHOLDER.sub(replace, template).split())

    # -- goals and reports -----------------------------------------------------------------------

    def intent(self, step: Step, omit: str | None = None) -> str:
        """The step as a goal, e.g. "copy 'a.txt' to 'backup'"; `omit` leaves one argument unsaid."""
        templates = self._usable(step, self._phrases(step).tool(step.name).intent)
        if not templates:
            shown = ", ".join(f"{words(p)} {self.argument(step, p)}" for p in step.call.arguments)
            return f"run {words(step.name)}" + (f" with {shown}" if shown else "")
        template = self.rng.choice(_fullest(templates, step, omit))
        if omit is not None:
            template = DANGLING.sub("", template.replace("{" + omit + "}", "")).strip()
        return self.fill(template, step)

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
                for key in PLACEHOLDER.findall(template)
            )
        ]

    def done(self, step: Step) -> str:
        template = self._phrases(step).tool(step.name).done
        if not template:
            return f"Done: {step.name} returned {speak_result(step.result.value, '')}."
        return self.fill(template, step)


def _fullest(templates: list[str], step: Step, omit: str | None = None) -> list[str]:
    """The templates that mention the most of the call's arguments (fewer leftovers to append)."""

    def covered(template: str) -> int:
        keys = set(PLACEHOLDER.findall(template))
        return len(keys & (set(step.call.arguments) - {omit}))

    best = max(covered(template) for template in templates)
    return [template for template in templates if covered(template) == best]


def words(name: str) -> str:
    """A parameter name as words: `travel_class` -> "travel class", `ignitionMode` -> "ignition mode"."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").lower()


def speak_value(value: Any) -> str:
    """A literal as a user would write it in a request."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(speak_value(item) for item in value) or "nothing"
    if isinstance(value, dict):
        return ", ".join(f"{key} {speak_value(item)}" for key, item in value.items())
    return str(value)


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
    return text if len(text) <= RESULT_LIMIT else text[: RESULT_LIMIT - 3] + "..."


THIRD_PERSON = {
    "me": "them",
    "my": "their",
    "mine": "theirs",
    "myself": "themselves",
    "i": "they",
    "i'm": "they're",
}
WORD = re.compile(r"\b[A-Za-z']+\b")


QUOTED = re.compile(r"((?<!\w)'[^']*'(?!\w)|\"[^\"]*\")")


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
