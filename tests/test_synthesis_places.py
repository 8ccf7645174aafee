"""Later turns that build on earlier results (issue 11), checked on real template-backend samples: a
value taken from an earlier listing is pointed at by its place in it ("the second item on the folder
listing you gave me") and that place is right; an id the service made (a ticket just opened) is never
typed by the user, so acting on it later is a data flow; the run's cross-turn share stays above half."""

from __future__ import annotations

import re

import pytest

from funreason_envs.graph import extract_values
from funreason_envs.jsonutil import copy_json
from funreason_envs.session import Session
from funreason_envs.synthesis.kits import PLACE, kit_for
from funreason_envs.synthesis.language import ORDINALS
from funreason_envs.synthesis.pipeline import graph_for
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.settings import Settings
from tests.support.synthesis_samples import kept_samples

NUM = 60
DOMAINS = ("file_system", "message", "posting", "ticket", "trading")


@pytest.fixture(scope="module")
def samples() -> list[Sample]:
    """The first NUM samples a run over the domains with listings keeps."""
    settings = Settings(seed=31, domains=DOMAINS)
    return kept_samples(settings, NUM, 2 * NUM)


def results(sample: Sample) -> dict[tuple[int, int], object]:
    """Every ground-truth call's result, replayed, by (turn, call)."""
    session = Session.for_task(sample.task)
    made = {}
    for turn in range(len(sample.task.turns)):
        for position, call in enumerate(sample.task.turn_calls(turn)):
            [result] = session.execute([call])
            made[(turn, position)] = copy_json(result.value)  # later calls may change the live value
    return made


def listed_at(sample: Sample) -> dict[str, list[str]]:
    """Tool -> the result paths of what it lists that its kit points into by place."""
    graph = graph_for(tuple(sample.domains))
    paths: dict[str, list[str]] = {}
    for domain in sample.domains:
        for name, said in kit_for(domain).phrases.tools.items():
            placed = {resource for resource, phrase in said.refer.items() if "{" + PLACE + "}" in phrase}
            if name in graph.tools:
                paths[name] = [p.at for p in graph.tool(name).produces if p.resource in placed]
    return paths


def placed_uses(samples: list[Sample]):
    """(query, value, listed values) for every value a normal turn took from an earlier turn's listing."""
    for sample in samples:
        paths, made = listed_at(sample), None
        for turn in sample.turns:
            for flow in turn.flows if turn.kind == "normal" else ():
                producer = sample.task.ground_truth[flow.source_turn][flow.source_call]
                if flow.source_turn >= turn.index or not paths.get(producer.name):
                    continue
                made = made or results(sample)
                for at in paths[producer.name]:
                    result = made[(flow.source_turn, flow.source_call)]
                    listed = [value for value in extract_values(result, at) if value != ""]
                    if flow.value in listed:
                        yield turn.query, flow.value, listed
                        break


def test_a_value_from_an_earlier_listing_is_pointed_at_by_its_right_place(samples):
    uses = list(placed_uses(samples))
    assert len(uses) >= 15, len(uses)
    for query, value, listed in uses:
        position = listed.index(value)
        if len(listed) == 1:
            continue  # "the message about 'dentist' you found": a listing of one needs no place
        said = {ORDINALS[position]} | ({"last"} if position == len(listed) - 1 else set())
        assert any(re.search(rf"\bthe {word}\b", query) for word in said), (query, value, listed)


def test_an_id_the_service_made_is_never_typed_by_the_user(samples):
    """A ticket the conversation opened is acted on later through a flow ("the ticket I opened"), never
    as "ticket 2" (a priority 2 the user said once made the id count as said)."""
    checked = 0
    for sample in samples:
        if "ticket" not in sample.domains:
            continue
        start = {ticket["id"] for ticket in sample.task.initial_config["ticket"]["ticket_queue"]}
        for turn in sample.turns:
            if turn.kind != "normal":
                continue
            fed = {(flow.target_call, flow.argument) for flow in turn.flows}
            for position, call in enumerate(sample.task.ground_truth[turn.index]):
                ticket = call.arguments.get("ticket_id")
                if ticket is not None and ticket not in start:
                    checked += 1
                    assert (position, "ticket_id") in fed, (sample.id, turn.query, call)
    assert checked >= 5, checked


def test_most_acting_turns_use_an_earlier_turns_result(samples):
    acting = [turn for sample in samples for turn in sample.turns if turn.kind in ("normal", "clarification")]
    dependent = [turn for turn in acting if any(flow.source_turn < turn.index for flow in turn.flows)]
    assert len(dependent) / len(acting) >= 0.55, len(dependent) / len(acting)
