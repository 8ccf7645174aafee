"""Re-execute a finished sample from its initial state in fresh environments before it is kept.

Two replays must agree with what was recorded: the task's ground truth, turn by turn, must end in
the recorded final state; and the conversation's own calls, in order, must return exactly the
recorded tool messages and end in the same state.
"""

from __future__ import annotations

from funreason_envs.checker import execute_ground_truth
from funreason_envs.session import Session
from funreason_envs.synthesis.record import Sample


def verify_sample(sample: Sample) -> list[str]:
    """Problems found by replaying `sample`; an empty list means it is reproducible."""
    problems: list[str] = []
    ground = execute_ground_truth(sample.task)
    if ground and ground[-1].state != sample.final_state:
        problems.append("the ground truth replayed from the initial state ends in a different state")
    session = Session.for_task(sample.task)
    pending: dict[str, str] = {}
    for position, message in enumerate(sample.messages):
        if message["role"] == "assistant":
            for entry in message.get("tool_calls") or ():
                try:
                    (call,) = session.parse(entry)
                    pending[entry["id"]] = session.execute([call])[0].content
                except Exception as exc:  # a recorded call that cannot run is itself a finding
                    problems.append(f"message {position}: call {entry.get('id')} cannot run: {exc}")
        elif message["role"] == "tool":
            replayed = pending.pop(message.get("tool_call_id", ""), None)
            if replayed != message["content"]:
                problems.append(f"message {position}: replayed result differs from the recorded one")
    if session.state() != sample.final_state:
        problems.append("the conversation replayed from the initial state ends in a different state")
    return problems
