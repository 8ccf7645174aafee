"""Per-domain data for the kit tests parametrized over domains: the small run each kit is judged on and
the figures claimed for it, the tools kept only as means, how a query could state a value, and the
mixed-domain runs that must verify."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from funreason_envs.synthesis.kits import kit_for
from funreason_envs.synthesis.language import speak_value
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.report import build_report
from funreason_envs.synthesis.run import synthesize
from funreason_envs.synthesis.settings import Settings
from tests.support import kit_audit, kit_checks


@dataclass(frozen=True)
class KitRun:
    """A finished template-backend run: raw rows, validated samples and the report."""

    rows: list[dict[str, Any]]
    samples: list[Sample]
    report: dict[str, Any]


def make_run(domains: tuple[str, ...], num: int, seed: int, out: Path) -> KitRun:
    folder = synthesize(num, Settings(seed=seed, domains=domains), out, progress=False)
    samples = [Sample.model_validate(row) for row in folder.samples]
    return KitRun(folder.samples, samples, build_report(folder.samples, folder.rejections, num))


def scenarios(domain: str, count: int) -> list[dict[str, Any]]:
    """The kit's scenarios for seeds 0 .. count-1."""
    kit = kit_for(domain)
    return [kit.scenario(random.Random(seed)) for seed in range(count)]


def figure(report: dict[str, Any], path: str) -> Any:
    """A report figure by dotted path, e.g. `calls_per_acting_turn.mean`."""
    value: Any = report
    for part in path.split("."):
        value = value[part]
    return value


def _float_forms(value: Any) -> set[str]:
    """Trading: a value and, for a price, its two-decimal spelling."""
    forms = {str(value)}
    if isinstance(value, float):
        forms.add(f"{value:.2f}")
    return forms


def _travel_forms(value: Any) -> set[str]:
    return {repr(value), f"{value:g}"} if isinstance(value, float) else {str(value)}


def _vehicle_forms(value: Any) -> set[str]:
    """Ways a number or string could appear in a query (bounded, one character is too short to tell)."""
    forms = {str(value)}
    if isinstance(value, float):
        forms |= {f"{value:g}", f"{value:.2f}", f"{value:.1f}", str(round(value))}
    return {form for form in forms if len(form) > 1}


def stated_flow_values(
    samples: list[Sample], forms: Callable[[Any], set[str]], bounded: bool = False
) -> tuple[int, list[str]]:
    """(flows seen, turns whose query states a value that flowed from an earlier result), where a value
    is stated as any of `forms(value)`; `bounded` requires the form to stand apart from word characters.
    A form that is also how the user's own literal arguments read, in this turn or an earlier one ("15
    gallons" beside a flowed 14.8, rounded; "the gallon equivalent of 20 liters" beside a flowed 20.28),
    is the user's number, not the flowed one; so is a form inside one of the user's own texts (the zip
    code in the street address the user gives, equal to the zip code an earlier look-up returned)."""
    flows, found = 0, []
    for sample in samples:
        own: set[str] = set()
        own_texts: list[str] = []
        for turn in sample.turns:
            flowed = {(flow.target_call, flow.argument) for flow in turn.flows}
            literals = [
                value
                for index, call in enumerate(sample.task.ground_truth[turn.index])
                for param, value in call.arguments.items()
                if (index, param) not in flowed and isinstance(value, (int, float, str))
            ]
            own |= {form for value in literals for form in forms(value)}
            own_texts += [value for value in literals if isinstance(value, str)]
            for flow in turn.flows:
                flows += 1
                for form in forms(flow.value) - own:
                    pattern = rf"(?<![\w.]){re.escape(form)}(?![\w])" if bounded else re.escape(form)
                    if any(re.search(pattern, text) for text in own_texts):
                        continue
                    if re.search(pattern, turn.query):
                        found.append(f"{sample.id}: {form!r} in {turn.query!r}")
    return flows, found


def says_in_display_words(display: dict[str, dict[str, str]]) -> Callable[[str, str, Any, str], bool]:
    """A value is stated as its display words, else as `speak_value` says it, in any case."""

    def says(tool: str, param: str, value: Any, text: str) -> bool:
        spoken = display.get(f"{tool}.{param}", {}).get(str(value)) or speak_value(value)
        return spoken.lower() in text.lower()

    return says


def _sourced_by_id_word(id_word: str) -> Callable[[list[Sample]], tuple[int, list[str]]]:
    def check(samples: list[Sample]) -> tuple[int, list[str]]:
        phrased, _ = kit_checks.sourced_values_in_queries(samples, id_word)
        return sum(len(turn.flows) for sample in samples for turn in sample.turns), phrased

    return check


def _sourced_numbers(samples: list[Sample]) -> tuple[int, list[str]]:
    flows = sum(len(turn.flows) for sample in samples for turn in sample.turns)
    return flows, kit_audit.sourced_values_in_queries(samples)


@dataclass(frozen=True)
class KitCase:
    """How one kit is judged."""

    means_only: frozenset[str]  # tools with no intent of their own, only steps toward others
    run: tuple[int, int] | None = None  # (samples, seed) of its small run
    minimums: dict[str, float] = field(default_factory=dict)  # report figure -> the least it may be
    # samples -> (flows seen, queries that state a value only an earlier result gave)
    sourced: Callable[[list[Sample]], tuple[int, list[str]]] | None = None
    min_flows: int = 1
    # samples -> arguments the user had to give that the query does not state
    unstated: Callable[[list[Sample]], list[str]] | None = None
    # tools whose intents may name a parameter the spec leaves optional (the call fails without it)
    effectively_required: dict[str, set[str]] = field(default_factory=dict)
    # tools with no intent for a call without its optional arguments: such a call is phrased by the
    # generic fallback ("run find"); listed so the gap is known, and checked so the list stays true
    known_bare_gaps: frozenset[str] = frozenset()
    # replay the run in bfcl-eval (posting cannot: bfcl-eval's post_tweet shares one default mentions
    # list between calls for the whole process, so a mention would leak into every later run)
    bfcl_replay: bool = True
    # runs with other domains: (domains, samples, seed, a sample must join two domains, check `sourced`)
    mixed: tuple[tuple[str, int, int, bool, bool], ...] = ()


def _figures(domain: str, calls: float, flow: float, used: int = 0, **more: float) -> dict[str, float]:
    figures = {"calls_per_acting_turn.mean": calls, "acting_turns_with_data_flow": flow, **more}
    if used:
        figures[f"coverage.tools.{domain}.used"] = used
    return figures


def _typed_forms(value: Any) -> set[str]:
    """A typed domain's value as a query could state it (an amount also without a trailing ".0")."""
    return {str(value), f"{value:g}"} if isinstance(value, float) else {str(value)}


def _typed_case(
    domain: str, means_only: set[str], calls: float, flow: float, used: int, min_flows: int, mixed: str
) -> KitCase:
    """How a typed domain's derived kit is judged: every tool a goal, values said as `speak_value` says
    them, no BFCL replay (there is no bfcl-eval class), and a run beside the BFCL domain its data
    flows into that must join the two."""
    return KitCase(
        frozenset(means_only),
        run=(20, 0),
        minimums=_figures(domain, calls, flow, used),
        sourced=lambda samples: stated_flow_values(samples, _typed_forms, bounded=True),
        min_flows=min_flows,
        unstated=lambda samples: kit_checks.unstated_values(samples, says_in_display_words({})),
        bfcl_replay=False,
        mixed=((mixed, 6, 1, True, False),),
    )


KIT_CASES: dict[str, KitCase] = {
    "file_system": KitCase(frozenset(), known_bare_gaps=frozenset({"find"})),
    # the typed domains: kits derived from their classes (no phrasebook written by hand), judged on the
    # same figures as the BFCL kits; 20 samples (seed 0) give 2.00, 1.71 and 1.62 calls per acting turn
    # and 51%, 53% and 72% of acting turns with a data flow (ids a user never sees are looked up first).
    # Before phase 1 refused incoherent goals these were 2.17, 1.72, 1.70 and 59%, 71%, 91%, but of the
    # survivors only: retail wrote 20 of 52 samples and workspace 20 of 40 (the rest found no walk or
    # failed the audit); now every sample of those seeds is written. Since wording and values draw from
    # streams of their own and phase 1 never repeats an action, retail gives 43% of acting turns with a
    # flow (38 flows) and workspace 80 flows. Once the walk knew the typed domains' undo pairs (a payee
    # added then removed, a payment sent then cancelled), banking's chains shortened: 1.96 calls per acting
    # turn, and 15 tools in 20 samples (cancel_transfer and unfreeze_card, undoing, no longer follow their
    # pair). The look-ups marked `goal=False` are means only
    "banking": _typed_case("banking", {"list_payees"}, 1.9, 0.5, 15, 45, "banking,travel"),
    "retail": _typed_case(
        "retail", {"get_product", "list_payment_methods"}, 1.55, 0.4, 12, 35, "retail,vehicle"
    ),
    "workspace": _typed_case(
        "workspace",
        {"get_event", "check_free_busy", "list_invitations"},
        1.6,
        0.7,
        11,
        75,
        "workspace,file_system",
    ),
    # get_user_id: people ask to message, delete or log in by name; the id look-up is the implicit step
    "message": KitCase(
        frozenset({"get_user_id"}),
        run=(20, 0),
        # 20 samples (seed 0, after the label audit) give 59% of acting turns with a flow (logins are not
        # repeated and a turn never deletes what it just sent); 100 (seed 3) give 2.33 calls and 72%
        minimums=_figures("message", 2.0, 0.55),
        sourced=_sourced_numbers,
        unstated=kit_audit.unstated_values,
        mixed=(("message,file_system", 6, 1, False, True),),
    ),
    "math": KitCase(
        frozenset(),
        run=(10, 0),
        # 60 samples give 2.18 calls per acting turn and 92% of acting turns with a data flow
        minimums=_figures("math", 1.9, 0.8, 14, cross_turn_flows=1),
        sourced=_sourced_numbers,
        min_flows=20,
        unstated=kit_audit.unstated_values,
        mixed=(("math,message", 6, 1, False, True), ("math,file_system", 6, 1, False, True)),
    ),
    # a pure status check changes nothing and feeds nothing, so it is never a user's goal
    "posting": KitCase(
        frozenset({"posting_get_login_status"}),
        run=(20, 0),
        minimums=_figures("posting", 1.6, 0.35, 12),
        sourced=_sourced_by_id_word("post"),
        unstated=kit_checks.unstated_values,
        bfcl_replay=False,
    ),
    "ticket": KitCase(
        frozenset({"ticket_get_login_status"}),
        run=(20, 0),
        minimums=_figures("ticket", 1.55, 0.3, 8),
        sourced=_sourced_by_id_word("ticket"),
        unstated=kit_checks.unstated_values,
    ),
    # a user wants what a ticker lets them do, not the ticker; 1,000 samples give 1.74 calls per acting
    # turn and 23% of acting turns with a flow (most trading tools take nothing a result produces)
    "trading": KitCase(
        frozenset({"get_symbol_by_name"}),
        run=(20, 0),
        minimums=_figures("trading", 1.6, 0.18, **{"turns_per_trajectory.mean": 3}),
        sourced=lambda samples: stated_flow_values(samples, _float_forms),
        min_flows=12,
        mixed=(("trading,file_system", 4, 2, True, False),),
    ),
    # every travel tool is a goal; 300 samples give 1.65 calls, 76% and 66% (below the brief's aim of
    # 2 calls per acting turn: see the kit's docstring)
    "travel": KitCase(
        frozenset(),
        run=(30, 0),
        minimums=_figures("travel", 1.6, 0.65, 16, turns_with_data_flow=0.55),
        sourced=lambda samples: stated_flow_values(samples, _travel_forms),
        min_flows=41,
        effectively_required={"retrieve_invoice": {"booking_id"}},
        mixed=(("travel,file_system", 8, 1, True, False),),
    ),
    # a driver asks for distances, not zip codes, and the second weather service only ever answers 404
    "vehicle": KitCase(
        frozenset({"get_zipcode_based_on_city", "get_outside_temperature_from_weather_com"}),
        run=(30, 5),
        minimums=_figures("vehicle", 1.8, 0.25, 18),
        sourced=lambda samples: stated_flow_values(samples, _vehicle_forms, bounded=True),
        min_flows=11,
        unstated=lambda samples: kit_checks.unstated_values(
            samples, says_in_display_words(kit_for("vehicle").phrases.display)
        ),
        mixed=(("vehicle,file_system", 12, 8, True, False),),
    ),
}
