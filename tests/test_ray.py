"""`--executor ray` on a local Ray instance (2 CPUs): the same output as a local run, resumable after the
driver dies, nothing lost or duplicated when a worker dies, bounded concurrency, and the README's recipe."""

from __future__ import annotations

import json
import logging
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from funreason_envs.cli import main
from funreason_envs.commands import synthesize as synthesize_command
from funreason_envs.errors import ConfigError
from funreason_envs.synthesis.run import synthesize
from tests.support.llm_stand_in import SETTINGS, stand_in
from tests.support.openai_server import Scripted, ScriptedServer, completion
from tests.support.readme import snippet

ray = pytest.importorskip("ray")
from funreason_envs.ray_executor import RayExecutor  # noqa: E402  (needs ray)

SYNTH = ["synthesize", "--num", "6", "--seed", "6", "--quiet", "--format", "openai"]  # has a rejection
SYNTH_FILES = ("samples.jsonl", "rejections.jsonl", "report.json", "openai.jsonl")


@pytest.fixture(scope="module")
def cluster():
    context = ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING)
    yield context
    ray.shutdown()


@pytest.fixture(scope="module")
def local_synthesis(tmp_path_factory) -> Path:
    """The reference: the synthesis run of `SYNTH`, in this process."""
    out = tmp_path_factory.mktemp("local")
    assert main([*SYNTH, "--out", str(out)]) == 0
    return out


def same_files(left: Path, right: Path, names: tuple[str, ...] = SYNTH_FILES) -> None:
    for name in names:
        assert (left / name).is_file(), f"{name} missing from the reference run"
        assert (left / name).read_bytes() == (right / name).read_bytes(), name


def cpus_freed() -> bool:
    """Whether every CPU of the cluster is free again (waits up to 30 s for Ray to reap a driver's actors)."""
    for _ in range(300):
        if ray.available_resources().get("CPU", 0.0) == 2.0:
            return True
        time.sleep(0.1)
    return False


def results(folder: Path) -> list[dict]:
    """The eval rows without their wall-clock timings (the one field two runs cannot share)."""
    rows = [json.loads(line) for line in (folder / "results.jsonl").read_text().splitlines()]
    for row in rows:
        row.pop("timings", None)
    return rows


def test_results_come_back_in_item_order(cluster):
    def slow_first(item: int) -> int:
        time.sleep(0.5 if item == 0 else 0.0)  # the others finish first and fill the look-ahead window
        return item * item

    executor = RayExecutor(max_concurrency=2, batch=2)
    assert list(executor.map(slow_first, range(30))) == [item * item for item in range(30)]


def test_work_is_read_ahead_only_a_bounded_window(cluster):
    pulled = []

    def source():
        for item in range(200):
            pulled.append(item)
            yield item

    stream = RayExecutor(max_concurrency=2, batch=3).map(lambda item: item, source())
    assert next(stream) == 0
    assert len(pulled) <= 2 * 2 * 3 + 3  # actors x pipeline x batch, plus the batch being cut
    stream.close()


def test_failing_work_stops_the_run_with_its_own_error(cluster):
    def broken(item: int) -> int:
        raise ConfigError(f"bad option on item {item}")

    with pytest.raises(ConfigError, match="bad option on item 0"):
        list(RayExecutor(max_concurrency=1).map(broken, range(3)))


def test_an_item_that_kills_every_worker_is_given_up_not_retried_forever(cluster):
    def deadly(item: int) -> int:
        if item == 3:
            os._exit(1)
        return item

    executor = RayExecutor(max_concurrency=2, batch=2)  # item 2 shares the deadly item's batch
    out = list(executor.map(deadly, range(6), on_lost=lambda item, exc: ("lost", item)))
    assert out == [0, 1, 2, ("lost", 3), 4, 5]
    assert executor.stats.items_lost == 1 and executor.stats.workers_lost >= 3


def test_synthesis_on_ray_is_byte_identical_to_local(cluster, local_synthesis, tmp_path, capsys):
    args = ["--executor", "ray", "--max-concurrency", "2", "--ray-batch", "2"]
    assert main([*SYNTH, "--out", str(tmp_path), *args]) == 0
    same_files(local_synthesis, tmp_path)
    assert "written 6 of 6 requested" in capsys.readouterr().out  # the same report as a local run


def test_llm_roles_on_ray_write_what_a_local_run_writes(cluster, tmp_path):
    """The roles call the model from the workers; one at a time, the stand-in answers as it does locally."""
    with ScriptedServer(responder=stand_in) as server:
        for name, executor in (("local", None), ("ray", RayExecutor(max_concurrency=1))):
            backend = f"openai:{server.url}"
            run = {"backend": backend, "model": "test-model", "progress": False, "max_indices": 8}
            synthesize(5, SETTINGS, tmp_path / name, executor=executor, **run)  # index 4 is rejected
        assert len(server.requests) > 10
    same_files(tmp_path / "local", tmp_path / "ray", ("samples.jsonl", "rejections.jsonl"))


class KillAfterFirst:
    """Wraps the Ray executor and `ray.kill`s one of its actors once the first result is in."""

    def __init__(self, inner: RayExecutor) -> None:
        self.inner = inner

    def map(self, work, items, on_lost=None):
        for count, result in enumerate(self.inner.map(work, items, on_lost)):
            if count == 0:
                ray.kill(self.inner.actors[0])
            yield result


def test_a_killed_worker_loses_and_duplicates_nothing(
    cluster, local_synthesis, tmp_path, capsys, monkeypatch
):
    executor = RayExecutor(max_concurrency=2)
    monkeypatch.setattr(synthesize_command, "make_executor", lambda args: KillAfterFirst(executor))
    assert main([*SYNTH, "--out", str(tmp_path), "--executor", "ray"]) == 0
    assert executor.stats.workers_lost == 1 and executor.stats.items_lost == 0
    same_files(local_synthesis, tmp_path)
    assert "1 worker(s) died" in capsys.readouterr().err


def test_resume_after_the_driver_is_killed_or_interrupted(cluster, tmp_path):
    """A driver SIGKILLed, then one stopped with Ctrl-C, then a rerun: the folder equals a local run's."""
    run = ["synthesize", "--num", "30", "--seed", "6", "--quiet", "--format", "openai"]  # has rejections
    assert main([*run, "--out", str(tmp_path / "local")]) == 0
    out = tmp_path / "ray"
    address = cluster.address_info["gcs_address"]
    driver_command = [sys.executable, "-m", "funreason_envs.cli", *run, "--out", str(out)]
    driver_command += ["--executor", "ray", "--ray-address", address]
    samples = out / "samples.jsonl"

    def rows() -> int:
        return len(samples.read_bytes().splitlines()) if samples.exists() else 0

    for stop in (signal.SIGKILL, signal.SIGINT):
        before = rows()  # what earlier drivers wrote: stop this one only once it has written rows itself
        driver = subprocess.Popen(driver_command, stderr=subprocess.PIPE, text=True)
        while driver.poll() is None and rows() < before + 2:
            time.sleep(0.05)
        driver.send_signal(stop)
        stderr = driver.communicate(timeout=60)[1]
        assert driver.returncode == (-signal.SIGKILL if stop == signal.SIGKILL else 130), stderr
        assert cpus_freed(), "the dead driver's workers still hold the cluster"
    assert "interrupted" in stderr
    assert main([*run, "--out", str(out), "--executor", "ray"]) == 0
    same_files(tmp_path / "local", out)


def test_eval_on_ray_matches_local(cluster, tmp_path):
    run = ["eval", "--tasks", "demo", "--agent", "random", "--seed", "3", "--quiet"]
    assert main([*run, "--out", str(tmp_path / "local")]) == 0
    assert main([*run, "--out", str(tmp_path / "ray"), "--executor", "ray", "--ray-batch", "2"]) == 0
    assert results(tmp_path / "local") == results(tmp_path / "ray")
    local, remote = ((tmp_path / name / "summary.json").read_text() for name in ("local", "ray"))
    assert local == remote


def test_max_concurrency_bounds_the_calls_a_model_server_gets(cluster, tmp_path):
    slow = Scripted(body=completion("Done.").body, delay=0.3)
    with ScriptedServer(responder=lambda body: slow) as server:
        run = ["eval", "--tasks", "demo", "--agent", "openai", "--model", "test-model", "--quiet"]
        run += [
            "--base-url",
            server.url,
            "--out",
            str(tmp_path),
            "--executor",
            "ray",
            "--max-concurrency",
            "1",
        ]
        assert main(run) == 0
    assert len(server.requests) >= 3 and server.peak == 1
    assert all(row["reason"] != "agent_error" for row in results(tmp_path))


def test_ray_options_need_the_ray_executor(tmp_path, capsys):
    assert main([*SYNTH, "--out", str(tmp_path), "--max-concurrency", "4"]) == 2
    assert "--max-concurrency only apply with --executor ray" in capsys.readouterr().err
    assert main([*SYNTH, "--out", str(tmp_path), "--executor", "ray", "--workers", "2"]) == 2
    assert "with --executor ray use --max-concurrency" in capsys.readouterr().err


def test_without_ray_the_executor_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    assert main([*SYNTH, "--out", str(tmp_path), "--executor", "ray"]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "pip install 'funreason-envs[ray]'" in error


def test_readme_ray_recipe(cluster, tmp_path):
    """The README's one-flag commands, at a small size, on the test's Ray instance."""
    commands = [shlex.split(line) for line in snippet("ray").splitlines() if line.startswith("funreason ")]
    assert [command[1] for command in commands] == ["synthesize", "eval"]
    with ScriptedServer(responder=lambda body: completion("Done.")) as server:
        swap = {
            "1000": "4",
            "data/synth": str(tmp_path / "synth"),
            "runs/m": str(tmp_path / "eval"),
            "http://localhost:8000/v1": server.url,
            "my-model": "test-model",
            "bfcl:multi_turn_base": "demo",
        }
        for command in commands:
            assert "--executor" in command and command[command.index("--executor") + 1] == "ray"
            assert main([swap.get(word, word) for word in command[1:]] + ["--quiet"]) == 0
    assert len((tmp_path / "synth" / "samples.jsonl").read_text().splitlines()) == 4
    assert len(results(tmp_path / "eval")) == 3


def test_readme_rl_rollouts_in_an_actor_pool(cluster, capsys):
    exec(compile(snippet("ray-rollouts"), "README:ray-rollouts", "exec"), {"__name__": "readme"})
    printed = [line.split() for line in capsys.readouterr().out.strip().splitlines()]
    from funreason_envs.tasks import load_tasks

    assert [words[0] for words in printed] == [task.id for task in load_tasks("demo")]
    assert all(0.0 <= float(words[1]) <= 1.0 and words[2] in ("True", "False") for words in printed)


def test_an_unreachable_ray_address_is_one_line_at_once(tmp_path, capsys):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{probe.getsockname()[1]}"  # bound, not listening: refuses connections
        assert main([*SYNTH, "--out", str(tmp_path), "--executor", "ray", "--ray-address", address]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "nothing answers there" in error and "ray start --head" in error
    assert not (tmp_path / "run.json").exists()  # refused before the run folder was made
