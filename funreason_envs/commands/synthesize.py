"""`funreason synthesize`: verified multi-turn function-calling trajectories with chain-of-thought."""

from __future__ import annotations

import argparse
import json

from funreason_envs.errors import ConfigError
from funreason_envs.synthesis.pipeline import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--num", type=int, default=100, help="trajectories to write (default 100)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the whole run (default 0)")
    parser.add_argument("--domains", default="all", help="'all' or comma-separated domain ids (default all)")
    parser.add_argument(
        "--out", default="data/synth", help="output folder; a rerun resumes (default data/synth)"
    )
    parser.add_argument("--format", default="openai", help="comma-separated exports (default openai)")
    parser.add_argument("--workers", type=int, default=1, help="parallel worker processes (default 1)")
    parser.add_argument(
        "--llm", default="template", help="role backend: template (offline, default), openai:URL, hf:PATH"
    )
    parser.add_argument("--model", help="model name for --llm openai:URL")
    defaults = Settings()
    parser.add_argument(
        "--turns",
        default=f"{defaults.min_turns}-{defaults.max_turns}",
        help="user turns per trajectory, N or MIN-MAX (default %(default)s)",
    )
    parser.add_argument(
        "--max-domains",
        type=int,
        default=defaults.max_domains,
        help="domains in one trajectory (default %(default)s)",
    )
    parser.add_argument(
        "--vague-rate",
        type=float,
        default=defaults.vague_rate,
        help="share of turns asked vaguely, then clarified (default %(default)s)",
    )
    parser.add_argument(
        "--held-out-rate",
        type=float,
        default=defaults.held_out_rate,
        help="share of turns whose tool is revealed only later (default %(default)s)",
    )
    parser.add_argument(
        "--implicit-rate",
        type=float,
        default=defaults.implicit_rate,
        help="share of state-changing prerequisites the user leaves for the assistant to infer "
        "(default %(default)s)",
    )
    parser.add_argument(
        "--typo-rate",
        type=float,
        default=defaults.typo_rate,
        help="share of user turns with one typo, never inside a value (default %(default)s)",
    )
    parser.add_argument(
        "--max-attempts",
        type=int,
        default=defaults.max_attempts,
        help="phase-3 attempts per turn (default %(default)s)",
    )
    parser.add_argument("--split-turns", action="store_true", help="exports: one row per assistant turn")
    parser.add_argument(
        "--error-rows",
        type=float,
        default=0.0,
        help="exports: share of samples that also get an error-tool-response row",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _turn_range(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    try:
        first, last = int(low), int(high or low)
    except ValueError:
        raise ConfigError(f"--turns {text!r}: give N or MIN-MAX, e.g. 3-5") from None
    if not 1 <= first <= last:
        raise ConfigError(f"--turns {text!r}: need 1 <= MIN <= MAX")
    return first, last


def run(args: argparse.Namespace) -> int:
    from funreason_envs.domains import resolve_domains
    from funreason_envs.synthesis.exports import EXPORTERS, ExportOptions, export
    from funreason_envs.synthesis.kits import kit_domains
    from funreason_envs.synthesis.report import build_report, format_report
    from funreason_envs.synthesis.run import load_samples, synthesize

    if args.workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {args.workers}")
    requested = resolve_domains(args.domains)
    domains = tuple(name for name in requested if name in kit_domains())
    if not domains:
        raise ConfigError(
            f"--domains {args.domains!r}: none has a synthesis kit; choose from {', '.join(kit_domains())}"
        )
    formats = [name.strip() for name in args.format.split(",") if name.strip()]
    unknown = [name for name in formats if name not in EXPORTERS]
    if unknown or not formats:
        raise ConfigError(f"--format {args.format!r}: choose from {', '.join(EXPORTERS)}")
    options = ExportOptions(split_turns=args.split_turns, error_rows=args.error_rows)
    low, high = _turn_range(args.turns)
    settings = Settings(
        seed=args.seed,
        domains=domains,
        min_turns=low,
        max_turns=high,
        max_domains=args.max_domains,
        vague_rate=args.vague_rate,
        held_out_rate=args.held_out_rate,
        implicit_rate=args.implicit_rate,
        typo_rate=args.typo_rate,
        max_attempts=args.max_attempts,
    )
    folder = synthesize(
        args.num, settings, args.out, backend=args.llm, workers=args.workers, progress=not args.quiet
    )
    stats = export(load_samples(folder.path), folder.path, formats, options)
    report = build_report(folder.samples, folder.rejections, args.num)
    report["exports"] = {name: vars(counts) for name, counts in stats.items()}
    (folder.path / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(format_report(report))
    print(f"output: {folder.path}/ (samples.jsonl, report.json, exports: {', '.join(formats)})")
    return 0
