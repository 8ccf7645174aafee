"""Quality figures of synthesized data, and the same figures for BFCL's multi_turn_base questions.

The figures (what, why and targets: README.md "Quality figures") with the refinements made here:
text figures that depend on corpus size (distinct-n, clause skeletons, CoT skeleton share) use a fixed
token budget (the first `USER_BUDGET` / `COT_BUDGET` tokens, texts in order, the last one cut), while
shares of turns are over all turns; tokens are lowercased `\\w+` runs or single punctuation marks.
Prerequisite calls come from the generator's record (`TurnRecord.stated_calls`/`implicit_calls`); when
absent, a call is a prerequisite if the graph says a later call of the turn depends on it or its value
flows into one, and it counts as implicit unless a distinctive word of its tool name (or a synonym)
occurs in the request. A false `*_status` counts as a failure only for a call that changes state (a
status query answering false is information). A persona is `Sample.persona`, else backstory cues in
the first user turn. For BFCL, cross-turn dependency is an argument value found in an earlier turn's
executed results but not in the request. A figure a corpus cannot have (CoT for BFCL) is `None`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import Any

from funreason_envs.synthesis.audit import FAILURE_WORDS, Call, changes_state, undo_pairs
from funreason_envs.synthesis.outcomes import result_failed
from funreason_envs.synthesis.record import Sample
from funreason_envs.tasks import Task

USER_BUDGET = 28_000
COT_BUDGET = 30_000
TOP_SKELETONS = 20
ACTING_KINDS = ("normal", "clarification", "held_out_reveal")
USER_KINDS = ("normal", "vague", "clarification", "held_out_wait")

TOKEN = re.compile(r"\w+|[^\w\s]")
CLAUSE_BREAK = re.compile(r"[.;?!]+(?=\s|$)|, and then |, then | and then |, and | but | so ")
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`")
NUMBER = re.compile(r"^[$€£]?\d[\d,.]*%?$")
REFERENCE = re.compile(
    r"\b(it|its|that|those|them|this|these)\b"
    r"|\bthe (first|last|second|third|previous|same|latter|former|above|earlier|one)\b"
    r"|\byou just\b|\byou found\b|\bearlier\b|\babove\b",
    re.IGNORECASE,
)
AND_THEN = re.compile(r",? and then ", re.IGNORECASE)
PERSONA = re.compile(  # who the user is or a backstory: "As a nurse", "I'm a teacher", "I've been ..."
    r"(?:^|[.!?]\s+)As an? \w+|\b(?:I'm|I am) an? (?!few\b|bit\b|little\b|lot\b|new\b|quick\b|hurry\b)\w+"
    r"|\bmy name is\b|\bI work (?:as|at|for|in)\b|\bI(?:'ve| have) been\b"
    r"|\bmy (?:family|wife|husband|kids|children|boss|colleague|partner|friends?)\b|\bI'm (?-i:[A-Z][a-z]+),",
    re.IGNORECASE,
)
SYNONYMS = {
    "login": ("signin", "logged", "authenticate"),
    "authenticate": ("login", "signin", "logged"),
    "mkdir": ("folder", "directory"),
    "cd": ("go", "into", "navigate"),
    "touch": ("create", "new"),
}
GENERIC_NAME_WORDS = {"get", "set", "the", "a", "by", "of", "to", "for", "info", "details", "id", "current"}


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def within_budget(texts: Iterable[str], budget: int) -> list[str]:
    """The texts, in order, until `budget` tokens are used; the last one is cut after its budget token."""
    kept: list[str] = []
    left = budget
    for text in texts:
        if left <= 0:
            break
        matches = list(TOKEN.finditer(text))
        if len(matches) > left:
            text = text[: matches[left - 1].end()]
        kept.append(text)
        left -= min(len(matches), left)
    return kept


def distinct_n(texts: Sequence[str], n: int) -> float:
    """Unique n-grams / all n-grams (n-grams do not cross text boundaries)."""
    grams = [tuple(words[i : i + n]) for words in map(tokens, texts) for i in range(len(words) - n + 1)]
    return _ratio(len(set(grams)), len(grams))


def skeleton(clause: str, names: frozenset[str] = frozenset()) -> str:
    """A clause with its values abstracted: quoted strings Q, numbers N, names, ids and `names` X."""
    text = QUOTED.sub(" Q ", clause)
    out = []
    for position, word in enumerate(re.findall(r"[\w$€£.,%]+|[^\w\s]", text)):
        bare = word.strip(".,")
        if not bare:
            continue
        if bare == "Q":
            out.append("Q")
        elif NUMBER.match(bare):
            out.append("N")
        elif (
            bare in names
            or any(c.isdigit() for c in bare)
            or "_" in bare
            or (position > 0 and bare[0].isupper())
        ):
            out.append("X")
        else:
            out.append(bare.lower())
    return " ".join(out)


def clauses(text: str) -> list[str]:
    """The clauses of a user turn; quoted values ('notes.txt') and decimals (4.5) are not split."""
    quoted: list[str] = []

    def hide(match: re.Match[str]) -> str:
        quoted.append(match.group(0))
        return f"\x00{len(quoted) - 1}\x00"

    hidden = QUOTED.sub(hide, text)
    parts = [part.strip() for part in CLAUSE_BREAK.split(hidden) if part.strip(" ,")]
    return [re.sub(r"\x00(\d+)\x00", lambda m: quoted[int(m.group(1))], part) for part in parts]


def clause_skeleton_ratio(texts: Sequence[str]) -> float:
    """Distinct clause skeletons / clauses: 1.0 means no two clauses share a frame."""
    frames = [skeleton(clause) for text in texts for clause in clauses(text)]
    return _ratio(len(set(frames)), len(frames))


def user_text_figures(texts: Sequence[str]) -> dict[str, float]:
    """Figures of user turns: distinct-1/2 and clause skeletons on the budget, shares over all turns."""
    budget = within_budget(texts, USER_BUDGET)
    return {
        "user_turns": len(texts),
        "user_tokens": sum(len(tokens(text)) for text in budget),
        "distinct_1": distinct_n(budget, 1),
        "distinct_2": distinct_n(budget, 2),
        "clause_skeleton_ratio": clause_skeleton_ratio(budget),
        "question_share": _share(texts, lambda text: "?" in text),
        "reference_share": _share(texts, lambda text: bool(REFERENCE.search(text))),
        "and_then_share": _share(texts, lambda text: bool(AND_THEN.search(text))),
    }


def cot_figures(texts: Sequence[str], names: frozenset[str]) -> dict[str, float]:
    """CoT figures on the budget: share of sentences in the top-20 skeletons, and distinct-2."""
    budget = within_budget(texts, COT_BUDGET)
    sentences = [s for text in budget for s in SENTENCE_BREAK.split(text) if s.strip()]
    frames = Counter(skeleton(sentence, names) for sentence in sentences)
    covered = sum(count for _, count in frames.most_common(TOP_SKELETONS))
    return {
        "cot_messages": len(texts),
        "cot_tokens": sum(len(tokens(text)) for text in budget),
        "cot_top20_skeleton_share": _ratio(covered, len(sentences)),
        "cot_distinct_2": distinct_n(budget, 2),
    }


@dataclass
class PrerequisiteCount:
    """Prerequisite calls of the corpus, and how many of them the user's text left unsaid."""

    implicit: int = 0
    total: int = 0
    recorded_turns: int = 0
    estimated_turns: int = 0

    def share(self) -> float:
        return _ratio(self.implicit, self.total)


@dataclass
class Corpus:
    """What the figures read, gathered from samples or from BFCL tasks."""

    user_texts: list[str] = field(default_factory=list)
    conversations: int = 0
    with_persona: int = 0
    prerequisites: PrerequisiteCount = field(default_factory=PrerequisiteCount)
    acting_turns: int = 0
    undo_turns: int = 0
    cross_turn_turns: int = 0
    cot_texts: list[str] | None = None
    names: set[str] = field(default_factory=set)
    tool_results: int = 0
    failures_told_as_success: int | None = None

    def figures(self) -> dict[str, Any]:
        figures: dict[str, Any] = user_text_figures(self.user_texts)
        figures["conversations"] = self.conversations
        figures["persona_share"] = _ratio(self.with_persona, self.conversations)
        figures["implicit_prerequisite_share"] = self.prerequisites.share()
        figures["prerequisite_calls"] = self.prerequisites.total
        figures["prerequisites_recorded_turns"] = self.prerequisites.recorded_turns
        figures["prerequisites_estimated_turns"] = self.prerequisites.estimated_turns
        figures["acting_turns"] = self.acting_turns
        figures["same_turn_undo_share"] = _ratio(self.undo_turns, self.acting_turns)
        figures["cross_turn_dependency_share"] = _ratio(self.cross_turn_turns, self.acting_turns)
        if self.cot_texts is None:
            figures.update(
                cot_messages=None, cot_tokens=None, cot_top20_skeleton_share=None, cot_distinct_2=None
            )
        else:
            figures.update(cot_figures(self.cot_texts, frozenset(self.names)))
        figures["tool_results"] = self.tool_results
        figures["failed_told_as_success"] = self.failures_told_as_success
        return figures


def sample_quality(samples: Sequence[Sample]) -> dict[str, Any]:
    """The quality figures of synthesized samples."""
    corpus = Corpus(cot_texts=[], failures_told_as_success=0)
    for sample in samples:
        corpus.conversations += 1
        first_user = next((m.get("content") or "" for m in sample.messages if m["role"] == "user"), "")
        corpus.with_persona += sample.persona is not None or bool(PERSONA.search(first_user))
        names = {tool["function"]["name"] for tool in sample.tools}
        corpus.names |= names | {p for t in sample.tools for p in t["function"]["parameters"]["properties"]}
        request = ""
        for turn in sample.turns:
            text = _turn_text(sample.task, turn.index)
            if turn.kind in USER_KINDS:
                corpus.user_texts.append(text)
            request = f"{request} {text}".strip()
            if turn.kind not in ACTING_KINDS:
                continue
            calls = _calls(sample.task, turn.index)
            corpus.acting_turns += 1
            corpus.undo_turns += bool(undo_pairs(calls)) and not turn.stated_reason
            corpus.cross_turn_turns += any(flow.source_turn < turn.index for flow in turn.flows)
            if turn.implicit_calls is not None and turn.stated_calls is not None:
                corpus.prerequisites.implicit += len(turn.implicit_calls)
                corpus.prerequisites.total += len(turn.implicit_calls) + len(turn.stated_calls)
                corpus.prerequisites.recorded_turns += 1
            else:
                fed = {flow.source_call for flow in turn.flows if flow.source_turn == turn.index}
                fed |= _feeders(calls, sample.domains)
                goals = set(turn.goal_calls) if turn.goal_calls is not None else set(range(len(calls))) - fed
                _estimate(corpus.prerequisites, request, calls, goals, fed, sample.domains)
            request = ""
        _assistant_figures(corpus, sample.messages, tuple(sample.domains))
    return corpus.figures()


def bfcl_quality(tasks: Sequence[Task]) -> dict[str, Any]:
    """The same figures for BFCL tasks: user text from the questions, prerequisites and undos from the
    ground truth against the question text, cross-turn dependency from the executed ground truth; the
    CoT and failure figures need assistant text and are `None`."""
    from funreason_envs.checker import execute_ground_truth

    corpus = Corpus()
    for task in tasks:
        corpus.conversations += 1
        texts = [_turn_text(task, index) for index in range(len(task.turns))]
        first = next((text for text in texts if text), "")
        corpus.with_persona += bool(PERSONA.search(first))
        outcomes = execute_ground_truth(task)
        earlier: list[str] = []
        request = ""
        for index, text in enumerate(texts):
            if text:
                corpus.user_texts.append(text)
            request = f"{request} {text}".strip()
            calls = _calls(task, index)
            if not calls:
                continue
            corpus.acting_turns += 1
            corpus.undo_turns += bool(undo_pairs(calls))
            corpus.cross_turn_turns += _uses_earlier(calls, earlier, request)
            fed = _feeders(calls, task.domains)
            goals = set(range(len(calls))) - fed
            _estimate(corpus.prerequisites, request, calls, goals, fed, task.domains)
            earlier.extend(outcomes[index].results)
            request = ""
    return corpus.figures()


def bfcl_base_quality(data_dir: str | None = None) -> dict[str, Any]:
    """The figures of BFCL's multi_turn_base (its data comes from bfcl-eval or `data_dir`)."""
    from funreason_envs.tasks import load_bfcl_tasks

    return bfcl_quality(load_bfcl_tasks("base", data_dir))


def _assistant_figures(corpus: Corpus, messages: list[dict[str, Any]], domains: tuple[str, ...]) -> None:
    """CoT texts, tool results, and failed results the next assistant text does not acknowledge."""
    assert corpus.cot_texts is not None and corpus.failures_told_as_success is not None
    failed_pending = False
    for message in messages:
        if message["role"] == "tool":
            corpus.tool_results += 1
            mutating = changes_state(message.get("name", ""), domains)
            failed_pending = failed_pending or result_failed(
                message.get("content") or "", changes_state=mutating
            )
        elif message["role"] == "assistant":
            reasoning = message.get("reasoning_content") or ""
            if reasoning:
                corpus.cot_texts.append(reasoning)
            if failed_pending:
                said = f"{reasoning} {message.get('content') or ''}"
                corpus.failures_told_as_success += not FAILURE_WORDS.search(said)
                failed_pending = False
        else:
            failed_pending = False


def _estimate(
    count: PrerequisiteCount,
    request: str,
    calls: list[Call],
    goals: set[int],
    fed: set[int],
    domains: Sequence[str],
) -> None:
    """Count a turn's prerequisite calls (not goals; changing state or feeding a later call) and how
    many the request text does not mention (judged from the tool's name words)."""
    count.estimated_turns += 1
    for index, (name, _) in enumerate(calls):
        if index in goals or not (index in fed or changes_state(name, tuple(domains))):
            continue
        count.total += 1
        count.implicit += not mentions(request, name, domains)


def mentions(text: str, tool: str, domains: Sequence[str] = ()) -> bool:
    """Whether `text` asks for `tool`: a distinctive word of its name (or its stem, or a synonym)
    appears in it. Words shared by several tools of a domain ("stock", "ticket") are not distinctive."""
    shared = _shared_name_words(tuple(sorted(domains)))
    words = [w for w in _name_words(tool) if w not in GENERIC_NAME_WORDS | shared and len(w) > 1]
    words += [synonym for word in words for synonym in SYNONYMS.get(word, ())]
    said = tokens(text)
    said += [a + b for a, b in pairwise(said)]  # "log in" -> "login", "zip code" -> "zipcode"
    stems = {word[:5] for word in said if len(word) > 2}
    return any(word in said or (len(word) > 3 and word[:5] in stems) for word in words)


@cache
def _shared_name_words(domains: tuple[str, ...]) -> frozenset[str]:
    """Words found in the names of three or more tools of one domain."""
    from funreason_envs.domains import domain_class

    shared: set[str] = set()
    for domain in domains:
        counts = Counter(w for tool in domain_class(domain).spec().tools for w in set(_name_words(tool.name)))
        shared |= {word for word, count in counts.items() if count >= 3}
    return frozenset(shared)


def _name_words(tool: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", tool).replace("_", " ")
    return [word.lower() for word in spaced.split()]


def _calls(task: Task, index: int) -> list[Call]:
    return [(call.name, call.arguments) for call in task.ground_truth[index]]


def _turn_text(task: Task, index: int) -> str:
    return " ".join(m.get("content") or "" for m in task.turns[index] if m.get("role") == "user")


def _feeders(calls: list[Call], domains: Sequence[str]) -> set[int]:
    """Indexes of calls the graph says a later call of the same turn depends on."""
    return {index for index, call in enumerate(calls) if _feeds_later(call, calls[index + 1 :], domains)}


def _feeds_later(call: Call, later: list[Call], domains: Sequence[str]) -> bool:
    from funreason_envs.synthesis.pipeline import graph_for

    graph = graph_for(tuple(sorted(domains)))
    return any(
        graph.dependencies.has_edge(call[0], name) for name, _ in later if call[0] in graph.dependencies
    )


def _uses_earlier(calls: list[Call], earlier: list[str], request: str) -> bool:
    """Some argument value appears in an earlier turn's result and not in this turn's user text."""
    said = request.lower()
    for _, arguments in calls:
        for value in arguments.values():
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                continue
            text = json.dumps(value) if isinstance(value, str) else str(value)
            if len(text) < 4 or str(value).lower() in said:
                continue
            if any(text in result or str(value) in result for result in earlier):
                return True
    return False


def _share(texts: Sequence[str], test: Any) -> float:
    return _ratio(sum(1 for text in texts if test(text)), len(texts))


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


# (key, label, target, format) of the printed table; "%" shares print as percentages
FIGURES = (
    ("distinct_1", "user distinct-1", "", "ratio"),
    ("distinct_2", "user distinct-2", ">= 0.35", "ratio"),
    ("clause_skeleton_ratio", "distinct clause skeletons / clauses", ">= 0.70", "ratio"),
    ("question_share", "user turns asking a question", ">= 15%", "%"),
    ("reference_share", "user turns referring back", ">= 45%", "%"),
    ("persona_share", "conversations with a persona", "", "%"),
    ("and_then_share", "user turns with ', and then'", "<= 15%", "%"),
    ("implicit_prerequisite_share", "prerequisite calls left implicit", ">= 70%", "%"),
    ("cot_top20_skeleton_share", "CoT sentences in top-20 skeletons", "<= 20%", "%"),
    ("cot_distinct_2", "CoT distinct-2", ">= 0.30", "ratio"),
    ("failed_told_as_success", "failed calls told as success", "0", "count"),
    ("same_turn_undo_share", "acting turns undoing their own action", "<= 0.5%", "%"),
    ("cross_turn_dependency_share", "acting turns using an earlier turn's result", ">= 50%", "%"),
)


def format_quality(columns: dict[str, dict[str, Any]]) -> str:
    """The figures as a text table, one column per corpus (e.g. ours and BFCL's)."""
    names = list(columns)
    header = f"{'quality figure':44} {'target':>8} " + " ".join(f"{name:>10}" for name in names)
    lines = [header]
    for key, label, target, kind in FIGURES:
        cells = " ".join(f"{_cell(columns[name].get(key), kind):>10}" for name in names)
        lines.append(f"{label:44} {target:>8} {cells}")
    budgets = ", ".join(
        f"{name}: {figures['user_tokens']} user tokens, {figures.get('cot_tokens') or 0} CoT tokens"
        for name, figures in columns.items()
    )
    lines.append(f"(token budgets used — {budgets})")
    return "\n".join(lines)


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return "n/a"
    if kind == "%":
        return f"{value:.1%}"
    if kind == "ratio":
        return f"{value:.3f}"
    return str(value)
