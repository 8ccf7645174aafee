"""The run report: what was made, what was lost at which phase, and how hard and varied the data is."""

from __future__ import annotations

from collections import Counter
from statistics import mean
from typing import Any

from funreason_envs.domains import domain_class
from funreason_envs.synthesis.audit import AUDIT_RULES
from funreason_envs.synthesis.pipeline import graph_for
from funreason_envs.synthesis.quality import format_quality, sample_quality
from funreason_envs.synthesis.record import Sample

CALL_KINDS = ("normal", "clarification", "held_out_reveal")
PHASE_OF = {
    "phase1_no_walk": "phase1",
    "phase3_failed": "phase3",
    "verification_failed": "verification",
    "audit_failed": "audit",
}


def build_report(
    samples: list[dict[str, Any]], rejections: list[dict[str, Any]], requested: int
) -> dict[str, Any]:
    """Counts, acceptance per phase, attempts, turn/call statistics, data flows, depth and coverage."""
    reasons = Counter(row["reason"] for row in rejections)
    started = len(samples) + sum(count for reason, count in reasons.items() if reason != "duplicate")
    lost = Counter(PHASE_OF.get(reason, "other") for reason in reasons.elements() if reason != "duplicate")
    after_phase1 = started - lost["phase1"]
    after_phase3 = after_phase1 - lost["phase3"]
    after_verification = after_phase3 - lost["verification"]
    after_audit = after_verification - lost["audit"]
    turns = [turn for sample in samples for turn in sample["turns"]]
    acting = [turn for turn in turns if turn["kind"] in CALL_KINDS]
    calls_per_turn = [
        len(sample["task"]["ground_truth"][t["index"]]) for sample in samples for t in sample["turns"]
    ]
    with_flow = [turn for turn in acting if turn["flows"]]
    return {
        "requested": requested,
        "written": len(samples),
        "rejected": dict(sorted(reasons.items())),
        "duplicates_removed": reasons.get("duplicate", 0),
        "acceptance": {
            "phase1": _share(after_phase1, started),
            "phase3": _share(after_phase3, after_phase1),
            "verification": _share(after_verification, after_phase3),
            "audit": _share(after_audit, after_verification),
            "overall": _share(len(samples), started + reasons.get("duplicate", 0)),
        },
        "attempts_histogram": dict(sorted(Counter(turn["attempts"] for turn in acting).items())),
        "turns_per_trajectory": _summary([len(sample["turns"]) for sample in samples]),
        "calls_per_turn": _summary(calls_per_turn),
        "calls_per_acting_turn": _summary(
            [c for c, t in zip(calls_per_turn, turns, strict=True) if t["kind"] in CALL_KINDS]
        ),
        "calls_per_trajectory": _summary(
            [sum(len(g) for g in sample["task"]["ground_truth"]) for sample in samples]
        ),
        "turn_kinds": dict(sorted(Counter(turn["kind"] for turn in turns).items())),
        "turns_with_data_flow": _share(len(with_flow), len(turns)),
        "acting_turns_with_data_flow": _share(len(with_flow), len(acting)),
        "cross_turn_flows": sum(1 for t in acting for f in t["flows"] if f["source_turn"] < f["target_turn"]),
        "dependency_depth_histogram": dict(sorted(Counter(turn["depth"] for turn in acting).items())),
        "coverage": _coverage(samples),
        "audit": _audit(rejections),
        "fallbacks": _fallbacks(samples, rejections),
        "writers": _writers(turns),
        "quality": sample_quality([Sample.model_validate(sample) for sample in samples]),
    }


def _audit(rejections: list[dict[str, Any]]) -> dict[str, Any]:
    """Samples the label audit rejected, and how many times each rule was among the reasons."""
    rejected = [row for row in rejections if row["reason"] == "audit_failed"]
    by_rule = Counter(rule for row in rejected for rule in row.get("rules", ()))
    return {"rejected": len(rejected), "by_rule": {rule: by_rule.get(rule, 0) for rule in AUDIT_RULES}}


def _writers(turns: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """How many texts of each kind (query, reasoning, ...) each backend wrote."""
    counts: dict[str, Counter[str]] = {}
    for turn in turns:
        for text, backend in (turn.get("writers") or {}).items():
            counts.setdefault(text, Counter())[backend] += 1
    return {text: dict(sorted(c.items())) for text, c in sorted(counts.items())}


def _fallbacks(samples: list[dict[str, Any]], rejections: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """LLM role outputs rejected or replaced by the template, per role and reason, over every sample
    made (kept or rejected)."""
    rows = [sample.get("metadata", {}) for sample in samples] + rejections
    total: dict[str, Counter[str]] = {}
    for row in rows:
        for role, reasons in (row.get("fallbacks") or {}).items():
            total.setdefault(role, Counter()).update(reasons)
    return {role: dict(sorted(counts.items())) for role, counts in sorted(total.items())}


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _summary(values: list[int]) -> dict[str, float]:
    if not values:
        return {"mean": 0.0, "min": 0, "max": 0}
    return {"mean": round(mean(values), 3), "min": min(values), "max": max(values)}


def _coverage(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """Tools called and data edges of the graph exercised, per domain and overall."""
    used = Counter(
        call["name"] for sample in samples for turn in sample["task"]["ground_truth"] for call in turn
    )
    domains = sorted({name for sample in samples for name in sample["domains"]})
    tools = {name: [tool.name for tool in domain_class(name).spec().tools] for name in domains}
    exercised: set[tuple[str, str]] = set()
    for sample in samples:
        truth = sample["task"]["ground_truth"]
        for turn in sample["turns"]:
            for flow in turn["flows"]:
                producer = truth[flow["source_turn"]][flow["source_call"]]["name"]
                consumer = truth[flow["target_turn"]][flow["target_call"]]["name"]
                exercised.add((producer, consumer))
    edges: set[tuple[str, str]] = set()
    if domains:
        graph = graph_for(tuple(domains))
        for producer, consumer, data in graph.dependencies.edges(data=True):
            if any(reason.kind == "data" for reason in data.get("reasons", ())):
                edges.add((producer, consumer))
    return {
        "tools": {
            name: {"used": sum(1 for t in names if used[t]), "total": len(names)}
            for name, names in tools.items()
        },
        "tools_share": _share(
            sum(1 for names in tools.values() for t in names if used[t]), sum(map(len, tools.values()))
        ),
        "data_edges_exercised": len(exercised & edges),
        "data_edges_total": len(edges),
        "data_edge_share": _share(len(exercised & edges), len(edges)),
    }


def format_report(report: dict[str, Any], compare: dict[str, dict[str, Any]] | None = None) -> str:
    """A short printed summary; `compare` adds columns (corpus name -> figures) to the quality table."""
    acceptance = report["acceptance"]
    rejected = sum(report["rejected"].values())
    reasons = ", ".join(f"{k} {v}" for k, v in report["rejected"].items()) or "none"
    per_turn = report["calls_per_turn"]["mean"]
    lines = [
        f"written {report['written']} of {report['requested']} requested; rejected {rejected} ({reasons})",
        f"acceptance: phase 1 {acceptance['phase1']:.0%}, phase 3 {acceptance['phase3']:.0%}, "
        f"verification {acceptance['verification']:.0%}, label audit {acceptance['audit']:.0%}, "
        f"overall {acceptance['overall']:.0%}",
        f"turns/trajectory {report['turns_per_trajectory']['mean']:.2f}, calls/turn {per_turn:.2f} "
        f"(acting turns {report['calls_per_acting_turn']['mean']:.2f}), turns with a data flow "
        f"{report['turns_with_data_flow']:.0%}",
        f"attempts {report['attempts_histogram']}, depth {report['dependency_depth_histogram']}",
        f"tool coverage {report['coverage']['tools_share']:.0%}, data-edge coverage "
        f"{report['coverage']['data_edges_exercised']}/{report['coverage']['data_edges_total']}",
    ]
    audit = report.get("audit")
    if audit:
        rules = ", ".join(f"{rule} {count}" for rule, count in audit["by_rule"].items() if count) or "none"
        lines.append(f"label audit rejected {audit['rejected']} ({rules})")
    fallbacks = report.get("fallbacks")
    if fallbacks:
        parts = [
            f"{role}/{reason} {n}" for role, reasons in fallbacks.items() for reason, n in reasons.items()
        ]
        lines.append(f"LLM outputs rejected or replaced by the template: {', '.join(parts)}")
    if report.get("quality"):
        lines.append(format_quality({"ours": report["quality"], **(compare or {})}))
    return "\n".join(lines)
