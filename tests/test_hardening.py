"""Regression tests for the hostile inputs of the hardening issue: each reported case, reproduced first."""

from __future__ import annotations

import contextlib
import copy
import json
import math
import pickle
from types import MappingProxyType

import gymnasium as gym
import numpy as np
import pytest

import funreason_envs  # noqa: F401
from funreason_envs import limits
from funreason_envs.agents.parsing import parse_model_text
from funreason_envs.calls import _CALL_TEXT_CACHE, parse_calls
from funreason_envs.checker import check_task, execute_responses
from funreason_envs.domains import domain_class
from funreason_envs.domains.message import Messaging
from funreason_envs.env import ToolEnv
from funreason_envs.errors import CallParseError, ConfigError
from funreason_envs.executor import ToolRouter
from funreason_envs.jsonutil import clean_text, scrub_surrogates
from funreason_envs.multiturn import MultiTurnEnv
from funreason_envs.schema import sample_value
from funreason_envs.tasks.model import Task

FILE_CONFIG = {
    "root": {"ws": {"type": "directory", "contents": {"a.txt": {"type": "file", "content": "x\ny\nz"}}}}
}


def fs_env() -> ToolEnv:
    env = ToolEnv("file_system", initial_config={"file_system": FILE_CONFIG})
    env.reset(seed=0)
    return env


def results(observation: dict) -> list[tuple[str, str]]:
    return [(entry["status"], entry["content"]) for entry in observation["tool_results"]]


def refused(env: ToolEnv, action: object) -> str:
    """Step an action that must be refused as a whole, with the state untouched; returns the message."""
    before = env.state_dict()
    observation, *_ = env.step(action)
    assert observation["role"] == "user" and observation["content"].startswith("Error:")
    assert env.state_dict() == before
    return observation["content"]


# -- 1. huge integers ------------------------------------------------------------------------------


def test_a_huge_power_is_an_error_result_not_a_crash():
    env = ToolEnv("math")
    env.reset(seed=0)
    observation, *_ = env.step("power(base=10, exponent=5000)")
    assert results(observation) == [("error", '{"error": "The result would have more than 4000 digits"}')]
    observation, *_ = env.step({"name": "power", "arguments": {"base": 10, "exponent": 10**8}})
    assert observation["tool_results"][0]["status"] == "error"
    observation, *_ = env.step("power(base=10, exponent=3999)")  # below the limit: computed
    assert json.loads(observation["tool_results"][0]["content"]) == {"result": 10**3999}


@pytest.mark.parametrize(
    "action",
    [
        {"name": "tail", "arguments": {"file_name": "a.txt", "lines": 10**5000}},
        '{"name": "tail", "arguments": {"file_name": "a.txt", "lines": 1' + "0" * 5000 + "}}",
        "tail(file_name='a.txt', lines=0x" + "f" * 4000 + ")",
        "tail(file_name='a.txt', lines=1" + "0" * 5000 + ")",
        "tail(file_name='a.txt', lines=-0x" + "f" * 1000 + ")",
    ],
)
def test_a_huge_integer_argument_is_refused_with_the_state_untouched(action):
    assert "digits" in refused(fs_env(), action)


def test_every_call_of_a_multi_call_action_gets_a_result():
    env = ToolEnv("file_system,math")
    env.reset(seed=0)
    observation, _, _, _, info = env.step("[mkdir(dir_name='kept'), power(base=10, exponent=5000)]")
    assert [status for status, _ in results(observation)] == ["ok", "error"]
    assert len(info["calls"]) == 2
    assert [m["role"] for m in env.messages[-3:]] == ["assistant", "tool", "tool"]
    assert "kept" in env.state_dict()["file_system"]["root"]["/"]["contents"]


SPECIAL_NUMBERS = [
    10**999,
    -(10**999),
    10**1000,
    10**4299,
    2**14300,
    float("inf"),
    float("-inf"),
    float("nan"),
    -0.0,
    0,
    -1,
    1e308,
    -1e308,
    5e-324,
    1.5,
    True,
]


def numeric_parameters() -> list[tuple[str, str, str]]:
    found = []
    for domain in ("file_system", "math", "message", "posting", "ticket", "trading", "travel", "vehicle"):
        for tool in domain_class(domain).spec().tools:
            for name, schema in tool.parameters.get("properties", {}).items():
                kinds = schema.get("type", [])
                kinds = [kinds] if isinstance(kinds, str) else kinds
                if {"integer", "number"} & set(kinds) or (
                    "array" in kinds and schema.get("items", {}).get("type") in ("integer", "number")
                ):
                    found.append((domain, tool.name, name))
    return found


@pytest.mark.parametrize("lenient", [False, True])
def test_special_numbers_in_every_numeric_parameter_of_every_tool(lenient):
    """Every numeric parameter of every tool, strict and as BFCL scoring runs calls: never an exception,
    every call gets a result whose text and arguments serialise."""
    rng = np.random.default_rng(0)
    parameters = numeric_parameters()
    assert len(parameters) > 40
    checked = 0
    for domain, tool_name, parameter in parameters:
        cls = domain_class(domain)
        tool = cls.spec().by_name[tool_name]
        for number in SPECIAL_NUMBERS:
            arguments = {
                name: sample_value(schema, rng)
                for name, schema in tool.parameters.get("properties", {}).items()
                if name in tool.parameters.get("required", ())
            }
            schema = tool.parameters["properties"][parameter]
            arguments[parameter] = [number, 1] if schema.get("type") == "array" else number
            router = ToolRouter([cls()], lenient=lenient)
            try:
                calls = router.parse({"name": tool_name, "arguments": arguments})
            except CallParseError as exc:
                assert "digits" in str(exc)
                continue
            (result,) = [router.execute(call) for call in calls]
            assert result.status in ("ok", "error", "invalid")
            json.dumps([result.content, result.call.arguments, cls.state_dict(router.instances[0])])
            checked += 1
    assert checked > len(parameters) * 10


@pytest.mark.parametrize(
    ("call", "problem"),
    [
        ("logarithm(value=10, base=2, precision=10000000)", "Precision may be at most 1000 digits"),
        ("square_root(number=2, precision=10000000)", "Precision may be at most 1000 digits"),
        ("power(base=2, exponent=" + "9" * 999 + ")", "more than 4000 digits"),
    ],
)
def test_runaway_math_is_bounded_with_a_clear_error(call, problem):
    router = ToolRouter([domain_class("math")()])
    (result,) = router.run(call)
    assert result.status == "error" and problem in result.content


def test_rounding_to_a_huge_negative_place_is_answered_without_the_work():
    router = ToolRouter([domain_class("math")()])
    (result,) = router.run("round_number(number=" + "9" * 999 + ", decimal_places=-" + "9" * 999 + ")")
    assert result.content == '{"result": 0}'
    assert router.run("round_number(number=12345, decimal_places=-2)")[0].content == '{"result": 12300}'


def test_precision_up_to_the_limit_still_computes():
    router = ToolRouter([domain_class("math")()])
    (result,) = router.run(f"square_root(number=2, precision={limits.MAX_PRECISION})")
    assert result.status == "ok" and len(result.content) > limits.MAX_PRECISION


# -- 3. the parsers are linear ----------------------------------------------------------------------

HOSTILE_TEXTS = [
    "<tool_call>x" + " " * 64000 + "y",
    "<tool_call>" * 6000,
    "```" + " " * 64000,
    "```" + " " * 64000 + "x```",
    "```\n" * 16000,
    "<think>a</think>" * 4000,
    ("<tool_call>" + " " * 50 + "```" + " " * 50) * 500,
    "[" + " " * 64000 + "a(",
    "a(" * 20000,
]


@pytest.mark.parametrize("text", HOSTILE_TEXTS, ids=range(len(HOSTILE_TEXTS)))
def test_hostile_model_text_is_read_or_refused(text):
    parsed = parse_model_text(text)
    assert parsed.error is not None or parsed.calls or isinstance(parsed.content, str)
    with contextlib.suppress(CallParseError):
        parse_calls(text)


def test_an_unclosed_tool_call_block_ends_at_the_next_one():
    calls = parse_calls('<tool_call>{"name": "ls"} <tool_call>{"name": "pwd"}</tool_call>')
    assert [call.name for call in calls] == ["ls", "pwd"]
    assert [c.name for c in parse_calls("```python\n[ls(), pwd()]\n```")] == ["ls", "pwd"]


# -- 4. message ids --------------------------------------------------------------------------------


def test_message_ids_are_bounded_with_a_clear_error():
    taken = list(range(10000, 10000 + limits.MAX_MESSAGES))
    domain = Messaging({"generated_ids": taken, "current_user": "USR001"})
    result = domain.send_message("USR002", "hi")
    assert result == {
        "error": f"Message quota reached: at most {limits.MAX_MESSAGES} messages can be sent in one session."
    }
    assert len(domain.inbox) == 3  # nothing sent
    below = Messaging({"generated_ids": taken[:-1], "current_user": "USR001"})
    assert below.send_message("USR002", "hi")["sent_status"] is True


def test_too_many_calls_in_one_reply_are_refused_whole():
    env = ToolEnv("message")
    env.reset(seed=0)
    env.step("message_login(user_id='USR001')")
    sends = [{"name": "send_message", "arguments": {"receiver_id": "USR002", "message": "x"}}] * 90_001
    assert "at most 256" in refused(env, sends)
    fs = fs_env()
    assert "at most 256" in refused(
        fs, "[" + ", ".join(["mkdir(dir_name='d')", "cd(folder='d')"] * 1000) + "]"
    )


# -- 5. deep and shared file trees -----------------------------------------------------------------


def test_a_deep_tree_stops_at_the_limit_and_stays_copyable():
    env = fs_env()
    statuses = []
    for _ in range(70):
        observation, *_ = env.step("[mkdir(dir_name='d'), cd(folder='d')]")
        statuses.append(observation["tool_results"][0]["status"])
    assert statuses.count("ok") == limits.MAX_DIRECTORY_DEPTH - 1  # the root is level 0
    assert "File name too long (folders nest at most 64 levels)" in json.dumps(env.messages[-4:])
    state = env.state_dict()
    assert pickle.loads(pickle.dumps(env)).state_dict() == state
    assert copy.deepcopy(env).state_dict() == state


def test_a_cycle_through_shared_folders_is_refused():
    env = ToolEnv("file_system")
    env.reset(seed=0)
    env.step("[mkdir(dir_name='a'), cd(folder='a'), mkdir(dir_name='c'), cd(folder='..')]")
    env.step("[cp(source='a', destination='b'), mv(source='a', destination='b'), cd(folder='b')]")
    before = env.state_dict()
    observation, *_ = env.step("mv(source='a', destination='c')")  # c is shared with a: a cycle
    assert observation["tool_results"][0]["status"] == "error"
    assert env.state_dict() == before
    json.dumps(env.state_dict())


def test_copies_that_double_the_tree_stop_at_the_entry_limit():
    env = ToolEnv("file_system")
    env.reset(seed=0)
    env.step("[mkdir(dir_name='x'), cd(folder='x'), touch(file_name='f'), cd(folder='..')]")
    errors = 0
    for _ in range(20):  # each round doubles the serialised tree
        observation, *_ = env.step(
            "[cp(source='x', destination='y'), mkdir(dir_name='z'), mv(source='x', destination='z'), "
            "mv(source='y', destination='z'), rm(file_name='x'), rm(file_name='y'), "
            "mv(source='z', destination='x')]"
        )
        errors += sum(status == "error" for status, _ in results(observation))
    assert errors
    assert len(json.dumps(env.state_dict())) < limits.MAX_TREE_NODES * 200


def test_pickling_keeps_shared_children_shared():
    env = ToolEnv("file_system")
    env.reset(seed=0)
    env.step("[mkdir(dir_name='a'), cd(folder='a'), mkdir(dir_name='c'), cd(folder='..')]")
    env.step("cp(source='a', destination='b')")
    restored = pickle.loads(pickle.dumps(env))
    for copy_ in (env, restored):
        copy_.step("[cd(folder='a'), cd(folder='c'), touch(file_name='seen')]")
    assert restored.state_dict() == env.state_dict()
    tree = env.state_dict()["file_system"]["root"]["/"]["contents"]
    assert "seen" in tree["b"]["contents"]["c"]["contents"]  # bfcl-eval's sharing, kept across pickling


def test_a_config_deeper_than_the_limit_is_a_config_error():
    node: dict = {"type": "file", "content": ""}
    for _ in range(5000):
        node = {"type": "directory", "contents": {"d": node}}
    env = ToolEnv("file_system")
    with pytest.raises(ConfigError):
        env.reset(options={"initial_config": {"file_system": {"root": {"r": node}}}})


# -- 6. non-JSON values and garbage reset options ----------------------------------------------------


@pytest.mark.parametrize(
    "value", [np.array([1, 2]), np.int64(3), {1, 2}, b"bytes", object(), complex(1, 2), {"k": np.zeros(2)}]
)
def test_non_json_argument_values_are_refused(value):
    assert "not JSON data" in refused(fs_env(), {"name": "mkdir", "arguments": {"dir_name": value}})


GARBAGE_OPTIONS = [
    5,
    "initial_config",
    [("initial_config", {})],
    {"colour": 1},
    {5: 1},
    {"initial_config": 5},
    {"initial_config": []},
    {"initial_config": {"nope": {}}},
    {"initial_config": {"file_system": 5}},
    {"initial_config": {"file_system": {"root": 5}}},
    {"initial_config": {"file_system": {"root": {"r": 5}}}},
    {"initial_config": {"file_system": {"root": {"r": {"contents": {"f": 5}}}}}},
    {"initial_config": {"file_system": {"root": {"r": {"contents": {"f": {"kind": "file"}}}}}}},
    {"initial_config": {"file_system": {"root": {"r": {"contents": {"f": {"type": "file", "content": 5}}}}}}},
    {"long_context": "yes"},
    {"message": 5},
    {"initial_config": {"message": {"inbox": [{}]}}},
    {"initial_config": {"message": {"inbox": 5}}},
    {"initial_config": {"message": {"generated_ids": 5}}},
    {"initial_config": {"trading": {"watch_list": 5, "orders": 5}}},
    {"initial_config": {"travel": {"credit_card_list": 5}}},
    {"initial_config": {"posting": {"tweets": 5}}},
    {"initial_config": {"ticket": {"ticket_queue": 5}}},
    {"initial_config": {"vehicle": {"fuelLevel": "full", "doorStatus": 5}}},
]


@pytest.mark.parametrize("options", GARBAGE_OPTIONS, ids=range(len(GARBAGE_OPTIONS)))
def test_garbage_reset_options_raise_config_error_and_the_env_still_works(options):
    env = gym.make("FunReason/Combined-v0")  # wrapped: passive checker and order enforcing
    try:
        env.reset(seed=0, options=options)
    except ConfigError:
        pass
    else:  # a few shapes are tolerated by the domain (as bfcl-eval tolerates them): fine if it serialises
        json.dumps(env.unwrapped.state_dict())
    observation, _ = env.reset(seed=0)
    assert observation["role"] == "user"
    observation, *_ = env.step({"name": "ls", "arguments": {}})
    assert observation["tool_results"][0]["status"] == "ok"


def test_a_failed_first_reset_leaves_a_gym_make_env_usable():
    env = gym.make("FunReason/FileSystem-v0")
    with pytest.raises(ConfigError):
        env.reset(options={"initial_config": {"file_system": {"root": 5}}})
    env.reset(options={"initial_config": {"file_system": FILE_CONFIG}})
    observation, *_ = env.step("ls()")
    assert json.loads(observation["tool_results"][0]["content"]) == {"current_directory_content": ["a.txt"]}


def test_a_failed_reset_keeps_the_running_episode():
    env = fs_env()
    env.step("cd(folder='ws')")
    env.step("mkdir(dir_name='kept')")
    before = env.state_dict()
    with pytest.raises(ConfigError):
        env.reset(options={"initial_config": {"file_system": {"root": {"r": 5}}}})
    assert env.state_dict() == before


@pytest.mark.parametrize("task", [5, [1], {"id": 5}, {"turns": "x"}, "no-such-id"])
def test_multi_turn_task_garbage_is_a_config_error(task):
    env = gym.make("FunReason/MultiTurn-v0", tasks="demo")
    with pytest.raises(ConfigError):
        env.reset(options={"task": task})
    observation, _ = env.reset(seed=0)
    assert observation["role"] == "user"


# -- 7. lone surrogates -----------------------------------------------------------------------------


def test_lone_surrogates_never_reach_the_transcript():
    env = fs_env()
    env.step(
        {
            "role": "assistant",
            "content": "bad \ud800 text",
            "reasoning_content": "\udfff",
            "tool_calls": [
                {"id": "c\ud800", "function": {"name": "mkdir", "arguments": '{"dir_name": "d\\ud800"}'}}
            ],
        }
    )
    env.step({"name": "mkdir", "arguments": {"dir_name": "e\udc00"}})
    env.step("echo(content='\ud800', file_name='a.txt')")
    env.step("echo(content='\\udc00', file_name='b.txt')")  # an escape the call syntax decodes
    env.step({"role": "assistant", "content": "\ud800 done"})
    text = json.dumps([env.messages, env.state_dict()], ensure_ascii=False)
    text.encode("utf-8")  # would raise on a lone surrogate
    assert "\ufffd" in text


def test_surrogate_cleaning_keeps_pairs_and_clean_values():
    assert clean_text("\ud83d\ude00") == "\U0001f600"
    value = {"a": ["x", ("y",)], "b": 1}
    assert scrub_surrogates(value) is value
    assert scrub_surrogates({"k\ud800": ["\udc00", 2]}) == {"k\ufffd": ["\ufffd", 2]}
    assert scrub_surrogates(MappingProxyType({"a": ("\ud800",)})) == {"a": ["\ufffd"]}
    assert parse_model_text("<think>\ud800</think>ok").reasoning == "\ufffd"


@pytest.mark.timeout(20)
def test_a_value_holding_itself_is_scrubbed_in_bounded_time():
    clean: dict = {"role": "assistant", "content": "x", "list": []}
    clean["self"] = clean
    clean["list"].append(clean["list"])
    assert scrub_surrogates(clean) is clean
    dirty: dict = {"content": "bad \ud800", "shared": ["\udc00"]}
    dirty["self"] = dirty
    dirty["again"] = dirty["shared"]
    scrubbed = scrub_surrogates(dirty)
    assert scrubbed["content"] == "bad \ufffd" and scrubbed["self"] is scrubbed
    assert scrubbed["shared"] == ["\ufffd"] and scrubbed["again"] is scrubbed["shared"]
    env = gym.make("FunReason/MultiTurn-v0", tasks="demo")
    env.reset(seed=0)
    loop: list = []
    loop.append(loop)
    observation, *_ = env.step({"role": "assistant", "content": None, "tool_calls": loop})
    assert observation["tool_results"] == [] and env.unwrapped.invalid_actions == 1


# -- 8. Gymnasium's contract -----------------------------------------------------------------------


def test_free_play_refuses_steps_after_the_end():
    env = gym.make("FunReason/FileSystem-v0")
    env.reset(seed=0)
    *_, terminated, _, _ = env.step({"role": "assistant", "content": "bye"})
    assert terminated
    with pytest.raises(gym.error.ResetNeeded):
        env.step("ls()")
    env.reset(seed=0)
    env.step("ls()")


def test_free_play_truncates_at_its_step_limit_and_then_needs_a_reset():
    env = gym.make("FunReason/FileSystem-v0", max_steps=3)
    env.reset(seed=0)
    truncations = [env.step("ls()")[3] for _ in range(3)]
    assert truncations == [False, False, True]
    with pytest.raises(gym.error.ResetNeeded):
        env.step("ls()")


def test_multi_turn_refuses_steps_after_the_end():
    env = MultiTurnEnv(tasks="demo")
    env.reset(seed=0)
    terminated = truncated = False
    while not (terminated or truncated):
        _, _, terminated, truncated, _ = env.step({"role": "assistant", "content": "done"})
    with pytest.raises(gym.error.ResetNeeded):
        env.step("ls()")


@pytest.mark.parametrize("env_id", ["FunReason/MultiTurn-v0", "FunReason/Combined-v0", "FunReason/Math-v0"])
def test_every_env_refuses_step_and_render_before_reset_without_gymnasiums_order_wrapper(env_id):
    env = gym.make(env_id, render_mode="ansi")
    assert "OrderEnforcing" not in str(env)  # the env keeps the order itself (registration's docstring)
    with pytest.raises(gym.error.ResetNeeded):
        env.step("ls()")
    with pytest.raises(gym.error.ResetNeeded):
        env.render()
    env.reset(seed=0)
    assert env.render().startswith("user: ")


# -- 9. the call-text cache ------------------------------------------------------------------------


def test_the_call_text_cache_is_bounded_in_characters():
    _CALL_TEXT_CACHE.clear()
    big = "cat(file_name='" + "z" * 5_000_000 + "')"
    for index in range(20):
        parse_calls(big[:-2] + str(index) + "')")
    assert _CALL_TEXT_CACHE.chars == 0
    for index in range(5000):
        parse_calls(f"cat(file_name='{'y' * 1000}{index}')")
    assert 0 < _CALL_TEXT_CACHE.chars <= limits.MAX_CACHE_CHARS
    assert parse_calls("ls()") == parse_calls("ls()")


# -- 10. verdict parity: mistyped calls run in BFCL scoring, refused in free play and strict mode ----


def test_mistyped_calls_run_in_bfcl_scoring_and_are_refused_in_strict_play():
    task = Task.model_validate(
        {
            "id": "tail_float",
            "domains": ["file_system"],
            "initial_config": {
                "file_system": {
                    "root": {
                        "r": {
                            "type": "directory",
                            "contents": {"report.txt": {"type": "file", "content": "only line"}},
                        }
                    }
                }
            },
            "turns": [[{"role": "user", "content": "Show the last line of report.txt."}]],
            "ground_truth": [[{"name": "tail", "arguments": {"file_name": "report.txt", "lines": 1}}]],
        }
    )
    outcome = execute_responses(task, [[["tail(file_name='report.txt', lines=1.5)"]]])
    assert outcome[0].results == ['{"last_lines": "only line"}']
    assert check_task(task, outcome).passed
    lenient = MultiTurnEnv(tasks=[task])
    lenient.reset(options={"task": "tail_float"})
    assert lenient.step("tail(file_name='report.txt', lines=1.5)")[0]["tool_results"][0]["status"] == "ok"
    strict = MultiTurnEnv(tasks=[task], strict=True)
    strict.reset(options={"task": "tail_float"})
    assert strict.step("tail(file_name='report.txt', lines=1.5)")[0]["tool_results"][0]["status"] == "invalid"
    free = fs_env()
    assert free.step("tail(file_name='a.txt', lines=1.5)")[0]["tool_results"][0]["status"] == "invalid"


def test_math_keeps_nan_and_infinity_printable():
    router = ToolRouter([domain_class("math")()])
    (result,) = router.run({"name": "add", "arguments": {"a": math.inf, "b": 1}})
    assert result.content == '{"result": Infinity}'


@pytest.mark.parametrize("domain", ["trading", "vehicle", "message", "travel"])
def test_an_initial_config_nested_thousands_deep_is_refused_with_a_config_error(domain: str):
    deep: list = []
    for _ in range(5_000):
        deep = [deep]
    key = {"trading": "watch_list", "vehicle": "doorStatus", "message": "inbox", "travel": "credit_card_list"}
    with pytest.raises(ConfigError, match="nested too deeply"):
        domain_class(domain)({key[domain]: deep})
    task = Task(
        id="deep",
        domains=[domain],
        initial_config={domain: {key[domain]: deep}},
        turns=[[{"role": "user", "content": "hi"}]],
        ground_truth=[[]],
    )
    with pytest.raises(ConfigError, match="nested too deeply"):
        execute_responses(task, [[]])
