"""TRL integration: tool methods that render our exact specs, turn rollouts that pay BFCL verdicts, and
two real GRPO steps with TRL's `environment_factory` on a tiny model built here."""

from __future__ import annotations

import json
import re

import pytest
from transformers.utils import get_json_schema

from funreason_envs.domains import domain_class, domain_names
from funreason_envs.errors import ConfigError
from funreason_envs.integrations.trl import (
    build_dataset,
    environment_factory,
    environment_key,
    prompt_rows,
    tool_method,
)
from funreason_envs.tasks import load_tasks
from tests.support.tiny_lm import tiny_model, tiny_tokenizer, trl_templates

ALL_TOOLS = [tool for name in domain_names() for tool in domain_class(name).spec().tools]


def rendered_type(schema):
    """What TRL's schema reader renders for one of our property types (an enum becomes a Literal)."""
    choices = {"enum": schema["enum"]} if "enum" in schema else {}
    kind = schema["type"]
    if isinstance(kind, list) and "null" in kind:
        rest = [k for k in kind if k != "null"]
        return {"type": rest[0] if len(rest) == 1 else sorted(rest), "nullable": True, **choices}
    if isinstance(kind, list):
        return {"type": sorted(kind), **choices}
    if kind == "array":
        return {"type": "array", "items": {"type": schema["items"]["type"]}}
    return {"type": kind, **choices}


@pytest.mark.parametrize("spec", ALL_TOOLS, ids=[tool.name for tool in ALL_TOOLS])
def test_what_trl_renders_for_a_tool_method_is_our_spec(spec):
    ours = spec.to_openai()["function"]
    rendered = get_json_schema(tool_method(spec.to_openai()))["function"]
    assert rendered["name"] == ours["name"]
    assert rendered["description"] == " ".join(ours["description"].split())
    properties = ours["parameters"].get("properties", {})
    assert list(rendered["parameters"]["properties"]) == list(properties)  # positional order kept
    assert rendered["parameters"].get("required", []) == ours["parameters"].get("required", [])
    for name, schema in properties.items():
        got = rendered["parameters"]["properties"][name]
        description = got.pop("description")
        assert got == rendered_type(schema), name
        assert description.startswith(" ".join(schema["description"].split()))
        for key, label in (("examples", "Examples"), ("default", "Default"), ("properties", "Fields")):
            if key in schema:
                assert f"{label}: {json.dumps(schema[key], ensure_ascii=False)}." in description
        if set(schema.get("items", {})) - {"type"}:
            assert f"Items: {json.dumps(schema['items'], ensure_ascii=False)}." in description


def test_nested_object_fields_reach_the_rendered_prompt():
    (edit,) = [tool for tool in ALL_TOOLS if tool.name == "edit_ticket"]
    template = trl_templates()["qwen3"]
    tokenizer = tiny_tokenizer(template)
    text = tokenizer.apply_chat_template(
        [{"role": "user", "content": "hi"}], tools=[tool_method(edit.to_openai())], tokenize=False
    )
    fields = edit.to_openai()["function"]["parameters"]["properties"]["updates"]["properties"]
    assert json.dumps(json.dumps(fields, ensure_ascii=False))[1:-1] in text or json.dumps(fields) in text


@pytest.mark.parametrize("reward", ["turn", "final", "partial"])
def test_replayed_ground_truth_earns_full_reward_at_every_turn(reward):
    tasks = load_tasks("demo") + load_tasks("bfcl:miss_func")[:15]
    factory = environment_factory(tasks, reward=reward)
    checked = 0
    for task in tasks:
        for turn in range(len(task.turns)):
            environment = factory[environment_key(task, turn)]()
            environment.reset(task_id=task.id, turn=turn, prompt=[])
            for call in task.ground_truth[turn]:
                result = getattr(environment, call.name)(**call.arguments)
                assert isinstance(result, str) and not result.startswith("Error: your message")
            assert environment.get_reward() == 1.0, (task.id, turn, environment.episode.verdict)
            checked += 1
    assert checked > 60


def test_a_wrong_turn_earns_nothing_and_held_out_tools_are_not_methods():
    factory = environment_factory("demo", reward="turn")
    (task,) = [task for task in load_tasks("demo") if task.id == "demo_file_system_1"]
    before, after = factory[environment_key(task, 0)], factory[environment_key(task, 1)]
    assert not hasattr(before, "tail") and hasattr(after, "tail")
    environment = after()
    environment.reset(task_id=task.id, turn=1)
    environment.ls()
    assert environment.get_reward() == 0.0
    assert environment.episode.verdict["turn"]["passed"] is False


def test_prompt_rows_replay_earlier_turns_and_end_with_this_turns_request():
    rows = {(row["task_id"], row["turn"]): row for row in prompt_rows("demo")}
    row = rows[("demo_file_system_0", 1)]
    roles = [message["role"] for message in row["prompt"]]
    assert roles == ["user", "assistant", "tool", "tool", "tool", "assistant", "user"]
    assert row["prompt"][-1]["content"] == "Now tell me how many lines the original report has."
    assert row["prompt"][1]["tool_calls"][0]["function"]["arguments"] == {"folder": "document"}
    assert [r["turn"] for r in prompt_rows("demo", turns="last")] == [
        len(task.turns) - 1 for task in load_tasks("demo")
    ]


def test_two_grpo_steps_on_a_tiny_model(tmp_path):
    from trl import GRPOConfig, GRPOTrainer

    tokenizer = tiny_tokenizer(trl_templates()["qwen3"])
    model = tiny_model(tokenizer)
    dataset = build_dataset("demo", turns="first")
    factory = environment_factory("demo", reward="turn")
    args = GRPOConfig(
        output_dir=str(tmp_path),
        per_device_train_batch_size=2,
        num_generations=2,
        max_completion_length=12,
        max_steps=2,
        learning_rate=1e-3,
        logging_steps=1,
        report_to="none",
        save_strategy="no",
        use_cpu=True,
        bf16=False,
        max_tool_calling_iterations=2,
        seed=0,
    )
    trainer = GRPOTrainer(
        model=model,
        processing_class=tokenizer,
        args=args,
        train_dataset=dataset,
        environment_factory=factory,
    )
    trainer.train()
    assert trainer.state.global_step == 2
    logged = [entry for entry in trainer.state.log_history if "reward" in entry]
    assert len(logged) == 2
    assert any(key.startswith("rewards/FunReason_") for key in logged[0])
    # every rollout's environment was reset onto a demo task and its turn closed and judged
    played = [env for pool in trainer._environment_pool.values() for env in pool if env.episode.task]
    assert played and all(env.episode.verdict is not None for env in played)
    assert {env.episode.task.id for env in played} <= {row["task_id"] for row in dataset}


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"reward": "x"}, r"reward 'x' is not one of turn, final, partial"),
        ({"max_steps_per_turn": 0}, r"max_steps_per_turn must be a whole number of at least 1 .*got 0"),
        ({"max_steps_per_turn": "20"}, r"max_steps_per_turn must be a whole number .*got '20'"),
        ({"max_steps_per_turn": True}, r"max_steps_per_turn must be a whole number .*got True"),
        ({"strict": "no"}, r"strict must be True or False, got 'no'"),
    ],
)
def test_a_bad_setting_fails_when_the_factory_is_built(setting, message):
    with pytest.raises(ConfigError, match=message):
        environment_factory("demo", **setting)


@pytest.mark.parametrize("turn", ["x", "1", 1.9, 1.0, True, None])
def test_reset_refuses_a_turn_that_is_not_a_whole_number(turn):
    environment = environment_factory("demo")[environment_key(load_tasks("demo")[0], 0)]()
    with pytest.raises(ConfigError, match=rf"turn must be a whole number .*got {re.escape(repr(turn))}"):
        environment.reset(task_id="demo_file_system_0", turn=turn)


def test_reset_takes_any_integer_type_and_refuses_a_turn_out_of_range():
    numpy = pytest.importorskip("numpy")
    environment = environment_factory("demo")[environment_key(load_tasks("demo")[0], 0)]()
    environment.reset(task_id="demo_file_system_0", turn=numpy.int64(0))
    assert environment.episode.turn == 0 and type(environment.episode.turn) is int
    with pytest.raises(ConfigError, match=r"task 'demo_file_system_0' has turns 0 to 1, not 2"):
        environment.reset(task_id="demo_file_system_0", turn=2)


@pytest.mark.parametrize(
    ("tasks", "bfcl_data", "message"),
    [
        (5, None, r"tasks must be a task-set spec .* or a list of tasks, got int"),
        ([5], None, r"tasks\[0\] must be a Task or a task dict, got int"),
        ([{"id": "t"}], None, r"(?s)tasks\[0\] is not a valid task: .*domains"),
        ("demo", 5, r"bfcl_data must be a folder path \(a string\) or None, got 5"),
    ],
)
def test_bad_tasks_or_bfcl_data_fail_when_the_factory_is_built(tasks, bfcl_data, message):
    with pytest.raises(ConfigError, match=message):
        environment_factory(tasks, bfcl_data=bfcl_data)
