"""FunReason task sets as a verifiers 0.4 (`verifiers.v1`) environment.

    from funreason_envs.integrations.verifiers import load_environment

    env = load_environment(tasks="bfcl:base", reward="final")   # a verifiers.v1 Env
    # verifiers' own runners drive it: env.run_episode(task, ModelContext(...)), `eval`, prime-rl

The env plays the user host-side, as verifiers' own stateful envs do: each user turn of the task goes to
the model; the model's reply (raw text, calls as Hermes `<tool_call>` blocks, a Python call list or JSON)
is executed in `MultiTurn-v0`; tool results come back as `<tool_response>` blocks until the model replies
without calls, which closes the turn. The tools are listed in the system prompt (held-out tools when they
are revealed). The episode's reward, recorded as `bfcl`, is `MultiTurn-v0`'s (`final`, `turn` or `partial`).

The module is also the verifiers plugin `funreason_envs_verifiers` (verifiers resolves plugin ids as
top-level module names, so importing this module registers it under that name): it exports the taskset,
the env and a tool-less, in-process chat harness (one completion per segment through verifiers'
interception endpoint), so nothing is installed or launched at run time.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any, Literal

from funreason_envs.integrations import require

require("verifiers.v1", "verifiers")

import verifiers.v1 as vf  # noqa: E402
from verifiers.v1.configs.harness import HarnessConfig  # noqa: E402
from verifiers.v1.runtimes import ProgramResult  # noqa: E402
from verifiers.v1.runtimes.subprocess import SubprocessConfig  # noqa: E402

from funreason_envs.agents.prompts import tool_responses_text, tools_system_prompt  # noqa: E402
from funreason_envs.integrations.episode import resolve_tasks  # noqa: E402
from funreason_envs.multiturn import MultiTurnEnv  # noqa: E402

PLUGIN_ID = "funreason_envs_verifiers"
sys.modules.setdefault(PLUGIN_ID, sys.modules[__name__])
RESULTS_HEADER = "Results:"


class FunReasonTasksetConfig(vf.TasksetConfig):
    """Which FunReason tasks load, and how episodes are scored."""

    tasks: str = "demo"
    """A task-set spec: `bfcl:base`, `demo`, a JSONL file, comma-separated."""
    bfcl_data: str | None = None
    """Folder with BFCL's data files, when bfcl-eval is not installed."""
    reward: Literal["final", "turn", "partial"] = "final"
    """MultiTurn-v0's reward mode; the episode's reward is the sum of its rewards."""
    strict: bool = False
    max_steps_per_turn: int = 20


class FunReasonData(vf.TaskData):
    task_id: str
    """The id of the FunReason task this verifiers task plays."""


class FunReasonTask(vf.Task[FunReasonData]):
    pass


class FunReasonTaskset(vf.Taskset[FunReasonTask, FunReasonTasksetConfig]):
    """One verifiers task per FunReason task; the user side (the turns) stays with the env."""

    def __init__(self, config: FunReasonTasksetConfig) -> None:
        super().__init__(config)
        self.funreason_tasks = {task.id: task for task in resolve_tasks(config.tasks, config.bfcl_data)}

    def load(self) -> Iterator[FunReasonTask]:
        for task in self.funreason_tasks.values():
            yield FunReasonTask(
                FunReasonData(id=task.id, name=task.id, prompt=None, task_id=task.id), self.config.task
            )


class FunReasonChatHarnessConfig(HarnessConfig):
    pass


class FunReasonChatHarness(vf.Harness[FunReasonChatHarnessConfig]):
    """A tool-less chat loop run in-process: one completion per segment through the interception endpoint."""

    APPENDS_SYSTEM_PROMPT = True
    SUPPORTS_RESUME = True
    EXECUTES_CODE = False
    NEEDS_CONTAINER = False

    async def launch(
        self, ctx, trace, runtime, endpoint, secret, mcp_urls, data, **kwargs: Any
    ) -> ProgramResult:
        from openai import AsyncOpenAI
        from verifiers.v1.dialects.chat import message_to_wire

        system, prompt = self.resolve_prompt(data)
        messages: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
        if isinstance(prompt, str):
            messages.append({"role": "user", "content": prompt})
        elif prompt is not None:
            messages.extend(message_to_wire(message) for message in prompt)
        async with AsyncOpenAI(base_url=endpoint, api_key=secret, max_retries=0) as client:
            await client.chat.completions.create(model=ctx.model, messages=messages)
        return ProgramResult(exit_code=0, stdout="", stderr="")


class FunReasonEnvConfig(vf.EnvConfig):
    # The harness runs in-process and executes nothing, so a local runtime suits it (no sandbox).
    player: vf.AgentConfig = vf.AgentConfig(runtime=SubprocessConfig())


class FunReasonEnv(vf.Env[FunReasonEnvConfig]):
    """Plays a FunReason task's user turns against the player and records the BFCL reward."""

    async def run(self, task: FunReasonTask, agents: Any) -> None:
        config: FunReasonTasksetConfig = self.taskset.config
        funreason_task = self.taskset.funreason_tasks[task.data.task_id]
        env = MultiTurnEnv(
            [funreason_task],
            reward_mode=config.reward,
            strict=config.strict,
            max_steps_per_turn=config.max_steps_per_turn,
        )
        observation, info = env.reset(options={"task": funreason_task.id})
        shown = [tool["function"]["name"] for tool in info["tools"]]
        message = (
            tools_system_prompt(info["tools"], funreason_task.system_prompt) + "\n\n" + observation["content"]
        )
        total, done = 0.0, False
        async with agents.player.interaction(task) as interaction:
            while not done:
                segment = await interaction.turn(message)
                if segment.terminated:
                    break
                observation, reward, terminated, truncated, info = env.step(
                    {"role": "assistant", "content": segment.last_reply}
                )
                total += float(reward)
                done = terminated or truncated
                message = _next_message(observation, info, shown)
            trace = interaction.trace
            trace.record_reward("bfcl", total)
            trace.info["check"] = info.get("check")


def _next_message(observation: dict[str, Any], info: dict[str, Any], shown: list[str]) -> str:
    """What the user says next: tool results, a refusal, or the next turn (with newly revealed tools)."""
    if observation["role"] == "tool":
        return tool_responses_text(observation["tool_results"])
    new = [tool for tool in info["tools"] if tool["function"]["name"] not in shown]
    shown.extend(tool["function"]["name"] for tool in new)
    return tools_system_prompt(new) + "\n\n" + observation["content"] if new else observation["content"]


def load_environment(
    tasks: str = "demo",
    *,
    reward: Literal["final", "turn", "partial"] = "final",
    strict: bool = False,
    bfcl_data: str | None = None,
    **env_config: Any,
) -> FunReasonEnv:
    """A verifiers 0.4 env over a FunReason task set, built through verifiers' own loader."""
    from verifiers.v1.utils.loaders import load_environment as verifiers_load_environment

    taskset = {"id": PLUGIN_ID, "tasks": tasks, "reward": reward, "strict": strict, "bfcl_data": bfcl_data}
    config = FunReasonEnvConfig.model_validate({"taskset": taskset, **env_config})
    return verifiers_load_environment(config)


__all__ = ["FunReasonChatHarness", "FunReasonEnv", "FunReasonTaskset", "load_environment"]
