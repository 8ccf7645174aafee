"""`sharegpt`: LLaMA-Factory's function-call format.

A row has `conversations` (`human`, `function_call`, `observation` and `gpt` entries), `system` and
`tools` (a JSON string of the function schemas). LLaMA-Factory wants human and observation at odd
positions (1st, 3rd, ...), gpt and function_call at even ones, and an even count. A turn maps onto
that directly: the user's message (several are joined into one `human` entry), then per step one
`function_call` holding all of the step's calls (a JSON list when there are several: parallel calls,
as LLaMA-Factory reads them) and one `observation` holding their results, joined by
`sharegpt_result_separator` (LLaMA-Factory's own joiner for Qwen templates by default), and last the
closing `gpt` reply. Rows that would break these rules raise instead of being written.

Chain-of-thought: LLaMA-Factory's function formatter lifts a leading `<think>...</think>` out of a
function_call value, parses the rest as JSON, and puts the thought back before the rendered call; its
reasoning templates read the same tags in gpt values. So both carry the CoT as a
`<think>\\n...\\n</think>\\n\\n` prefix. Text written beside calls cannot stay in a function_call value
(the rest must be JSON), so it joins that step's thought.

Its `dataset_info.json` entry: `{"file_name": "sharegpt.jsonl", "formatting": "sharegpt", "columns":
{"messages": "conversations", "system": "system", "tools": "tools"}}`.

Split rows suit `mask_history: true`, which trains only a row's last (odd, even) pair, i.e. one
assistant entry. So a turn with k assistant entries gives k rows, each ending at one of them (per-turn
rows would silently train only each turn's closing reply). Earlier turns lose their CoT, as Qwen3
shows them; earlier steps of the current turn keep theirs.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from funreason_envs.errors import ConfigError
from funreason_envs.synthesis.exports.base import ChatExporter, Row, Variant
from funreason_envs.synthesis.exports.conversation import Step, Turn, arguments_of, tools_at
from funreason_envs.synthesis.record import Sample

Entry = dict[str, str]
ODD_ROLES = ("human", "observation")  # 1st, 3rd, ... entries
EVEN_ROLES = ("gpt", "function_call")  # the trained ones


class ShareGPTExporter(ChatExporter):
    """LLaMA-Factory rows in `sharegpt.jsonl`."""

    name: ClassVar[str] = "sharegpt"
    file: ClassVar[str] = "sharegpt.jsonl"
    option_keys: ClassVar[tuple[str, ...]] = (*ChatExporter.option_keys, "sharegpt_result_separator")

    def render(self, sample: Sample, variant: Variant) -> list[Row]:
        turns = variant.conversation.turns
        if not self.options.split_turns:
            entries = [entry for turn in turns for entry in self._entries(turn, thought=True)]
            return [self._row(sample, variant, entries, None, None)]
        rows = []
        for index in variant.split_turns():
            history = [entry for turn in turns[:index] for entry in self._entries(turn, thought=False)]
            current = self._entries(turns[index], thought=True)
            ends = [position for position, entry in enumerate(current) if entry["from"] in EVEN_ROLES]
            first = variant.retry_step if variant.error else 0
            for step, end in enumerate(ends):
                if step >= first:
                    rows.append(self._row(sample, variant, [*history, *current[: end + 1]], index, step))
        return rows

    def _row(
        self, sample: Sample, variant: Variant, entries: list[Entry], turn: int | None, step: int | None
    ) -> Row:
        check_alternation(entries, f"sample {sample.id}")
        system = variant.conversation.system
        tools = [tool["function"] for tool in tools_at(sample, turn)]
        return {
            "conversations": entries,
            "system": str(system.get("content") or "") if system else "",
            "tools": json.dumps(tools, ensure_ascii=False),
            **variant.row_meta(sample, turn, step),
        }

    def _entries(self, turn: Turn, *, thought: bool) -> list[Entry]:
        entries = [{"from": "human", "value": turn.user_text()}]
        for step in turn.steps:
            entries.extend(self._step_entries(step, thought))
        return entries

    def _step_entries(self, step: Step, thought: bool) -> list[Entry]:
        reasoning = str(step.assistant.get("reasoning_content") or "") if thought else ""
        text = str(step.assistant.get("content") or "")
        if not step.calls:
            return [{"from": "gpt", "value": with_thought(reasoning, text)}]
        if thought and text.strip():
            reasoning = "\n\n".join(part for part in (reasoning.strip(), text.strip()) if part)
        calls: list[dict[str, Any]] = [
            {"name": call["function"]["name"], "arguments": arguments_of(call)} for call in step.calls
        ]
        payload = json.dumps(calls[0] if len(calls) == 1 else calls, ensure_ascii=False)
        results = self.options.sharegpt_result_separator.join(
            str(r.get("content") or "") for r in step.results
        )
        return [
            {"from": "function_call", "value": with_thought(reasoning, payload)},
            {"from": "observation", "value": results},
        ]


def with_thought(thought: str, body: str) -> str:
    """`body` preceded by the thought in `<think>` tags, when there is one."""
    thought = thought.strip("\n")
    return f"<think>\n{thought}\n</think>\n\n{body}" if thought.strip() else body


def check_alternation(entries: list[Entry], where: str) -> None:
    """LLaMA-Factory's rules: human/observation at odd positions, gpt/function_call at even, even count."""
    for position, entry in enumerate(entries):
        allowed = ODD_ROLES if position % 2 == 0 else EVEN_ROLES
        if entry["from"] not in allowed:
            raise ConfigError(
                f"{where}: entry {position + 1} is {entry['from']!r} where LLaMA-Factory expects one of "
                f"{', '.join(allowed)}; every turn must end with an assistant text reply"
            )
    if len(entries) % 2:
        raise ConfigError(
            f"{where}: the conversation ends with {entries[-1]['from']!r}, not an assistant entry"
        )
