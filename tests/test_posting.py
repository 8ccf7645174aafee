"""The posting domain (BFCL's TwitterAPI): every tool's success and failure results, config handling,
determinism, and a scripted session compared call by call with bfcl-eval."""

from __future__ import annotations

from typing import Any

import pytest

import funreason_envs  # noqa: F401  (registers the envs)
from funreason_envs.domains.posting import Posting
from funreason_envs.errors import ConfigError
from funreason_envs.executor import ToolRouter
from tests.support.domain_cases import posting_account, tweet
from tests.support.session_checks import Transcript, bfcl_script_differences
from tests.support.session_checks import results as run


@pytest.fixture
def config() -> dict[str, Any]:
    return posting_account()


@pytest.fixture
def posting(config) -> Posting:
    return Posting(config)


def test_default_state_is_bfcls():
    assert Posting().state_dict() == {
        "username": "john",
        "password": "john123",
        "authenticated": False,
        "tweets": {},
        "comments": {},
        "retweets": {},
        "following_list": ["alice", "bob"],
        "tweet_counter": 0,
    }


def test_tweet_keys_become_ints_but_comment_keys_stay_as_given(posting):
    assert set(posting.tweets) == {0, 1, 5}
    assert set(posting.comments) == {"1"}
    # The config's comments sit under the string key "1", so an integer lookup does not find them.
    assert run(posting, "get_tweet_comments(tweet_id=1)") == ["[]"]
    run(posting, "comment(tweet_id=1, comment_content='Agreed')")
    assert set(posting.comments) == {"1", 1}
    assert run(posting, "get_tweet_comments(1)") == ["[{'username': 'ana', 'content': 'Agreed'}]"]


def test_load_copies_the_config(config):
    domain = Posting(config)
    run(domain, "[follow_user(username_to_follow='cy'), mention(tweet_id=0, mentioned_usernames=['@x'])]")
    assert config["following_list"] == ["ben"]
    assert config["tweets"]["0"]["mentions"] == ["@coach"]


@pytest.mark.parametrize(
    ("tweets", "message"),
    [
        ({"first": tweet(0, "a", "x")}, "TwitterAPI config: tweet key 'first' is not an integer id"),
        ([tweet(0, "a", "x")], "TwitterAPI config: 'tweets' must map tweet ids to tweets, got list"),
    ],
)
def test_bad_tweet_configs_are_named(tweets, message):
    with pytest.raises(ConfigError) as caught:
        Posting({"tweets": tweets})
    assert str(caught.value) == message


def test_authentication():
    domain = Posting()
    Transcript(domain).expect(r"""
        posting_get_login_status() -> {"login_status": false}
        authenticate_twitter(username='john', password='wrong') -> {"authentication_status": false}
        """)
    assert domain.authenticated is False
    Transcript(domain).expect(r"""
        authenticate_twitter('john', 'john123') -> {"authentication_status": true}
        posting_get_login_status() -> {"login_status": true}
        """)
    # A later failed attempt does not log the user out.
    run(domain, "authenticate_twitter(username='john', password='wrong')")
    assert domain.authenticated is True


@pytest.mark.parametrize(
    ("call", "action"),
    [
        ("post_tweet(content='hi')", "posting"),
        ("retweet(tweet_id=0)", "retweeting"),
        ("comment(tweet_id=0, comment_content='hi')", "commenting"),
        ("follow_user(username_to_follow='cy')", "following"),
        ("list_all_following()", "listing following"),
        ("unfollow_user(username_to_unfollow='ben')", "unfollowing"),
    ],
)
def test_tools_that_need_a_login_refuse_without_one(config, call, action):
    domain = Posting(dict(config, authenticated=False))
    before = domain.state_dict()
    assert run(domain, call) == [
        f'{{"error": "User not authenticated. Please authenticate before {action}."}}'
    ]
    assert domain.state_dict() == before


def test_post_tweet_uses_and_advances_the_counter(posting):
    Transcript(posting).expect(r"""
        post_tweet(content='Hello', tags=['#hi']) -> {"id": 6, "username": "ana", "content": "Hello", "tags": ["#hi"], "mentions": []}
        post_tweet('Again', [], ['@ben']) -> {"id": 7, "username": "ana", "content": "Again", "tags": [], "mentions": ["@ben"]}
        """)  # noqa: E501
    assert posting.tweet_counter == 8
    assert run(posting, "get_tweet(7)") == [
        '{"id": 7, "username": "ana", "content": "Again", "tags": [], "mentions": ["@ben"]}'
    ]


def test_new_tweets_do_not_share_mention_lists():
    domain = Posting({"authenticated": True})
    run(
        domain,
        "[post_tweet(content='a'), post_tweet(content='b'), mention(tweet_id=0, mentioned_usernames=['@x'])]",
    )
    assert domain.tweets[0]["mentions"] == ["@x"]
    assert domain.tweets[1]["mentions"] == []
    run(domain, "post_tweet(content='c')")
    assert domain.tweets[2]["mentions"] == []


def test_tweets_do_not_alias_the_callers_lists(posting):
    tags = ["#mine"]
    ToolRouter([posting]).run({"name": "post_tweet", "arguments": {"content": "x", "tags": tags}})
    tags.append("#changed")
    assert posting.tweets[6]["tags"] == ["#mine"]


def test_retweet_once(posting):
    Transcript(posting).expect(r"""
        retweet(tweet_id=1) -> {"retweet_status": "Successfully retweeted"}
        retweet(tweet_id=1) -> {"retweet_status": "Already retweeted"}
        """)
    assert posting.retweets == {"ben": [0], "ana": [1]}


def test_mention_extends_and_fails_like_bfcl_on_a_tweet_without_mentions(posting):
    assert run(posting, "mention(tweet_id=0, mentioned_usernames=['@a', '@b'])") == [
        '{"mention_status": "Users mentioned successfully"}'
    ]
    assert posting.tweets[0]["mentions"] == ["@coach", "@a", "@b"]
    posting.tweets[1].pop("mentions")
    assert run(posting, "mention(tweet_id=1, mentioned_usernames=['@a'])") == [
        "Error during execution: 'mentions'"
    ]


def test_follow_list_and_unfollow(posting):
    Transcript(posting).expect(r"""
        follow_user(username_to_follow='ben') -> {"follow_status": false}
        follow_user(username_to_follow='cy') -> {"follow_status": true}
        list_all_following() -> {"following_list": ["ben", "cy"]}
        unfollow_user(username_to_unfollow='zed') -> {"unfollow_status": false}
        unfollow_user(username_to_unfollow='ben') -> {"unfollow_status": true}
        """)
    assert posting.following_list == ["cy"]


def test_reading_and_search(posting):
    Transcript(posting).expect(r"""
        get_user_tweets(username='ben') -> [{'id': 1, 'username': 'ben', 'content': 'New fitness gear review', 'tags': ['#Gear'], 'mentions': []}, {'id': 5, 'username': 'ben', 'content': 'Coffee time', 'tags': ['#fitness'], 'mentions': []}]
        get_user_tweets(username='nobody') -> []
        """)  # noqa: E501
    # Text matches case-insensitively as a substring; tags only as a whole tag.
    assert [t["id"] for t in posting.search_tweets("FITNESS")] == [1]
    assert [t["id"] for t in posting.search_tweets("#FITNESS")] == [0, 5]
    assert posting.search_tweets("#fit") == []


def test_user_stats(posting):
    Transcript(posting).expect(r"""
        get_user_stats(username='ana') -> {"tweet_count": 1, "following_count": 1, "retweet_count": 0}
        # Following counts are only known for the account's own user.
        get_user_stats(username='ben') -> {"tweet_count": 2, "following_count": 0, "retweet_count": 1}
        """)


def test_scripted_session_matches_bfcl(config):
    """Success, failure and quirk paths of every tool, compared with bfcl-eval call by call."""
    turns = [
        [
            "get_tweet_comments(tweet_id=1)",
            "post_tweet(content='logged out?')",
            "authenticate_twitter(username='ana', password='nope')",
            "posting_get_login_status()",
            "get_user_stats(username='ana')",
        ],
        [
            "post_tweet(content='Fitness update', tags=['#Fitness'], mentions=['@ben'])",
            "comment(tweet_id=1, comment_content='Great')",
            "get_tweet_comments(tweet_id=1)",
            "comment(tweet_id=42, comment_content='x')",
            "retweet(tweet_id=5)",
            "retweet(tweet_id=5)",
            "retweet(tweet_id=42)",
            "mention(tweet_id=6, mentioned_usernames=['@cy'])",
            "mention(tweet_id=42, mentioned_usernames=['@cy'])",
        ],
        [
            "follow_user(username_to_follow='ben')",
            "follow_user(username_to_follow='dee')",
            "unfollow_user(username_to_unfollow='ben')",
            "unfollow_user(username_to_unfollow='ben')",
            "list_all_following()",
            "get_tweet(tweet_id=6)",
            "get_tweet(tweet_id=42)",
            "get_user_tweets(username='ana')",
            "search_tweets(keyword='#fitness')",
            "search_tweets(keyword='update')",
            "get_user_stats(username='ana')",
            "get_user_stats(username='ben')",
        ],
    ]
    assert bfcl_script_differences("posting", dict(config, authenticated=False), turns[:1]) == []
    assert bfcl_script_differences("posting", config, turns[1:]) == []
