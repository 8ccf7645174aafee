"""The template reasoner's assistant side, on real synthesized samples: chain-of-thought built from
conditions, data flows and the actual results; final answers in plain words; failed calls told as
failures; critic hints that name the skipped call's purpose."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from functools import cache
from typing import Any

import pytest

from funreason_envs.calls import ToolCall
from funreason_envs.domains import domain_class, domain_entry
from funreason_envs.errors import SampleRejected
from funreason_envs.executor import ToolResult
from funreason_envs.synthesis.answers import (
    COUNTED_NOUN,
    nothing_found,
    report,
    say_number,
    say_value,
    second_person,
    yes_no,
)
from funreason_envs.synthesis.kits import kit_domains, kit_for
from funreason_envs.synthesis.language import Speaker
from funreason_envs.synthesis.outcomes import failure_reason, result_failed
from funreason_envs.synthesis.pipeline import SampleBuilder
from funreason_envs.synthesis.reasoning import CONDITION_WORDS
from funreason_envs.synthesis.record import Sample
from funreason_envs.synthesis.run import roles_factory
from funreason_envs.synthesis.settings import Settings
from funreason_envs.synthesis.situation import request_part
from funreason_envs.synthesis.trace import Step
from funreason_envs.synthesis.verify import verify_sample
from tests.support.synthesis_samples import turns_of

ALL = Settings(seed=23, domains=tuple(kit_domains()))
# follows and unfollows that can fail (phase 1 keeps them only when told not to refuse them)
POSTING = Settings(seed=7, domains=("posting",), coherent=False)
VEHICLE = Settings(seed=5, domains=("vehicle",))  # engine starts that need the brake and the doors
MUTATES = {
    tool.name: tool.mutates_state for domain in kit_domains() for tool in domain_class(domain).spec().tools
}
FAILURE_WORDS = re.compile(r"fail|did not|didn't|not go through|broke|errored|rejected|problem", re.I)


@cache
def built(settings: Settings, count: int) -> tuple[Sample, ...]:
    """The samples a run would write; a walk that finds no goal is a rejection phase 3 never saw."""
    factory = roles_factory("template", settings)
    samples = []
    for index in range(count):
        try:
            samples.append(SampleBuilder(index, settings, factory).build())
        except SampleRejected as rejected:
            assert rejected.reason == "phase1_no_walk", rejected  # the reasoner never fails a turn
    assert len(samples) >= 0.8 * count
    return tuple(samples)


def assistant_texts(sample: Sample) -> list[str]:
    return [
        f"{m.get('reasoning_content') or ''} {m.get('content') or ''}"
        for m in sample.messages
        if m["role"] == "assistant"
    ]


# -- failures ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        '{"unfollow_status": false}',
        '{"follow_status": false}',
        '{"success": false}',
        '{"login_status": false, "message": "User ID \'USR9\' not found."}',
        '{"booking_status": false, "error": "Insufficient funds"}',
        '{"error": "rm: cannot remove \'x\': No such file or directory"}',
        '["Error: Login required to view the watchlist."]',
        "Error: unknown tool",
    ],
)
def test_failure_results_are_recognised(content):
    assert result_failed(content)
    assert failure_reason(content)


@pytest.mark.parametrize(
    "content",
    ['{"follow_status": true}', '{"result": "\'a\' removed"}', "null", '{"matching_lines": []}', "[1, 2]"],
)
def test_successful_results_are_not_failures(content):
    assert not result_failed(content)


def test_a_look_up_answering_false_is_information_not_a_failure():
    assert not result_failed('{"login_status": false}', "message_get_login_status")
    assert not result_failed('{"verification_status": false}', changes_state=False)
    assert result_failed('{"login_status": false}', "message_login")
    assert result_failed('{"error": "no such booking"}', changes_state=False)


def test_failed_calls_are_told_as_failures_in_the_cot_and_the_answer():
    failures = 0
    for sample in built(POSTING, 40):
        assert verify_sample(sample) == []
        for turn in turns_of(sample):
            failed = [
                m
                for m in turn
                if m["role"] == "tool" and result_failed(m["content"], m["name"], MUTATES[m["name"]])
            ]
            if not failed:
                continue
            failures += len(failed)
            answer = turn[-1]
            assert answer["role"] == "assistant" and not answer.get("tool_calls")
            assert "failed" in answer["content"], answer["content"]
            for message in failed:
                position = turn.index(message)
                following = next(m for m in turn[position:] if m["role"] == "assistant")
                assert FAILURE_WORDS.search(following["reasoning_content"]), following["reasoning_content"]
                assert message["name"] in following["reasoning_content"] + answer["content"]
            assert not re.search(r"everything .* is done|succeeded, so", answer["reasoning_content"])
    assert failures >= 3  # the seed was chosen so that failures happen


# -- chain-of-thought -------------------------------------------------------------------------------


def test_every_data_flow_value_is_named_where_it_is_used():
    """A value taken from a result (this turn's or an earlier one's) is quoted in the CoT of the step
    that uses it, next to the tool that produced it. A passing attempt may leave out a read-only look-up
    whose result the conversation already holds (BFCL's check accepts it); those calls are counted."""
    checked = earlier = skipped = 0
    for sample in built(ALL, 40):
        calls_by_turn = sample.task.ground_truth
        for record in sample.turns:
            for flow in record.flows:
                call = calls_by_turn[flow.target_turn][flow.target_call]
                producer = calls_by_turn[flow.source_turn][flow.source_call].name
                message = _message_calling(sample, flow.target_turn, call.name, call.arguments)
                if message is None:
                    assert not MUTATES[call.name], (sample.id, call)
                    skipped += 1
                    continue
                cot = message["reasoning_content"]
                text = str(flow.value)[:40]  # long texts are quoted with an ellipsis
                assert text in cot or repr(flow.value)[:40] in cot, (cot, flow)
                assert producer in cot, (cot, producer)
                checked += 1
                earlier += flow.source_turn < flow.target_turn
    assert checked > 30 and earlier > 5 and skipped <= 0.05 * checked


def _message_calling(
    sample: Sample, turn: int, name: str, arguments: dict[str, Any]
) -> dict[str, Any] | None:
    """The assistant message of user turn `turn` that makes this call (a later turn may repeat it)."""
    import json

    starts = [index for index, message in enumerate(sample.messages) if message["role"] == "user"]
    ends = [*starts[1:], len(sample.messages)]
    for message in sample.messages[starts[turn] : ends[turn]]:
        for call in message.get("tool_calls") or ():
            if call["function"]["name"] == name and json.loads(call["function"]["arguments"]) == arguments:
                return message
    return None


def test_prerequisite_conditions_are_explained():
    """When a call is there only to make a later call possible (the brake before the engine), the
    CoT says which condition the later call needs."""
    explained = 0
    for sample in built(VEHICLE, 30):
        for message in sample.messages:
            names = [call["function"]["name"] for call in message.get("tool_calls") or ()]
            if "pressBrakePedal" in names and "startEngine" in _turn_calls(sample, message):
                cot = message["reasoning_content"]
                if CONDITION_WORDS["brake_pressed"] in cot:
                    explained += 1
                else:
                    assert "pressBrakePedal" not in cot or "startEngine" in cot, cot
    assert explained >= 3


def _turn_calls(sample: Sample, message: dict[str, Any]) -> list[str]:
    for turn in turns_of(sample):
        if any(m is message for m in turn):
            return [call["function"]["name"] for m in turn for call in m.get("tool_calls") or ()]
    return []


def test_cot_never_copies_a_tool_description_or_reveals_the_advanced_tool():
    # a kit derived from a typed domain words its goals from the descriptions by design (the user says
    # them too, and the CoT retells the user), so only hand-written phrasebooks are held to this
    descriptions = {
        tool.name: tool.description.split(":")[0].split("(")[0].strip().rstrip(".")
        for domain in kit_domains()
        if ":" not in domain_entry(domain).kit
        for tool in domain_class(domain).spec().tools
    }
    for sample in built(ALL, 40):
        advanced = {r.advanced_tool.name for r in sample.turns if r.advanced_tool is not None}
        asked = ""
        for message in sample.messages:
            if message["role"] == "user":
                asked += message["content"].lower()  # the user's own words may be retold
            cot = (message.get("reasoning_content") or "").lower()
            for description in descriptions.values():
                copied = len(description) >= 25 and description.lower() in cot
                assert not copied or description.lower() in asked, description
            for name in advanced - {call.name for turn in sample.task.ground_truth for call in turn}:
                assert name.lower() not in cot


def skeleton(sentence: str, names: set[str]) -> str:
    sentence = re.sub(r"(?<!\w)'[^']*'(?!\w)|\"[^\"]*\"", "Q", sentence)
    sentence = re.sub(r"\d+(\.\d+)?", "N", sentence)
    out = []
    for word in sentence.split():
        core = word.strip(".,;:!?()")
        if core and (core[0].isupper() or re.search(r"[\d_]", core) or core.lower() in names):
            out.append("X")
        else:
            out.append(word.lower())
    return " ".join(out)


def test_cot_varies_in_structure_not_just_in_values():
    sentences, names, openings = [], set(), Counter()
    for sample in built(ALL, 40):
        names |= {tool["function"]["name"].lower() for tool in sample.tools}
        for message in sample.messages:
            cot = message.get("reasoning_content") or ""
            sentences += [s for s in re.split(r"(?<=[.!?])\s+", cot) if s]
    skeletons = Counter(skeleton(sentence, names) for sentence in sentences)
    top = sum(count for _, count in skeletons.most_common(20))
    assert top / len(sentences) <= 0.2
    # the old single closing line is gone, and no closing frame dominates
    closings = Counter(
        skeleton(re.split(r"(?<=[.!?])\s+", m["reasoning_content"])[-1], names)
        for sample in built(ALL, 40)
        for m in sample.messages
        if m["role"] == "assistant" and not m.get("tool_calls") and m.get("reasoning_content")
    )
    assert closings.most_common(1)[0][1] / sum(closings.values()) < 0.1
    openings.update(
        skeleton(re.split(r"(?<=[.!?])\s+", m["reasoning_content"])[0], names)
        for sample in built(ALL, 40)
        for m in sample.messages
        if m["role"] == "assistant" and m.get("tool_calls")
    )
    assert len(openings) > 0.5 * sum(openings.values())


def turn_texts(sample: Sample) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each user message with the messages that answer it."""
    queries = [m["content"] for m in sample.messages if m["role"] == "user"]
    return list(zip(queries, turns_of(sample), strict=True))


def test_look_alike_tools_are_ruled_out_by_a_parameter_they_really_lack():
    """ "X has no Y parameter" / "X takes no Y" is a spec fact about a tool that was shown."""
    specs = {tool.name: tool for domain in kit_domains() for tool in domain_class(domain).spec().tools}
    claim = re.compile(r"(\w+) (?:has no ([a-z ]+?) parameter|looks close, but it takes no ([a-z ]+?),)")
    checked = 0
    for sample in built(ALL, 40):
        shown = {tool["function"]["name"] for tool in sample.tools}
        for message in sample.messages:
            for match in claim.finditer(message.get("reasoning_content") or ""):
                tool, param = match.group(1), match.group(2) or match.group(3)
                assert tool in shown, match.group(0)
                properties = {p.replace("_", " ").lower() for p in specs[tool].parameters["properties"]}
                assert param not in properties, match.group(0)
                checked += 1
    assert checked >= 5


def test_the_users_own_words_are_what_the_cot_quotes():
    """Quoted request parts, the user's wording of a value and background sentences come from the
    user's message of that turn; background never carries a value the calls use."""
    quote = r"(?:'([^']+)'|\"([^\"]+)\")"
    patterns = (
        re.compile(rf"They wrote {quote}(?:; | -|, which)"),
        re.compile(rf"{quote} in [a-z ]+ becomes"),
        re.compile(rf"{quote} is background"),
        re.compile(rf"(?:handles|For) {quote}(?:,|\.)"),
    )
    checked = background = 0
    for sample in built(ALL, 40):
        for query, turn in turn_texts(sample):
            values = [
                str(json.loads(call["function"]["arguments"])[key])
                for m in turn
                for call in m.get("tool_calls") or ()
                for key in json.loads(call["function"]["arguments"])
            ]
            for message in turn:
                cot = message.get("reasoning_content") or ""
                for pattern in patterns:
                    for single, double in pattern.findall(cot):
                        quoted = single or double
                        assert quoted.lower() in query.lower(), (quoted, query)
                        checked += 1
                        if pattern is patterns[2]:
                            background += 1
                            assert not any(len(v) > 1 and v.lower() in quoted.lower() for v in values)
    assert checked >= 20 and background >= 3


def test_a_condition_an_earlier_turn_brought_about_is_not_brought_about_again():
    """ "No fresh X: X (...) ... still counts" is said only when X ran in an earlier turn, not this one."""
    said = 0
    for sample in built(ALL, 40):
        calls = [[call.name for call in turn] for turn in sample.task.ground_truth]
        for index, (_, turn) in enumerate(turn_texts(sample)):
            for message in turn:
                for tool in re.findall(r"No fresh (\w+):", message.get("reasoning_content") or ""):
                    assert tool not in calls[index], (tool, calls[index])
                    assert any(tool in earlier for earlier in calls[:index]), tool
                    said += 1
    assert said >= 3


def test_an_empty_result_is_read_as_nothing_found():
    """An empty list or object is read for what it means, never as a plain success."""
    read = 0
    for sample in built(ALL, 40):
        for _, turn in turn_texts(sample):
            for position, message in enumerate(turn):
                if message["role"] != "tool" or message["content"] not in ("[]", "{}"):
                    continue
                following = next(m for m in turn[position:] if m["role"] == "assistant")
                sentences = re.split(r"(?<=[.!?])\s+", following["reasoning_content"])
                about = [s for s in sentences if message["name"] in s]
                if about:  # a terse closing may skip a look-up's reading
                    assert any(re.search(r"\b(?:no|nothing|empty)\b", s, re.I) for s in about), about
                    read += 1
    assert read >= 3


def test_the_same_seed_gives_the_same_reasoning():
    factory = roles_factory("template", ALL)
    sample = built(ALL, 40)[3]  # a walk that found no goal leaves a gap, so the index is read off the id
    index = int(sample.id.rsplit("_", 1)[1])
    assert SampleBuilder(index, ALL, factory).build().messages == sample.messages


# -- final answers ----------------------------------------------------------------------------------


def test_final_answers_read_like_a_person_wrote_them():
    checked_my = 0
    answers = []
    precise: set[str] = set()
    for settings, count in ((ALL, 40), (POSTING, 40), (VEHICLE, 30)):
        for sample in built(settings, count):
            for query, turn in zip(
                [m["content"] for m in sample.messages if m["role"] == "user"], turns_of(sample), strict=True
            ):
                answer = turn[-1]["content"]
                answers.append(answer)
                calls = [call for m in turn for call in m.get("tool_calls") or []]
                if any('"precision"' in call["function"]["arguments"] for call in calls):
                    precise.add(answer)  # the user asked for that many digits
                own_words = re.sub(r"'[^']*'(?!\w)", "", query)  # not a quoted post or message
                for phrase in re.findall(r"\bmy ((?:new |latest )?[a-z]+)\b", own_words):
                    if re.search(rf"\b{phrase}\b", answer):  # the user's "my X", retold, is "your X"
                        assert not re.search(rf"\bmy {phrase}\b", answer), (query, answer)
                        checked_my += 1
    assert len(answers) > 300 and checked_my > 5
    for answer in answers:
        assert "mpf(" not in answer and "{" not in answer, answer  # no reprs or JSON dumps
        assert not re.search(r"\bNone\b(?! of)", answer), answer
        assert answer in precise or not re.search(r"\d\.\d{5,}", answer), answer  # no float noise
        assert not re.search(r"(?<![\d.,])\b1 (posts|accounts|reposts|gallons|liters)\b", answer), answer
        assert not re.search(r"Here (?:are|is)[^:.]*: none\b", answer), answer
        assert not re.search(r": (?:yes|no)\.|\bwatching none\b|: none\.|(?<!\.)\.\.(?!\.)", answer), answer
        assert not re.search(r"\b1 (?:messages|different people)\b|\w+: \w+; \w+: ", answer), answer


@pytest.mark.parametrize(
    ("value", "spoken"),
    [
        (3.1916666666666664, "3.19"),
        (38299.99999999999, "38300"),
        (0.000123456, "0.00012"),
        (0.030277, "0.0303"),
        (58500.0, "58500"),
        (-2.2222, "-2.22"),
        ("mpf('2.63275242')", "2.63"),
        ([], "none"),
        (["a", "b", "c"], "a, b and c"),
        (list(range(9)), "0, 1, 2, 3, 4 and 4 more"),
        ({"received_count": 3, "USR004": ["hi"]}, "received count 3; USR004: hi"),
        (
            [{"id": 1, "title": "Slow drive", "tags": ["a", "b"], "note": ""}],
            "id 1, title 'Slow drive' and tags a/b",
        ),
        ({"bk_1": {"travel_to": "LAX"}}, "bk_1 (travel to LAX)"),
    ],
)
def test_values_are_spoken_plainly(value, spoken):
    assert (say_number(value) if isinstance(value, float) else say_value(value)) == spoken


def test_the_users_words_are_turned_to_the_user():
    assert second_person("the person my message about 'my plan' went to") == (
        "the person your message about 'my plan' went to"
    )
    assert second_person("the one account I follow") == "the one account you follow"


# -- the critic -------------------------------------------------------------------------------------


def test_critic_hints_name_the_missing_call_and_what_it_was_for():
    hints = [
        (hint, record, sample)
        for sample in built(ALL, 60)  # 40 gave 2 or 3 hints, depending on how the kits' wording drew
        for record in sample.turns
        for hint in record.hints
    ]
    assert len(hints) >= 3
    for hint, record, sample in hints:
        calls = [call.name for call in sample.task.ground_truth[record.index]]
        named = [name for name in calls if name in hint]
        assert named, hint
        assert re.search(r"result|needs|condition|look", hint), hint
        if len(set(calls)) >= 3:
            assert len(named) < len(set(calls)), hint  # a hint, not the whole plan


def test_a_count_of_one_takes_the_singular_only_for_plain_plurals():
    template = (
        "{result.a} posts, {result.b} accounts, {result.c} matches, {result.d} status, {result.e} gallons"
    )
    assert [noun for _, noun in COUNTED_NOUN.findall(template)] == ["post", "account", "gallon"]


@pytest.mark.parametrize(
    ("lead", "value", "said"),
    [
        ("Logged in to messaging", False, "You're not logged in to messaging."),
        ("Login status", True, "You're logged in."),
        ("Enough fuel for it", False, "There is not enough fuel for it."),
        ("Verification passed", True, "Verification passed? Yes."),
    ],
)
def test_a_yes_or_no_result_is_a_sentence(lead, value, said):
    assert yes_no(lead, value) == said


@pytest.mark.parametrize(
    ("domain", "tool", "value", "said"),
    [
        ("trading", "get_watchlist", {"watchlist": []}, "The watchlist is empty."),
        ("ticket", "get_user_tickets", [], "No tickets found."),
        ("travel", "get_booking_history", {"booking_history": {}}, "The booking history is empty."),
        ("posting", "get_tweet_comments", [], "No comments found."),
    ],
)
def test_an_empty_result_says_none_was_found(domain, tool, value, said):
    spec = next(t for t in domain_class(domain).spec().tools if t.name == tool)
    call = ToolCall(tool, {})
    step = Step(0, 0, spec, call, ToolResult(call, json.dumps(value), "ok", value))
    assert nothing_found(step) == said


@pytest.mark.parametrize(("precision", "said"), [(6, "2.39794"), (3, "2.4"), (None, "2.4")])
def test_a_result_keeps_the_precision_the_user_asked_for(precision, said):
    spec = next(t for t in domain_class("math").spec().tools if t.name == "logarithm")
    arguments = {"value": 250, "base": 10} | ({} if precision is None else {"precision": precision})
    call = ToolCall("logarithm", arguments)
    value = domain_class("math")().logarithm(250, 10, precision or 20)  # an mpmath number, as printed
    step = Step(0, 0, spec, call, ToolResult(call, str(value), "ok", value))
    speaker = Speaker({"math": kit_for("math")}, {}, random.Random(0))
    assert said in report(step, speaker, str(value))


def test_a_request_too_long_to_quote_is_not_replaced_by_a_sentence_naming_fewer_values():
    spec = next(t for t in domain_class("travel").spec().tools if t.name == "purchase_insurance")
    arguments = {"access_token": "dsr578uw48ct", "insurance_type": "comprehensive", "booking_id": "8798366",
                 "insurance_cost": 145.0, "card_id": "card_7591"}  # fmt: skip
    call = ToolCall("purchase_insurance", arguments)
    step = Step(0, 0, spec, call, ToolResult(call, "{}", "ok", {}))
    long_request = (
        "I'd like for you to arrange 'comprehensive' insurance for my booking from SBK to WLB on March 24th"
        " 2026 we looked at, settled with card_7591, because I've been unlucky before"
    )
    token = "Oh, and the access token should be dsr578uw48ct"
    assert request_part(step, f"{long_request}. {token}.") is None  # the request is too long to quote
    short_request = "Please insure 8798366 with the 'comprehensive' plan on card_7591"
    assert request_part(step, f"{short_request}. {token}.") == short_request
