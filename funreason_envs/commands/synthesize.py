"""`funreason synthesize`: verified multi-turn function-calling trajectories with chain-of-thought."""

from __future__ import annotations

import argparse
import json
import math
import sys

from tqdm import tqdm

from funreason_envs.commands.executor_options import add_executor_arguments, make_executor
from funreason_envs.commands.plugin_options import ImportingExecutor, add_import_argument, import_modules
from funreason_envs.commands.request_options import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    add_request_arguments,
    check_request_options,
)
from funreason_envs.errors import ConfigError
from funreason_envs.executors import LocalExecutor
from funreason_envs.synthesis.exports.options import ExportOptions, ExportStats, result_separator_for
from funreason_envs.synthesis.roles.backends import BackendSpec, RequestLimits
from funreason_envs.synthesis.settings import Settings

EXIT_NOTHING_KEPT = 1  # the run finished but kept no sample


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--num", type=int, default=100, help="trajectories to write (default 100)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the whole run (default 0)")
    parser.add_argument(
        "--domains",
        default="bfcl",
        help="'bfcl' (the BFCL domains, whose data bfcl-eval can check; default), 'all' (every domain with "
        f"a synthesis kit), or comma-separated domain ids: {', '.join(_kit_domains())}; or the agentic "
        "domains web_search,memory_kv (together or alone)",
    )
    parser.add_argument(
        "--out", default="data/synth", help="output folder; a rerun resumes (default data/synth)"
    )
    parser.add_argument(
        "--format",
        default="openai",
        help=f"comma-separated exports: {', '.join(_export_names())} (default openai; parquet needs "
        "funreason-envs[datasets])",
    )
    parser.add_argument("--workers", type=int, default=1, help="parallel worker processes (default 1)")
    parser.add_argument(
        "--llm", default="template", help="role backend: template (offline, default), openai:URL, hf:PATH"
    )
    parser.add_argument("--model", help="model name for --llm openai:URL")
    parser.add_argument("--device", help="--llm hf:PATH: cpu, cuda, cuda:1, ...")
    parser.add_argument("--dtype", default="auto", help="--llm hf:PATH: auto, float32, float16, bfloat16")
    add_request_arguments(parser)
    parser.add_argument(
        "--judge", action="store_true", help="LLM backends: a judge role checks each query against its calls"
    )
    parser.add_argument(
        "--no-audit", action="store_true", help="keep samples the label audit finds problems in"
    )
    parser.add_argument(
        "--compare", choices=["bfcl"], help="also print BFCL multi_turn_base's figures (needs bfcl-eval)"
    )
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
    parser.add_argument(
        "--openai-loss-marking",
        choices=("prompt_completion", "weight"),
        default="prompt_completion",
        help="openai split rows: TRL prompt/completion, or messages weighted 0/1 (default %(default)s)",
    )
    parser.add_argument(
        "--string-arguments",
        action="store_true",
        help="openai/parquet: tool-call arguments as JSON strings (default: objects, as TRL expects)",
    )
    parser.add_argument(
        "--one-call-per-message",
        action="store_true",
        help="openai/parquet: parallel calls as single-call steps (templates such as Llama 3.1's)",
    )
    parser.add_argument(
        "--sharegpt-template",
        help="sharegpt: your LLaMA-Factory template (qwen3, llama3, ...); sets the result separator",
    )
    parser.add_argument(
        "--sharegpt-result-separator",
        help="sharegpt: text joining parallel calls' results in one observation (overrides the template's)",
    )
    parser.add_argument(
        "--bfcl-name",
        default="multi_turn_synthesized",
        help="bfcl: files are BFCL_v4_<name>.json; must start with multi_turn_ (default %(default)s)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_import_argument(parser)
    add_executor_arguments(parser)


def _kit_domains() -> tuple[str, ...]:
    from funreason_envs.synthesis.kits import kit_domains

    return tuple(kit_domains())


def _export_names() -> tuple[str, ...]:
    from funreason_envs.synthesis.exports import EXPORTERS

    return tuple(EXPORTERS)


def export_options(args: argparse.Namespace) -> ExportOptions:
    """The export options the command line asks for."""
    separator = args.sharegpt_result_separator
    if separator is None:
        separator = result_separator_for(args.sharegpt_template) if args.sharegpt_template else None
    extra = {"sharegpt_result_separator": separator} if separator is not None else {}
    return ExportOptions(
        split_turns=args.split_turns,
        error_rows=args.error_rows,
        openai_loss_marking=args.openai_loss_marking,
        string_arguments=args.string_arguments,
        one_call_per_message=args.one_call_per_message,
        bfcl_name=args.bfcl_name,
        **extra,
    )


def chosen_domains(text: str) -> tuple[str, ...]:
    """The domains `--domains` names: 'bfcl', 'all' (the kit domains), or ids (kit or agentic domains);
    a name synthesis cannot use is refused, listing only the names it can."""
    from funreason_envs.domains.registry import domain_entry, resolve_domains
    from funreason_envs.synthesis.agentic import AGENTIC_DOMAINS
    from funreason_envs.synthesis.kits import bfcl_kit_domains, kit_domains

    names = [name.strip() for name in text.split(",") if name.strip()]
    if names == ["bfcl"]:
        return tuple(bfcl_kit_domains())
    if names == ["all"]:
        return tuple(name for name in resolve_domains("all") if name in kit_domains())
    usable = [*kit_domains(), *AGENTIC_DOMAINS]
    choices = (
        f"choose from bfcl, all, {', '.join(kit_domains())}, or the agentic {', '.join(AGENTIC_DOMAINS)} "
        "(with each other only)"
    )
    if not names:
        raise ConfigError(f"--domains is empty; {choices}")
    domains: list[str] = []
    for name in names:
        try:
            domain = domain_entry(name).name
        except ConfigError:
            raise ConfigError(f"--domains: unknown domain {name!r}; {choices}") from None
        if domain not in usable:
            raise ConfigError(f"--domains: {name!r} has no synthesis kit; {choices}")
        domains.append(domain)
    return tuple(dict.fromkeys(domains))


def _turn_range(text: str) -> tuple[int, int]:
    low, dash, high = text.partition("-")
    try:
        first, last = int(low), int(high if dash else low)
    except ValueError:
        raise ConfigError(f"--turns {text!r}: give N or MIN-MAX, e.g. 3-5") from None
    if not 1 <= first <= last:
        raise ConfigError(f"--turns {text!r}: need 1 <= MIN <= MAX")
    return first, last


def run(args: argparse.Namespace) -> int:
    from funreason_envs.synthesis.agentic import is_agentic
    from funreason_envs.synthesis.exports import EXPORTERS, export
    from funreason_envs.synthesis.quality import bfcl_base_quality
    from funreason_envs.synthesis.report import build_report, format_report
    from funreason_envs.synthesis.run import load_samples, synthesize

    if args.workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {args.workers}")
    import_modules(args.imports)  # before --domains is read: they may register domains
    domains = chosen_domains(args.domains)
    is_agentic(domains)  # agentic domains mix only with each other
    formats = [name.strip() for name in args.format.split(",") if name.strip()]
    unknown = [name for name in formats if name not in EXPORTERS]
    if unknown or not formats:
        raise ConfigError(f"--format {args.format!r}: choose from {', '.join(EXPORTERS)}")
    for name in formats:  # a missing optional package fails now, not after hours of synthesis
        EXPORTERS[name].check_dependencies()
    check_options(args)
    check_request_options(args)
    options = export_options(args)
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
        audit=not args.no_audit,
    )
    if args.llm == "template" and (args.model or args.judge):
        raise ConfigError("--model and --judge need an LLM backend: add --llm openai:URL or --llm hf:PATH")
    if not args.llm.startswith("openai:") and (
        args.timeout != DEFAULT_TIMEOUT or args.max_retries != DEFAULT_MAX_RETRIES
    ):
        raise ConfigError("--timeout and --max-retries bound the calls of --llm openai:URL; drop them here")
    spec = BackendSpec(args.llm, args.model, args.device, args.dtype, args.judge)
    comparison = {"bfcl base": bfcl_base_quality()} if args.compare else None  # missing data fails early
    executor = make_executor(args)
    if args.imports:  # worker processes import the plugins too
        executor = ImportingExecutor(executor or LocalExecutor(args.workers), args.imports)
    folder = synthesize(
        args.num,
        settings,
        args.out,
        backend=spec,
        workers=args.workers,
        progress=not args.quiet,
        keep_open=True,
        executor=executor,
        limits=RequestLimits(args.timeout, args.max_retries),
    )
    with folder:  # the folder stays locked until its exports are written
        samples = load_samples(folder.path)
        stats = export(tqdm(samples, desc="export", disable=args.quiet), folder.path, formats, options)
        report = build_report(folder.samples, folder.rejections, args.num)
        report["exports"] = {name: vars(counts) for name, counts in stats.items()}
        (folder.path / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(format_report(report, comparison))
    print(f"output: {folder.path}/ (samples.jsonl, report.json, exports: {', '.join(formats)})")
    for line in skip_notes(stats):
        print(line)
    if not folder.samples:
        print(
            f"funreason synthesize: no sample was kept ({len(folder.rejections)} rejected; "
            "see rejections.jsonl)",
            file=sys.stderr,
        )
        return EXIT_NOTHING_KEPT
    return 0


def skip_notes(stats: dict[str, ExportStats]) -> list[str]:
    """One line per export that left samples out this run: how many, why, and whether it holds none."""
    notes = []
    for name, counts in stats.items():
        skipped = sum(counts.skipped.values())
        if not skipped:
            continue
        looked_at = skipped + counts.samples + counts.already_written
        reasons = ", ".join(f"{reason} {count}" for reason, count in counts.skipped.most_common())
        note = f"{name} export skipped {skipped} of {looked_at} samples ({reasons})"
        if not counts.samples and not counts.already_written:
            note += f"; every sample was skipped, so it wrote no {name} file"
        notes.append(note)
    return notes


def check_options(args: argparse.Namespace) -> None:
    """Refuse out-of-range options before any work, naming the flag."""
    for flag, value in (
        ("--vague-rate", args.vague_rate),
        ("--held-out-rate", args.held_out_rate),
        ("--implicit-rate", args.implicit_rate),
        ("--typo-rate", args.typo_rate),
        ("--error-rows", args.error_rows),
    ):
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            raise ConfigError(f"{flag} is a share between 0 and 1, got {value}")
    for flag, value, least in (
        ("--max-attempts", args.max_attempts, 1),
        ("--max-domains", args.max_domains, 1),
        ("--num", args.num, 1),
        ("--seed", args.seed, 0),
    ):
        if value < least:
            raise ConfigError(f"{flag} must be at least {least}, got {value}")
