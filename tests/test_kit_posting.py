"""The posting domain's graph probes and synthesis kit: valid, varied scenarios that bfcl-eval accepts,
a complete phrasebook, probes that agree with the annotations, and verified samples whose queries say
what the user knows and never what an earlier result told the assistant."""

from __future__ import annotations

import json
import random

import pytest

from funreason_envs.domains.posting import Posting
from funreason_envs.executor import ToolRouter
from funreason_envs.synthesis.kits import kit_domains, kit_for
from funreason_envs.synthesis.kits.id_words import IdWords
from funreason_envs.synthesis.kits.posting import TOPICS
from tests.support.kit_checks import (
    bfcl_load_mismatches,
    phrasebook_problems,
    small_run,
    sourced_values_in_queries,
    unstated_values,
)

KIT = kit_for("posting")
# A pure status check changes nothing and feeds nothing, so it is never a user's goal here.
MEANS_ONLY = {"posting_get_login_status"}
# What the small run below must reach (the figures claimed for this kit on 20 samples).
MIN_CALLS_PER_ACTING_TURN = 1.6
MIN_ACTING_TURNS_WITH_FLOW = 0.35


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return small_run("posting", tmp_path_factory.mktemp("posting"), num=20)


def test_kit_is_registered():
    assert "posting" in kit_domains()
    assert KIT.domain == "posting"


def test_scenarios_are_valid_configs_and_vary():
    configs = [KIT.scenario(random.Random(seed)) for seed in range(40)]
    for config in configs:
        assert json.loads(json.dumps(config)) == config
        account = Posting(config)
        assert account.state_dict()["username"] == config["username"]
        ids = [tweet["id"] for tweet in config["tweets"].values()]
        assert [int(key) for key in config["tweets"]] == ids
        assert config["tweet_counter"] > max(ids, default=-1)
        assert config["username"] not in config["following_list"]
        for word in TOPICS:  # a topic word finds at most one post, so "the post about X" is one post
            assert len(account.search_tweets(word)) <= 1
    assert len({json.dumps(config, sort_keys=True) for config in configs}) == len(configs)
    assert {config["authenticated"] for config in configs} == {True, False}
    assert len({config["username"] for config in configs}) >= 6
    feed_sizes = {len(config["tweets"]) for config in configs}
    assert 0 in feed_sizes and max(feed_sizes) >= 4


def test_bfcl_eval_loads_the_scenarios_as_we_do():
    configs = [KIT.scenario(random.Random(seed)) for seed in range(12)]
    assert bfcl_load_mismatches("posting", configs) == []


def test_every_tool_has_an_intent_or_is_means_only():
    assert phrasebook_problems("posting", MEANS_ONLY) == []


def test_small_run_verifies_and_meets_the_claimed_figures(run):
    _, report = run
    assert report["written"] == 20
    assert report["acceptance"]["verification"] == 1.0
    assert report["calls_per_acting_turn"]["mean"] >= MIN_CALLS_PER_ACTING_TURN
    assert report["acting_turns_with_data_flow"] >= MIN_ACTING_TURNS_WITH_FLOW
    assert report["coverage"]["tools"]["posting"]["used"] >= 12


def test_queries_never_state_a_sourced_value(run):
    samples, _ = run
    phrased, _ = sourced_values_in_queries(samples, "post")
    assert phrased == []
    assert any(turn.flows for sample in samples for turn in sample.turns)


def test_queries_state_every_value_the_user_must_know(run):
    samples, _ = run
    assert unstated_values(samples) == []


def test_logins_use_the_account_credentials(run):
    samples, _ = run
    logins = [
        (call.arguments, sample.task.initial_config["posting"])
        for sample in samples
        for calls in sample.task.ground_truth
        for call in calls
        if call.name == "authenticate_twitter"
    ]
    assert len(logins) >= 3
    for arguments, config in logins:
        assert arguments == {"username": config["username"], "password": config["password"]}


def test_probe_values():
    account = Posting(
        {
            "username": "maya",
            "password": "pw",
            "tweets": {
                "4": {"id": 4, "username": "tom", "content": "hi", "tags": ["#a"], "mentions": ["@lee"]}
            },
            "following_list": ["tom"],
            "tweet_counter": 5,
        }
    )
    assert account.conditions() == set()
    assert account.available_resources() == {"tweet_id": [4], "mention": ["@tom", "@lee"]}
    router = ToolRouter([account])
    router.run("authenticate_twitter(username='maya', password='pw')")
    assert account.conditions() == {"posting_logged_in"}
    router.run("post_tweet(content='x', mentions=['@kim'])")
    assert account.available_resources() == {"tweet_id": [4, 5], "mention": ["@tom", "@lee", "@kim"]}
    assert "conditions" not in Posting.tool_table() and "available_resources" not in Posting.tool_table()


def test_id_words():
    words = IdWords("post {}")
    assert words["12"] == "post 12" and "12" in words
    assert "twelve" not in words and "True" not in words
    display = KIT.phrases.display
    assert display["retweet.tweet_id"]["3"] == "post 3"
    assert display["get_tweet_comments.tweet_id"]["0"] == "post 0"
