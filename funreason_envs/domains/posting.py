"""The posting domain: a small Twitter-like service (BFCL's TwitterAPI).

Behaviour, messages and result shapes follow bfcl-eval 2026.3.23. Tweet ids from a config are
converted to int keys, while comment keys are kept as given, so comments loaded from a config are
not found by `get_tweet_comments` (an integer id), exactly as in bfcl-eval. Each new tweet gets its
own `tags` and `mentions` lists (bfcl-eval shares one default list between calls).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from funreason_envs.domains.base import Domain, config_value
from funreason_envs.errors import ConfigError
from funreason_envs.jsonutil import copy_json

DEFAULT_STATE: dict[str, Any] = {
    "username": "john",
    "password": "john123",
    "authenticated": False,
    "tweets": {},
    "comments": {},
    "retweets": {},
    "following_list": ["alice", "bob"],
    "tweet_counter": 0,
}

Tweet = dict[str, Any]


def _login_required(action: str) -> dict[str, str]:
    return {"error": f"User not authenticated. Please authenticate before {action}."}


def _no_tweet(tweet_id: int) -> dict[str, str]:
    return {"error": f"Tweet with ID {tweet_id} not found."}


def _tweets_by_id(tweets: Any) -> dict[int, Tweet]:
    """Config tweets keyed by integer id (configs are JSON, so their keys arrive as strings)."""
    if not isinstance(tweets, Mapping):
        raise ConfigError(
            f"TwitterAPI config: 'tweets' must map tweet ids to tweets, got {type(tweets).__name__}"
        )
    keyed: dict[int, Tweet] = {}
    for key, tweet in tweets.items():
        try:
            keyed[int(key)] = copy_json(tweet)
        except (TypeError, ValueError):
            raise ConfigError(f"TwitterAPI config: tweet key {key!r} is not an integer id") from None
    return keyed


class Posting(Domain):
    """Post, read, search and react to short messages as one logged-in user."""

    username: str
    password: str
    authenticated: bool
    tweets: dict[int, Tweet]
    comments: dict[Any, list[dict[str, str]]]
    retweets: dict[str, list[int]]
    following_list: list[str]
    tweet_counter: int

    def load(self, config: Mapping[str, Any], long_context: bool = False) -> None:
        self.username = config_value(config, "username", DEFAULT_STATE["username"])
        self.password = config_value(config, "password", DEFAULT_STATE["password"])
        self.authenticated = config_value(config, "authenticated", DEFAULT_STATE["authenticated"])
        self.tweets = _tweets_by_id(config.get("tweets", DEFAULT_STATE["tweets"]))
        self.comments = config_value(config, "comments", DEFAULT_STATE["comments"])
        self.retweets = config_value(config, "retweets", DEFAULT_STATE["retweets"])
        self.following_list = config_value(config, "following_list", DEFAULT_STATE["following_list"])
        self.tweet_counter = config_value(config, "tweet_counter", DEFAULT_STATE["tweet_counter"])

    # -- state probes (for the Environment-API graph; not tools) --------------------------------

    def conditions(self) -> set[str]:
        return {"posting_logged_in"} if self.authenticated else set()

    def available_resources(self) -> dict[str, list[Any]]:
        """The ids of the posts that exist, and the '@' handles already in use (people followed and
        people mentioned in posts). Plain usernames and hashtags are not listed: any string is valid
        for them, and a request often names a person through a post instead ("its author")."""
        handles = [f"@{name}" for name in self.following_list]
        handles += [name for tweet in self.tweets.values() for name in tweet.get("mentions", ())]
        return {"tweet_id": list(self.tweets), "mention": list(dict.fromkeys(handles))}

    # -- account ---------------------------------------------------------------------------------

    def authenticate_twitter(self, username: str, password: str) -> dict[str, bool]:
        if username == self.username and password == self.password:
            self.authenticated = True
            return {"authentication_status": True}
        return {"authentication_status": False}

    def posting_get_login_status(self) -> dict[str, bool]:
        return {"login_status": bool(self.authenticated)}

    # -- writing ---------------------------------------------------------------------------------

    def post_tweet(
        self, content: str, tags: Sequence[str] = (), mentions: Sequence[str] = ()
    ) -> Tweet | dict[str, str]:
        if not self.authenticated:
            return _login_required("posting")
        tweet = {
            "id": self.tweet_counter,
            "username": self.username,
            "content": content,
            "tags": list(tags),
            "mentions": list(mentions),
        }
        self.tweets[self.tweet_counter] = tweet
        self.tweet_counter += 1
        return tweet

    def retweet(self, tweet_id: int) -> dict[str, str]:
        if not self.authenticated:
            return _login_required("retweeting")
        if tweet_id not in self.tweets:
            return _no_tweet(tweet_id)
        mine = self.retweets.setdefault(self.username, [])
        if tweet_id in mine:
            return {"retweet_status": "Already retweeted"}
        mine.append(tweet_id)
        return {"retweet_status": "Successfully retweeted"}

    def comment(self, tweet_id: int, comment_content: str) -> dict[str, str]:
        if not self.authenticated:
            return _login_required("commenting")
        if tweet_id not in self.tweets:
            return _no_tweet(tweet_id)
        self.comments.setdefault(tweet_id, []).append({"username": self.username, "content": comment_content})
        return {"comment_status": "Comment added successfully"}

    def mention(self, tweet_id: int, mentioned_usernames: list[str]) -> dict[str, str]:
        if tweet_id not in self.tweets:
            return _no_tweet(tweet_id)
        self.tweets[tweet_id]["mentions"].extend(mentioned_usernames)
        return {"mention_status": "Users mentioned successfully"}

    # -- following -------------------------------------------------------------------------------

    def follow_user(self, username_to_follow: str) -> dict[str, Any]:
        if not self.authenticated:
            return _login_required("following")
        if username_to_follow in self.following_list:
            return {"follow_status": False}
        self.following_list.append(username_to_follow)
        return {"follow_status": True}

    def list_all_following(self) -> dict[str, Any]:
        if not self.authenticated:
            return _login_required("listing following")
        return {"following_list": self.following_list}

    def unfollow_user(self, username_to_unfollow: str) -> dict[str, Any]:
        if not self.authenticated:
            return _login_required("unfollowing")
        if username_to_unfollow not in self.following_list:
            return {"unfollow_status": False}
        self.following_list.remove(username_to_unfollow)
        return {"unfollow_status": True}

    # -- reading ---------------------------------------------------------------------------------

    def get_tweet(self, tweet_id: int) -> Tweet | dict[str, str]:
        if tweet_id not in self.tweets:
            return _no_tweet(tweet_id)
        return self.tweets[tweet_id]

    def get_user_tweets(self, username: str) -> list[Tweet]:
        return [tweet for tweet in self.tweets.values() if tweet["username"] == username]

    def search_tweets(self, keyword: str) -> list[Tweet]:
        wanted = keyword.lower()
        return [
            tweet
            for tweet in self.tweets.values()
            if wanted in tweet["content"].lower() or wanted in [tag.lower() for tag in tweet["tags"]]
        ]

    def get_tweet_comments(self, tweet_id: int) -> list[dict[str, str]] | dict[str, str]:
        if tweet_id not in self.tweets:
            return _no_tweet(tweet_id)
        return self.comments.get(tweet_id, [])

    def get_user_stats(self, username: str) -> dict[str, int]:
        return {
            "tweet_count": sum(1 for tweet in self.tweets.values() if tweet["username"] == username),
            "following_count": len(self.following_list) if username == self.username else 0,
            "retweet_count": len(self.retweets.get(username, [])),
        }
