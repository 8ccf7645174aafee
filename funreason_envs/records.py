"""The typed records every part of the project exchanges: tool results, observations, turn verdicts.

These are what `info`, results rows and synthesis records serialize (with `model_dump`), so the env,
the checker, evaluation and synthesis cannot drift apart in shape. Per call and per step, where a
rollout spends its time, the router's frozen dataclass `ToolResult` writes the `ToolResultRecord`,
`ObservedResult` and `Observation` shapes directly: building the models there measured ~11% fewer
`MultiTurn-v0` steps/s. Anyone can `model_validate` those dicts; the tests do.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from funreason_envs.executor import ToolResult

Status = Literal["ok", "error", "invalid"]


class ToolResultRecord(BaseModel):
    """One executed call as reported in `info["calls"]`: the call and what came of it.

    `status` is "ok", "error" (the tool ran and reported a failure) or "invalid" (refused before
    running; state untouched). `content` is the result string exactly as the model sees it.
    """

    model_config = ConfigDict(frozen=True)

    id: str | None
    name: str
    arguments: dict[str, Any]
    content: str
    status: Status


class ObservedResult(BaseModel):
    """One entry of an observation's `tool_results`: the answer to one call, as the agent reads it."""

    model_config = ConfigDict(frozen=True)

    tool_call_id: str
    name: str
    content: str
    status: Status


class Observation(BaseModel):
    """What the env returns from `reset`/`step`: a user message, or the results of the calls just made."""

    model_config = ConfigDict(frozen=True)

    role: Literal["user", "tool"]
    content: str
    tool_results: list[ObservedResult] = Field(default_factory=list)

    @staticmethod
    def user(text: str) -> dict[str, Any]:
        """A user message, in this model's dumped shape (as the env returns it)."""
        return {"role": "user", "content": text, "tool_results": []}

    @staticmethod
    def tool(results: Sequence[ToolResult]) -> dict[str, Any]:
        """The results of one step's calls, in this model's dumped shape (contents joined by newlines)."""
        content = "\n".join([result.content for result in results])
        return {"role": "tool", "content": content, "tool_results": [r.observed() for r in results]}


class TurnVerdict(BaseModel):
    """The checker's judgement of one user turn (BFCL's rules), as `info["check"]["turns"]` lists it.

    `checked` is false for a turn whose ground truth is empty (not judged unless strict);
    `missing_results` and `state_diff` say what failed.
    """

    turn: int
    checked: bool
    passed: bool
    reason: str | None = None
    missing_results: list[str] = Field(default_factory=list)
    state_diff: list[str] = Field(default_factory=list)

    @staticmethod
    def of_checked(
        turn: int,
        checked: bool,
        passed: bool,
        reason: str | None = None,
        *,
        missing_results: list[str] | None = None,
        state_diff: list[str] | None = None,
    ) -> TurnVerdict:
        """The verdict `TurnVerdict(...)` makes of the same keywords (a `None` one counts as not given),
        built without validation for values the checker made with these exact types (a turn is closed
        and verdicts made on every episode; validation costs about half of that)."""
        fields = {"turn", "checked", "passed"}
        if reason is not None:
            fields.add("reason")
        if missing_results is None:
            missing_results = []
        else:
            missing_results = list(missing_results)
            fields.add("missing_results")
        if state_diff is None:
            state_diff = []
        else:
            state_diff = list(state_diff)
            fields.add("state_diff")
        verdict = _new_object(TurnVerdict)
        _set_dict(
            verdict,
            {
                "turn": turn,
                "checked": checked,
                "passed": passed,
                "reason": reason,
                "missing_results": missing_results,
                "state_diff": state_diff,
            },
        )
        _set_fields_set(verdict, fields)
        _set_extra(verdict, None)
        _set_private(verdict, None)
        return verdict

    def dump(self) -> dict[str, Any]:
        """`model_dump()`, several times cheaper: a verdict is dumped when its turn closes and again in
        the episode's report, on every episode. Lists are the dump's own, as `model_dump()` makes them."""
        if type(self) is not TurnVerdict:
            return self.model_dump()
        values = self.__dict__
        missing, diff = values["missing_results"], values["state_diff"]
        if type(missing) is not list or type(diff) is not list:
            return self.model_dump()
        return {
            "turn": values["turn"],
            "checked": values["checked"],
            "passed": values["passed"],
            "reason": values["reason"],
            "missing_results": [*missing],
            "state_diff": [*diff],
        }


# `BaseModel`'s own slots, set directly by `TurnVerdict.of_checked` (as pydantic's construction sets them)
_new_object = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


class CheckReport(BaseModel):
    """The verdict of one episode: BFCL's pass/fail, the first failure, per-turn verdicts, partial credit."""

    passed: bool
    reason: str | None
    turns: list[TurnVerdict]
    score: float

    @staticmethod
    def of_verdicts(passed: bool, reason: str | None, turns: list[TurnVerdict], score: float) -> CheckReport:
        """`CheckReport(passed=..., reason=..., turns=..., score=...)` built without validation, for the
        checker's own verdicts (every checked episode makes one; validation costs more than the rest)."""
        report = _new_object(CheckReport)
        _set_dict(report, {"passed": passed, "reason": reason, "turns": turns, "score": score})
        _set_fields_set(report, {"passed", "reason", "turns", "score"})
        _set_extra(report, None)
        _set_private(report, None)
        return report

    def dump(self) -> dict[str, Any]:
        """`model_dump()`, its verdicts dumped by `TurnVerdict.dump` (the env's `info["check"]` at the
        end of every episode)."""
        turns = self.turns
        if (
            type(self) is not CheckReport
            or type(turns) is not list
            or not all(type(verdict) is TurnVerdict for verdict in turns)
        ):  # a subclass dumps by its own rules
            return self.model_dump()
        values = self.__dict__
        return {
            "passed": values["passed"],
            "reason": values["reason"],
            "turns": [verdict.dump() for verdict in turns],
            "score": values["score"],
        }


@dataclass(frozen=True)
class TurnOutcome:
    """What one turn produced: every result string in call order, the public state after the turn
    (domain id -> `state_dict()`), and whether any call was made in it."""

    results: list[str]
    state: dict[str, dict[str, Any]]
    made_calls: bool
    # where the session recorded its calls (`Session.record_calls`): a weak reference to the task its
    # instances started from (what is kept per task must not keep it alive; not pickled), and per domain
    # id the `call_key` of every call run on that instance up to the end of this turn
    origin: weakref.ref[Any] | None = field(default=None, compare=False, repr=False)
    histories: dict[str, list[Any]] | None = field(default=None, compare=False, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["origin"] = None  # a weak reference does not pickle, and names nothing in another process
        return state
