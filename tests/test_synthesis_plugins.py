"""`funreason synthesize --import MODULE`: a plugin module that registers a domain is imported before the
run (and in every worker), so the domain can be synthesized by name; a module that cannot be imported is
one line naming it."""

from __future__ import annotations

import json
import sys

import pytest

import funreason_envs
from funreason_envs.cli import main
from funreason_envs.commands.plugin_options import ImportingExecutor
from funreason_envs.domains import domain_names
from funreason_envs.executors import LocalExecutor
from tests.support.readme import snippet


@pytest.fixture
def plugin_dir(tmp_path, monkeypatch):
    """A folder on sys.path holding `fr_bike_plugin` (the README's bike-share domain); cleaned up after."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "fr_bike_plugin.py").write_text(snippet("own-domain"))
    (folder / "fr_broken_plugin.py").write_text("raise RuntimeError('no config file')\n")
    (folder / "fr_marker_plugin.py").write_text("IMPORTED = True\n")
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    for name in ("fr_bike_plugin", "fr_broken_plugin", "fr_marker_plugin"):
        sys.modules.pop(name, None)
    if "bike_share" in domain_names():
        funreason_envs.unregister_domain("bike_share")


def test_an_imported_plugin_domain_is_synthesized_by_name(plugin_dir, tmp_path, capsys):
    out = tmp_path / "bikes"
    args = ["synthesize", "--num", "2", "--domains", "bike_share", "--out", str(out), "--quiet"]
    assert main([*args, "--import", "fr_bike_plugin", "--workers", "2"]) == 0
    rows = [json.loads(line) for line in (out / "samples.jsonl").read_text().splitlines()]
    assert len(rows) == 2 and all(row["task"]["domains"] == ["bike_share"] for row in rows)


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("fr_no_such_plugin", "--import fr_no_such_plugin: no module named 'fr_no_such_plugin'"),
        ("fr_broken_plugin", "--import fr_broken_plugin: importing it failed: RuntimeError: no config file"),
    ],
)
def test_a_plugin_that_cannot_be_imported_is_one_line(plugin_dir, tmp_path, capsys, module, expected):
    args = ["synthesize", "--num", "1", "--domains", "math", "--out", str(tmp_path / "run"), "--quiet"]
    assert main([*args, "--import", module]) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and "\n" not in err, err
    assert not (tmp_path / "run").exists()


def marker_imported(item: int) -> bool:
    return "fr_marker_plugin" in sys.modules


def test_workers_import_the_plugins_before_their_first_item(plugin_dir):
    assert "fr_marker_plugin" not in sys.modules
    executor = ImportingExecutor(LocalExecutor(1), ["fr_marker_plugin"])
    assert list(executor.map(marker_imported, [0, 1])) == [True, True]
