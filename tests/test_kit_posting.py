"""The posting domain's probes and synthesis kit: valid, varied scenarios, logins with the account's own
credentials, and post ids said as posts. What every kit is checked for is in test_kits.py."""

from __future__ import annotations

import json
import random

from funreason_envs.calls import ToolCall
from funreason_envs.domains.posting import Posting
from funreason_envs.executor import ToolRouter
from funreason_envs.synthesis.arguments import ArgumentSampler
from funreason_envs.synthesis.kits import kit_for
from funreason_envs.synthesis.kits.id_words import IdWords
from funreason_envs.synthesis.kits.posting import TOPICS
from funreason_envs.synthesis.trace import Step, ValuePool
from tests.support.kit_cases import scenarios

KIT = kit_for("posting")


def test_scenarios_are_valid_configs_and_vary():
    configs = scenarios("posting", 40)
    for config in configs:
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


def test_logins_use_the_account_credentials(kit_run):
    samples = kit_run("posting").samples
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


def test_the_author_of_the_users_own_post_is_never_drawn_as_someone_to_follow():
    # the authors of two posts flow from get_tweet results: a stranger's and the user's own; only the
    # stranger may become someone to follow
    stranger = {"id": 0, "username": "lena_reads", "content": "Hi!", "tags": [], "mentions": []}
    config = {
        **scenarios("posting", 1)[0],
        "authenticated": True,
        "tweets": {"0": stranger},
        "tweet_counter": 1,
    }
    account = Posting(config)
    router = ToolRouter([account])
    own = account.post_tweet(content="Planted the herbs today.")["id"]
    spec = {tool.name: tool for tool in Posting.spec().tools}
    pool = ValuePool()
    for turn, tweet_id in enumerate((0, own)):
        call = ToolCall("get_tweet", {"tweet_id": tweet_id})
        pool.add(Step(turn, 0, spec["get_tweet"], call, router.execute(call)))
    assert {offer.value for offer in pool.offers("posting_username")} == {"lena_reads", account.username}
    sampler = ArgumentSampler({"posting": KIT}, {"posting": account}, frozenset(), random.Random(0))
    followed = [sampler.draw(spec["follow_user"], pool) for _ in range(80)]
    names = {drawn.arguments["username_to_follow"] for drawn in followed if drawn is not None}
    assert "lena_reads" in names and account.username not in names
