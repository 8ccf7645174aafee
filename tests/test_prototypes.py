"""Clones of a task's prototypes behave as instances built from its config, and what is remembered per task
(prototypes, the ground truth's run) follows the task."""

from __future__ import annotations

import gc
import io
import json
import pickle

import pytest

from funreason_envs import checker, task_memo
from funreason_envs.checker import check_responses, check_task, execute_ground_truth, execute_responses
from funreason_envs.domains.base import SHARED
from funreason_envs.domains.prototype import Prototype, copier_for, frozen_twin
from funreason_envs.domains.registry import domain_names
from funreason_envs.session import Session, class_of, prototypes_of
from funreason_envs.task_memo import TaskMemo
from funreason_envs.tasks import Task, load_tasks
from funreason_envs.tasks.bfcl import CATEGORIES


def _bfcl_tasks(step: int = 10) -> list[Task]:
    """Every `step`-th task of BFCL's four multi-turn categories."""
    return [task for category in CATEGORIES for task in load_tasks(f"bfcl:{category}")[::step]]


def _built(task: Task, lenient: bool = True) -> Session:
    return Session.for_domains(task.domains, task.initial_config, task.long_context, lenient=lenient)


def _pickled(value: object) -> bytes:
    """`value` pickled without the memo: the same bytes for equal values, private state included,
    whichever equal strings are one object (copies read back from bytes share fewer or more of them)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer)
    pickler.fast = True
    pickler.dump(value)
    return buffer.getvalue()


def _state_text(session: Session) -> str:
    return json.dumps(session.state())  # key order included


def _prototypes(task: Task) -> tuple[Prototype, ...]:
    """The task's prototypes (built on the second request, as on a task's second session)."""
    kept = prototypes_of.get(task) or prototypes_of.get(task)
    assert kept is not None
    return kept[0]


def _cloned(task: Task) -> Session:
    _prototypes(task)
    return Session.for_task(task, lenient=True)


def test_a_task_played_once_gets_instances_built_from_its_config_and_clones_from_then_on():
    task = next(t for t in load_tasks("bfcl:multi_turn_base") if t.domains == ["posting", "file_system"])
    task = task.model_copy()
    first, second = Session.for_task(task), Session.for_task(task)
    assert not any(SHARED in vars(instance) for instance in first.router.instances)
    assert [SHARED in vars(instance) for instance in second.router.instances] == [True, False]  # a tree
    assert _state_text(first) == _state_text(second)


def test_clones_run_every_call_as_instances_built_from_the_config():
    for task in _bfcl_tasks():
        built, cloned = _built(task), _cloned(task)
        assert _pickled(cloned.router.instances) == _pickled(built.router.instances), task.id
        for index in range(len(task.turns)):
            calls = task.turn_calls(index)
            assert [r.content for r in cloned.execute(calls)] == [r.content for r in built.execute(calls)]
            assert _state_text(cloned) == _state_text(built), (task.id, index)
            assert all(
                mine.same_state_as(theirs)
                for mine, theirs in zip(cloned.router.instances, built.router.instances, strict=True)
            )
        assert _pickled(cloned.router.instances) == _pickled(built.router.instances), task.id


def test_running_a_clone_changes_neither_its_prototype_nor_another_clone():
    task = next(t for t in load_tasks("bfcl:multi_turn_base") if "trading" in t.domains)
    before = _state_text(_built(task))
    played = _cloned(task)
    for index in range(len(task.turns)):
        played.execute(task.turn_calls(index))
    trading = played.router.instances[task.domains.index("trading")]
    trading.stocks["NEW"] = {"price": 1.0}  # a change made directly, not through a tool
    trading.watch_list.append("NEW")
    assert _state_text(played) != before
    assert _state_text(_cloned(task)) == before
    prototype = _prototypes(task)[task.domains.index("trading")]
    assert prototype.shared is not None and "NEW" not in prototype.shared["stocks"]


def test_clones_copy_at_once_what_an_earlier_clone_read_and_stay_independent():
    prototype = Prototype(class_of("trading"), {})
    first = prototype.clone()
    assert "stocks" not in vars(first) and prototype.eager == ()
    first.stocks["NEW"] = {"price": 1.0}  # read (copied into the clone), then changed
    second, third = prototype.clone(), prototype.clone()
    assert [name for name, _, _ in prototype.eager] == ["stocks"]
    assert "stocks" in vars(second) and "watch_list" not in vars(second)
    second.stocks["AAPL"]["price"] = -1.0
    assert "NEW" not in second.stocks and third.stocks == prototype.shared["stocks"] != second.stocks
    assert _pickled(third) == _pickled(Prototype(class_of("trading"), {}).clone())
    del vars(second)["stocks"]
    assert second.stocks == prototype.shared["stocks"] and len(prototype.eager) == 1  # read again: noted once


def test_every_domain_built_from_its_defaults_clones_equal_to_a_fresh_build():
    for name in domain_names():
        cls = class_of(name)
        prototype = Prototype(cls, {})
        twin, fresh = prototype.clone(), cls({})
        assert twin.state_dict() == fresh.state_dict() and list(twin.state_dict()) == list(fresh.state_dict())
        assert _pickled(twin) == _pickled(fresh), name
        assert twin.same_state_as(fresh) or twin.state_dict() == fresh.state_dict()


def test_domains_holding_more_than_plain_data_are_built_again_not_shared():
    for name in ("file_system", "banking", "memory_vector"):
        prototype = Prototype(class_of(name), {})
        first, second = prototype.clone(), prototype.clone()
        assert prototype.shared is None and SHARED not in vars(first) and first is not second
    assert SHARED in vars(Prototype(class_of("trading"), {}).clone())


def test_an_attribute_set_after_cloning_shows_in_the_state_and_the_pickle():
    clone = Prototype(class_of("vehicle"), {}).clone()
    clone.extra_note = {"set": "later"}
    assert clone.state_dict()["extra_note"] == {"set": "later"}
    assert pickle.loads(pickle.dumps(clone)).extra_note == {"set": "later"}
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        _ = clone.missing


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1, "b": "x"},
        [1, 2.5, None],
        {1, 2, 3},
        {"AAPL": {"price": 1.0}, "MSFT": {"price": 2.0}},
        [{"id": 1}, {"id": 2}],
        {"a": [1, [2, {"b": 3}]], "c": {"d": {"e": []}}},
        {"flags": [True, False, -0.0, 1e308, "x"], 3: {"k": None}, "s": [{"t", "u"}]},
        [],
        {},
    ],
)
def test_the_copier_chosen_for_a_shape_copies_completely(value):
    copied = copier_for(value)(value)
    assert copied == value and type(copied) is type(value) and repr(copied) == repr(value)  # bools, -0.0
    containers = [(value, copied)]
    while containers:  # no container is shared, at any depth
        original, copy = containers.pop()
        assert original is not copy
        pairs = (
            zip(original.values(), copy.values(), strict=True)
            if isinstance(original, dict)
            else zip(original, copy, strict=True)
            if isinstance(original, list)
            else []
        )
        containers.extend((a, b) for a, b in pairs if isinstance(a, dict | list | set))


def test_a_frozen_twin_keeps_the_state_it_was_taken_in():
    task = next(t for t in load_tasks("bfcl:multi_turn_base") if "file_system" in t.domains)
    session = _cloned(task)
    twins = [frozen_twin(instance) for instance in session.router.instances]
    before = [twin.state_dict() for twin in twins]
    for index in range(len(task.turns)):
        session.execute(task.turn_calls(index))
    assert [twin.state_dict() for twin in twins] == before
    assert before == list(_built(task).state().values())


def test_a_config_keyed_by_bfcl_class_name_reaches_its_domain():
    task = next(t for t in load_tasks("bfcl:multi_turn_base") if "trading" in t.domains)
    by_class = task.model_copy(
        update={"initial_config": {class_of(k).bfcl_class: v for k, v in task.initial_config.items()}}
    )
    assert _state_text(_cloned(by_class)) == _state_text(_cloned(task)) == _state_text(_built(by_class))


def test_a_task_memo_builds_on_a_tasks_second_request_and_again_when_a_field_is_given_a_new_value():
    builds: list[str] = []
    memo = TaskMemo(lambda task: builds.append(task.id) or len(builds))
    task = load_tasks("demo")[0]
    assert memo.get(task) is None and builds == []  # seen once: nothing built
    assert memo.get(task) == memo.get(task) == 1
    other = task.model_copy()
    assert memo.get(other) is None and memo.get(other) == 2  # another task object
    task.initial_config = json.loads(json.dumps(task.initial_config))
    assert memo.get(task) is None and memo.get(task) == 3
    task.long_context = not task.long_context
    assert memo.get(task) is None and memo.get(task) == 4 and len(builds) == 4


def test_a_task_memo_forgets_a_task_that_is_gone():
    memo = TaskMemo(lambda task: task.id)
    task = load_tasks("demo")[0].model_copy()
    memo.get(task)
    memo.get(task)
    assert len(memo) == 1
    del task
    gc.collect()
    assert len(memo) == 0


def test_prototypes_are_built_again_when_the_registered_domains_change(monkeypatch: pytest.MonkeyPatch):
    task = load_tasks("demo")[0]
    first = _prototypes(task)
    assert _prototypes(task) is first
    monkeypatch.setattr(task_memo, "registry_version", lambda: -7)  # as after a domain is registered
    assert _prototypes(task) is not first


@pytest.mark.parametrize("how", ["right", "wrong turn", "empty turn"])
def test_checks_after_the_first_use_the_kept_ground_truth_and_score_as_a_fresh_run_does(how: str):
    task = load_tasks("bfcl:multi_turn_base")[3].model_copy()
    right = [[[call.to_python() for call in task.turn_calls(i)]] for i in range(len(task.turns))]
    response = [list(turn) for turn in right]
    if how == "empty turn":
        response[1] = []
    elif how == "wrong turn":  # the last call of the last turn that calls something left out
        last = max(index for index, turn in enumerate(right) if turn)
        response[last] = [right[last][0][:-1]]
    plain = check_task(task, execute_responses(task, response), execute_ground_truth(task))
    reports = [check_responses(task, response) for _ in range(4)]
    assert reports == [plain] * 4 and plain.passed == (how == "right")
    kept = checker._ground_truth.get(task)
    assert kept is not None and checker._ground_truth.get(task) is kept  # run once, then reused
    assert [(o.results, o.state) for o in kept.outcomes] == [
        (o.results, o.state) for o in execute_ground_truth(task)
    ]
    model = execute_responses(task, response)
    assert check_task(task, model) == check_task(task, model, execute_ground_truth(task)) == plain


def test_a_domain_that_pickles_itself_from_its_own_attributes_is_built_again():
    class SelfPickling(class_of("vehicle")):  # type: ignore[misc, valid-type]
        def __getstate__(self) -> dict:
            return dict(vars(self))

    prototype = Prototype(SelfPickling, {})
    assert prototype.shared is None and SHARED not in vars(prototype.clone())


def test_a_domain_whose_attributes_share_a_container_is_built_again():
    class Sharing(class_of("vehicle")):  # type: ignore[misc, valid-type]
        def load(self, config, long_context=False):
            super().load(config, long_context)
            self.doors_again = self.doorStatus  # one dict under two names: copies would part them

    prototype = Prototype(Sharing, {})
    assert prototype.shared is None and SHARED not in vars(prototype.clone())
    assert Prototype(class_of("vehicle"), {}).shared is not None


@pytest.mark.parametrize("long_context", [False, True])
def test_a_file_tree_is_copied_node_by_node_as_loaded_and_apart_from_its_prototype(long_context: bool):
    task = next(t for t in load_tasks("bfcl:multi_turn_base") if "file_system" in t.domains)
    config = task.initial_config["file_system"]
    prototype = Prototype(class_of("file_system"), config, long_context)
    fresh = class_of("file_system")(config, long_context=long_context)
    twin = prototype.clone()
    assert pickle.dumps(twin) == pickle.dumps(fresh) and twin.root is not prototype.instance.root
    session = Session([twin])
    session.run("mkdir(dir_name='made_here')")
    top = next(iter(twin.root.contents))
    session.run(f"cd(folder='{top}')")
    session.run("touch(file_name='new.txt')")
    assert pickle.dumps(prototype.clone()) == pickle.dumps(fresh)  # the prototype is as loaded still
    moved = twin._copy_as_loaded()  # not as loaded any more: copied through a pickle, cwd included
    assert pickle.dumps(moved) == pickle.dumps(twin) and moved.root is not twin.root
