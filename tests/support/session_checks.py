"""Session-level checks a domain's behaviour tests share: transcripts of calls and their expected results,
repeatable sessions, pickled copies that carry their state, and scripted sessions compared with bfcl-eval.
Each returns what it found."""

from __future__ import annotations

import pickle
from typing import Any

import gymnasium as gym

from funreason_envs.domains import domain_class
from funreason_envs.domains.base import Domain
from funreason_envs.executor import ToolRouter
from funreason_envs.registration import env_id
from tests.support.oracle import bfcl_execute


def results(instance: Domain, text: str) -> list[str]:
    """The result strings of the calls in `text`, run on `instance`."""
    return [result.content for result in ToolRouter([instance]).run(text)]


def result(instance: Domain, text: str) -> str:
    """The result string of the one call in `text`, run on `instance`."""
    (content,) = results(instance, text)
    return content


class Transcript:
    """The calls a test makes on one domain instance, written as data: `Transcript(fs).expect(text)`."""

    def __init__(self, instance: Domain) -> None:
        self.instance = instance

    def expect(self, text: str) -> None:
        """Run `text`'s calls in order and fail naming every line whose result differs.

        One call a line, `call -> result`, the result string exactly as the tool returns it (one result
        per line); blank lines and lines starting with `#` are skipped.
        """
        differences = []
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            call, _, expected = line.partition(" -> ")
            got = results(self.instance, call)
            if got != [expected]:
                differences.append(f"{call}\n  expected {[expected]}\n  got      {got}")
        if differences:
            raise AssertionError("transcript differs:\n" + "\n".join(differences))


def repeat_problems(domain: str, config: dict[str, Any], script: str) -> list[str]:
    """Two fresh instances given the same script must agree, and the free-play env must load the same
    state whatever the reset seed (nothing in a domain is random unless the config says so)."""
    cls = domain_class(domain)
    first, second = cls(config), cls(config)
    problems = []
    if results(first, script) != results(second, script):
        problems.append("the same script gave different results")
    if first.state_dict() != second.state_dict():
        problems.append("the same script left different states")
    env = gym.make(env_id(domain), initial_config={cls.bfcl_class or domain: config}).unwrapped
    env.reset(seed=0)
    seeded_zero = env.state_dict()
    env.reset(seed=1)
    if env.state_dict() != seeded_zero:
        problems.append("reset(seed=1) loaded another state than reset(seed=0)")
    return problems


def pickle_problems(instance: Domain, probe: str) -> list[str]:
    """A pickled copy has the same state, answers `probe` as the original does (random streams
    included), and is left in the same state by it."""
    copy = pickle.loads(pickle.dumps(instance))
    problems = []
    if copy.state_dict() != instance.state_dict():
        problems.append("the copy's state differs")
    if results(copy, probe) != results(instance, probe):
        problems.append(f"the copy answers {probe} differently")
    if copy.state_dict() != instance.state_dict():
        problems.append(f"the copy's state after {probe} differs")
    return problems


def bfcl_script_differences(domain: str, config: dict[str, Any], turns: list[list[str]]) -> list[str]:
    """Run `turns` here and in bfcl-eval from `config`; each call result or end-of-turn state that differs."""
    name = domain_class(domain).bfcl_class
    entry = {"id": f"{domain}_script", "initial_config": {name: config}, "involved_classes": [name]}
    theirs = bfcl_execute(entry, turns, long_context=False)
    ours = domain_class(domain)(config)
    differences = []
    for index, (turn, (their_results, their_state)) in enumerate(zip(turns, theirs, strict=True)):
        for call, their_result in zip(turn, their_results, strict=True):
            (mine,) = results(ours, call)
            if mine != their_result:
                differences.append(f"turn {index}: {call}: {mine} != {their_result}")
        if ours.state_dict() != their_state[name]:
            differences.append(f"turn {index}: public state differs")
    return differences
