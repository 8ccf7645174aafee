"""What the exporters can be asked to do, and what they report back."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from funreason_envs.errors import ConfigError

LossMarking = Literal["prompt_completion", "weight"]
LOSS_MARKINGS = ("prompt_completion", "weight")
# LLaMA-Factory's own joiner for several tool results in one observation (its OpenAI-format converter):
# Qwen templates wrap an observation in one <tool_response> block, so this yields one block per result.
QWEN_RESULT_SEPARATOR = "\n</tool_response>\n<tool_response>\n"
# Templates whose observation slot is one Qwen <tool_response> block; every other template gets plain lines.
QWEN_TEMPLATES = ("qwen", "qwen3", "qwen3_nothink", "qwen3_5", "qwen2_vl", "qwen3_vl", "qwen_omni")
PLAIN_RESULT_SEPARATOR = "\n"
BFCL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]*$")
# bfcl-eval's loaders treat an entry as multi-turn (and attach the classes' function docs) only when its
# id or category contains this.
BFCL_MULTI_TURN = "multi_turn_"


@dataclass(frozen=True)
class ExportOptions:
    """Options shared by every exporter; each exporter reads the ones that concern it.

    split_turns: one row per assistant turn (sharegpt: per assistant message, see its module), where
        only that turn is trained; earlier turns lose their chain-of-thought.
    error_rows: the fraction of samples that also get a row with one injected failed tool response
        (chosen from the sample's seed, so the same samples get the same rows on every run).
    openai_loss_marking: how split `openai` rows mark the trained turn: "prompt_completion" (TRL's
        conversational prompt-completion type, trained with completion-only loss) or "weight"
        (`messages` with `weight` 0/1 on assistant messages, as OpenAI's fine-tuning format).
    sharegpt_result_separator: joins the results of parallel calls into one `observation`.
    bfcl_name: the `<name>` of `BFCL_v4_<name>.json`; it starts with `multi_turn_` so bfcl-eval reads the
        entries as multi-turn; long-context tasks go to `<name>_long_context`.
    string_arguments: `openai`/`parquet` tool-call `arguments` as JSON strings (OpenAI's wire format)
        instead of objects (what TRL's `parse_response` produces and most chat templates expect).
    one_call_per_message: `openai`/`parquet` parallel calls as consecutive single-call steps (Llama 3.1/3.2).
    """

    split_turns: bool = False
    error_rows: float = 0.0
    openai_loss_marking: LossMarking = "prompt_completion"
    sharegpt_result_separator: str = QWEN_RESULT_SEPARATOR
    bfcl_name: str = "multi_turn_synthesized"
    string_arguments: bool = False
    one_call_per_message: bool = False

    def __post_init__(self) -> None:
        if not 0.0 <= self.error_rows <= 1.0:
            raise ConfigError(f"error_rows is a fraction of samples in [0, 1], got {self.error_rows}")
        if self.openai_loss_marking not in LOSS_MARKINGS:
            raise ConfigError(
                f"openai_loss_marking {self.openai_loss_marking!r} is not one of {', '.join(LOSS_MARKINGS)}"
            )
        if not BFCL_NAME.match(self.bfcl_name):
            raise ConfigError(f"bfcl_name {self.bfcl_name!r}: use letters, digits and underscores")
        if not self.bfcl_name.startswith(BFCL_MULTI_TURN):
            raise ConfigError(
                f"bfcl_name {self.bfcl_name!r}: start it with {BFCL_MULTI_TURN!r} (e.g. "
                f"'{BFCL_MULTI_TURN}{self.bfcl_name}'), or bfcl-eval will not read the entries as multi-turn"
            )
        if "long_context" in self.bfcl_name or "composite" in self.bfcl_name:
            raise ConfigError(
                f"bfcl_name {self.bfcl_name!r}: bfcl-eval turns on long context for any id containing "
                "'long_context' or 'composite'; pick a name without them (long-context tasks get the "
                "suffix automatically)"
            )

    def pick(self, keys: tuple[str, ...]) -> dict[str, Any]:
        """The named options as a dict (what an exporter records in its ledger)."""
        values = asdict(self)
        return {key: values[key] for key in keys}


def result_separator_for(template: str) -> str:
    """The sharegpt result separator suiting a LLaMA-Factory template (`qwen3`, `llama3`, ...)."""
    return QWEN_RESULT_SEPARATOR if template in QWEN_TEMPLATES else PLAIN_RESULT_SEPARATOR


@dataclass
class ExportStats:
    """Counts for one `write` call (or a whole run): samples written, rows, skips, repeats."""

    samples: int = 0
    rows: int = 0
    error_rows: int = 0
    already_written: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def add(self, other: ExportStats) -> None:
        self.samples += other.samples
        self.rows += other.rows
        self.error_rows += other.error_rows
        self.already_written += other.already_written
        self.skipped.update(other.skipped)
