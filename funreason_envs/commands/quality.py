"""`funreason quality DIR`: the quality figures of a synthesis run, optionally beside BFCL's."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from funreason_envs.errors import ConfigError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", help="a synthesis output folder (holding samples.jsonl)")
    parser.add_argument(
        "--compare", choices=["bfcl"], help="show BFCL multi_turn_base's figures too (needs bfcl-eval)"
    )
    parser.add_argument("--bfcl-data", help="folder with BFCL's data files (default: bfcl-eval's)")
    parser.add_argument("--audit", action="store_true", help="also run the label audit over the samples")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


def run(args: argparse.Namespace) -> int:
    from funreason_envs.synthesis.quality import bfcl_base_quality, format_quality, sample_quality
    from funreason_envs.synthesis.run import SAMPLES_FILE, load_samples

    folder = Path(args.folder)
    if not (folder / SAMPLES_FILE).is_file():
        raise ConfigError(f"{folder}: no {SAMPLES_FILE}; pass a folder written by `funreason synthesize`")
    samples = load_samples(folder)
    if not samples:
        raise ConfigError(f"{folder / SAMPLES_FILE}: holds no sample")
    columns = {"ours": sample_quality(samples)}
    if args.compare == "bfcl":
        columns["bfcl base"] = bfcl_base_quality(args.bfcl_data)
    audit: dict[str, int] | None = None
    if args.audit:
        from funreason_envs.synthesis.audit import AUDIT_RULES, audit_sample

        found = Counter(rule for sample in samples for rule in audit_sample(sample))
        audit = {rule: found.get(rule, 0) for rule in AUDIT_RULES}
    if args.json:
        print(json.dumps({"quality": columns, **({"audit": audit} if audit is not None else {})}, indent=2))
        return 0
    print(f"{len(samples)} samples in {folder}")
    print(format_quality(columns))
    if audit is not None:
        shares = ", ".join(f"{rule} {count} ({count / len(samples):.1%})" for rule, count in audit.items())
        print(f"label audit, samples each rule would reject: {shares}")
    return 0
