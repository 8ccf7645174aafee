"""The README's "Add your own domain" snippet, run as written from a module of its own: it registers a
typed domain, refuses a rental for a reason, rents a bike; the same class then synthesizes verified
samples with the kit derived from it."""

from __future__ import annotations

import importlib
import json

import funreason_envs
from funreason_envs.domains import domain_names
from funreason_envs.synthesis.pipeline import Settings
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.run import synthesize
from funreason_envs.synthesis.verify import verify_sample
from tests.support.readme import snippet


def test_own_domain_snippet(tmp_path, monkeypatch, capsys):
    (tmp_path / "readme_bikes.py").write_text(snippet("own-domain"))
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        module = importlib.import_module("readme_bikes")
        printed = capsys.readouterr().out.splitlines()
        assert [json.loads(line) for line in printed] == [
            {"error": "no bikes left at Campus"},
            {"rental_id": "R1"},
        ]
        assert module.env.unwrapped.state_dict()["bike_share"]["docks"]["Harbour"] == 2
        observation, *_ = module.env.step({"name": "rent_bike", "arguments": {"station": 3}})
        assert observation["tool_results"][0]["status"] == "invalid"
        folder = synthesize(5, Settings(seed=0, domains=("bike_share",)), tmp_path / "run", progress=False)
        samples = [Sample.model_validate(row) for row in folder.samples]
        assert len(samples) == 5 and all(verify_sample(sample) == [] for sample in samples)
    finally:
        if "bike_share" in domain_names():
            funreason_envs.unregister_domain("bike_share")
