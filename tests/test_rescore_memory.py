"""`funreason eval --responses` on bfcl-eval result files of the memory categories: only the last step
that is not a call is scored, against the possible answers, and our verdict equals bfcl-eval's (its own
decoders, its `is_empty_execute_response` and its `agentic_checker`) on every row, in prompt and FC mode."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from funreason_envs.bfcl_results import FinalReply, final_reply
from funreason_envs.cli import main
from funreason_envs.tasks import load_tasks
from tests.support.oracle import bfcl_model_utils

PER_BACKEND = 25
BACKENDS = ("kv", "vector", "rec_sum")


def bfcl_verdict(result: Any, answers: list[str], fc: bool) -> bool:
    """bfcl-eval's agentic verdict for one row, following its agentic runner step by step."""
    utils = bfcl_model_utils()
    from bfcl_eval.eval_checker.agentic_eval.agentic_checker import agentic_checker
    from bfcl_eval.eval_checker.multi_turn_eval.multi_turn_utils import is_empty_execute_response

    if type(result) is not list or len(result) != 1:
        return False
    last = None
    for step in result[0]:
        try:
            decode = utils.convert_to_function_call if fc else utils.default_decode_execute_prompting
            decoded = decode(step)
            if is_empty_execute_response(decoded):
                last = step
                continue
        except Exception:
            last = step
    if not last:
        return False
    return bool(agentic_checker(last, answers)["valid"])


def _replies(answer: str, rng: random.Random) -> list[str]:
    return [
        f"{{'answer': '{answer}', 'context': 'from memory'}}",
        f"I believe it is {answer.upper()}.",
        f"{{'answer': '{answer}s', 'context': 'a near miss'}}",
        "{'answer': 'I do not know', 'context': 'I do not know'}",
        f"It was ({answer}).",
        answer.replace(" ", "-"),
        "",
        f"{rng.randint(0, 99)}",
    ]


def prompt_row(answer: str, rng: random.Random) -> Any:
    reply = rng.choice(_replies(answer, rng))
    shapes = [
        [["[archival_memory_key_search(query='name')]", reply]],
        [[reply, "[core_memory_list_keys()]"]],  # the reply was not the last step
        [["core_memory_retrieve(key='name')"]],  # no reply at all
        [["```\n[memory_retrieve()]\n```", reply]],
        [["Let me check.", reply]],
        [[reply], ["second turn"]],  # two turns: an inference error
        [[reply, ""]],
        "Error during inference: timeout",
    ]
    return rng.choice(shapes)


def fc_row(answer: str, rng: random.Random) -> Any:
    reply = rng.choice(_replies(answer, rng))
    call = {"archival_memory_retrieve": json.dumps({"query": "where do I live"})}
    shapes = [
        [[[call], reply]],
        [[[call], [{"core_memory_retrieve": "{broken json"}]]],  # the broken call is the last non-call
        [[reply, [call]]],
        [[[call]]],
        [[[call], [], reply]],
        [[reply]],
        [[[call], reply], [reply]],
    ]
    return rng.choice(shapes)


@pytest.mark.parametrize("mode", ["prompt", "fc"])
def test_rescoring_memory_result_folders_gives_bfcl_verdicts(tmp_path, mode):
    rng = random.Random(mode)
    expected: dict[str, bool] = {}
    for backend in BACKENDS:
        folder = tmp_path / "result" / "some-model" / "agentic" / "memory" / backend
        folder.mkdir(parents=True)
        tasks = [t for t in load_tasks(f"bfcl:memory_{backend}") if t.answers is not None][:PER_BACKEND]
        lines = []
        for task in tasks:
            assert task.answers is not None
            row = (prompt_row if mode == "prompt" else fc_row)(rng.choice(task.answers), rng)
            expected[task.id] = bfcl_verdict(row, task.answers, fc=mode == "fc")
            lines.append(json.dumps({"id": task.id, "result": row}))
        (folder / f"BFCL_v4_memory_{backend}_result.json").write_text("\n".join(lines) + "\n")
        prereq = {"id": f"memory_{backend}_prereq_0-customer-0", "result": [["hello"]]}
        (folder / f"BFCL_v4_memory_{backend}_prereq_result.json").write_text(json.dumps(prereq) + "\n")
    passed = sum(expected.values())
    assert min(passed, len(expected) - passed) >= 10, "the mix needs passing and failing rows"
    out = tmp_path / "scored"
    tasks = ",".join(f"bfcl:memory_{backend}" for backend in BACKENDS)
    responses = str(tmp_path / "result")
    code = main(["eval", "--tasks", tasks, "--responses", responses, "--out", str(out), "--quiet"])
    assert code == 0
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert {row["id"]: row["passed"] for row in rows} == expected
    summary = json.loads((out / "summary.json").read_text())
    assert sorted(summary["categories"]) == [f"memory_{backend}" for backend in sorted(BACKENDS)]


def test_the_final_reply_is_the_last_step_that_is_not_a_call():
    assert final_reply([["[f(a=1)]", "Seattle", "[g()]"]]) == FinalReply("Seattle", 1)
    assert final_reply([["[f(a=1)]"]]) == FinalReply(None, 1)
    assert final_reply([["Seattle", ""]]) == FinalReply(None, 1)  # bfcl-eval: an empty last reply
    assert final_reply([["a"], ["b"]]) == FinalReply(None, 2)
    assert final_reply("Error") == "Error"


def test_rescored_rows_of_a_result_file_name_their_reasons(tmp_path):
    rows = [
        {"id": "memory_kv_0-customer-0", "result": [["[core_memory_list_keys()]", "You are Michael."]]},
        {"id": "memory_kv_1-customer-1", "result": [["[core_memory_list_keys()]"]]},
        {"id": "memory_kv_2-customer-2", "result": [["Portland"]]},
        {"id": "memory_kv_3-customer-3", "result": [["a"], ["b"]]},
    ]
    path = tmp_path / "BFCL_v4_memory_kv_result.json"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    out = tmp_path / "scored"
    arguments = ["eval", "--tasks", "bfcl:memory_kv", "--responses", str(path), "--out", str(out), "--quiet"]
    assert main(arguments) == 0
    reasons = {
        row["id"]: row["reason"] for row in map(json.loads, (out / "results.jsonl").read_text().splitlines())
    }
    assert reasons == {
        "memory_kv_0-customer-0": None,
        "memory_kv_1-customer-1": "no_final_reply",
        "memory_kv_2-customer-2": "answer_not_found",
        "memory_kv_3-customer-3": "inference_error",
    }
    assert Path(out / "summary.json").is_file()
