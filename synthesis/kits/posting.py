"""Synthesis kit for social posting: varied accounts and feeds, and the posts, replies and names a user types.

Every feed post is about its own topic, so a topic word or hashtag finds exactly one post: a search
result is then something a user can point at ("the post about sourdough") without knowing its id.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any, cast

from funreason_envs.domains.base import Domain
from funreason_envs.domains.posting import Posting
from funreason_envs.synthesis.kits import DomainKit, load_phrasebook
from funreason_envs.synthesis.kits.grammar import Grammar, sentence
from funreason_envs.synthesis.kits.id_words import with_id_words
from funreason_envs.synthesis.kits.people import distinct, handle, password

# topic word -> (hashtags, post texts); the word occurs in every text of its topic and in no other.
TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "marathon": (
        ("#running", "#marathon"),
        ("Finished my first half marathon today, legs are jelly!", "Marathon training week 6 done."),
    ),
    "sourdough": (
        ("#baking", "#sourdough"),
        ("Third attempt at sourdough and it finally rose.", "My sourdough starter turns one today."),
    ),
    "telescope": (
        ("#astronomy", "#stargazing"),
        ("Saw the rings of Saturn through my new telescope!", "Clear skies tonight, telescope is out."),
    ),
    "tomatoes": (
        ("#gardening", "#homegrown"),
        ("The balcony tomatoes are finally turning red.", "Picked two kilos of tomatoes this morning."),
    ),
    "espresso": (
        ("#coffee", "#barista"),
        ("Dialed in the espresso grinder at last.", "Nothing beats a Sunday espresso on the terrace."),
    ),
    "hiking": (
        ("#outdoors", "#trails"),
        ("Hiking the ridge trail before sunrise was worth it.", "Packed for a weekend of hiking."),
    ),
    "chess": (
        ("#chess", "#boardgames"),
        ("Won a chess game with a queen sacrifice!", "Chess club meets on Thursday, newcomers welcome."),
    ),
    "podcast": (
        ("#podcast", "#audio"),
        ("New podcast episode is out: we talk about city parks.", "Recording the podcast tonight."),
    ),
    "guitar": (
        ("#music", "#guitar"),
        ("Learned a new fingerstyle piece on the guitar.", "Restrung my old guitar, sounds brand new."),
    ),
    "recycling": (
        ("#zerowaste", "#recycling"),
        ("Our street starts a recycling pilot next week.", "Sorted a month of recycling in one go."),
    ),
    "robotics": (
        ("#robotics", "#stem"),
        ("The school robotics team made it to the finals!", "Soldering the robotics kit all afternoon."),
    ),
    "watercolor": (
        ("#art", "#watercolor"),
        ("First watercolor landscape I am proud of.", "Watercolor class was all about skies today."),
    ),
}
# What a user posts and replies, from situation parts; `fresh_post` drops texts holding a feed topic word.
POST_GRAMMAR: Grammar = {
    "post": (
        "{news} {feeling}",
        "{news}",
        "{question}",
        "{news} {question}",
        "{thanks}",
        "{plan} {feeling}",
    ),
    "news": (
        "Just {achievement}!",
        "Finally {achievement}.",
        "Spent {time_span} {activity}.",
        "{place_news}",
        "{group_news}",
        "After {count} tries I {achievement}.",
    ),
    "achievement": (
        "passed my driving test",
        "finished my first 10k",
        "moved into the new flat",
        "got the job offer",
        "fixed the leaking tap myself",
        "read fifty books this year",
        "launched my online shop",
        "learned to make fresh pasta",
        "adopted a rescue dog",
        "painted the kitchen",
        "submitted my thesis",
    ),
    "activity": (
        "volunteering at the animal shelter",
        "repairing my old bike",
        "clearing out the garage",
        "teaching my nephew to swim",
        "at the flea market",
        "building a bookshelf",
        "learning the ukulele",
        "walking along the canal",
    ),
    "time_span": ("the whole morning", "all weekend", "three hours", "my lunch break", "the evening"),
    "place_news": (
        "The farmers market had the best peaches today.",
        "The new library reopens on {day}, finally.",
        "The corner bakery is giving away free coffee this week.",
        "The city pool was packed this morning.",
        "Our local cinema now shows old classics on Sundays.",
        "The park by the river has a new playground.",
    ),
    "group_news": (
        "Our team shipped the release a day early.",
        "Our five-a-side team won the regional cup!",
        "Our book club turns five this week.",
        "Our neighbourhood association raised enough for the new playground.",
        "Our choir is looking for new members.",
        "My brother's band played its first concert.",
        "The school fundraiser beat its target by noon.",
    ),
    "question": (
        "Anyone have tips for {topic}?",
        "Who else is going to {event} on {day}?",
        "Can anyone recommend {recommend}?",
        "What should I read next?",
    ),
    "topic": (
        "a rainy weekend in the city",
        "getting up earlier",
        "a first trip to Lisbon",
        "cheap meal prep",
    ),
    "event": ("the summer festival", "the street fair", "the charity run", "the open-air cinema"),
    "recommend": (
        "a good dentist nearby",
        "a quiet café to work from",
        "a podcast for long drives",
        "a plumber",
    ),
    "plan": (
        "Booked tickets for {event}.",
        "Heading to {destination} for {duration}.",
        "Starting a new job on {day}.",
        "Trying a new recipe tonight.",
    ),
    "destination": (
        "the coast",
        "the mountains",
        "my grandparents' farm",
        "Barcelona",
        "a cabin by the lake",
    ),
    "duration": ("the weekend", "a week", "ten days", "the holidays"),
    "thanks": (
        "Grateful for everyone who came {occasion}.",
        "Thank you all for the kind messages {moment}.",
    ),
    "occasion": (
        "to the meetup yesterday",
        "to the launch party",
        "to help with the move",
        "to the bake sale",
    ),
    "moment": ("on my birthday", "after the move", "this week", "about the new job"),
    "feeling": (
        "Wish me luck.",
        "So happy right now.",
        "Feeling proud.",
        "Still smiling.",
        "What a day.",
        "",
    ),
    "count": ("three", "four", "five", "six"),
    "day": ("Monday", "Friday", "Saturday", "Sunday", "the weekend"),
}
REPLY_GRAMMAR: Grammar = {
    "reply": ("{cheer}", "{cheer} {extra}", "{question}", "{cheer} {question}"),
    "cheer": (
        "Congratulations, well deserved!",
        "This made my day.",
        "Love this, thanks for sharing!",
        "Looks amazing!",
        "Great progress, keep going!",
        "So happy for you!",
        "You nailed it.",
        "Well done, that is huge.",
        "What a great idea.",
        "Ha, I know that feeling.",
    ),
    "extra": (
        "Count me in next time.",
        "Saving this for later.",
        "Cannot wait to hear more.",
        "We should celebrate soon.",
        "My {relative} will love this.",
    ),
    "question": (
        "How long did it take?",
        "Where was this?",
        "Any photos?",
        "Can I join next time?",
        "Need the recipe, please!",
        "What's next?",
    ),
    "relative": ("sister", "dad", "flatmate", "kids", "grandmother"),
}
FRESH_TAGS = (
    "#weekend", "#life", "#news", "#community", "#goals", "#thankful", "#update", "#diy", "#family",
    "#milestone", "#localbusiness", "#dogsofinstagram", "#bookclub", "#newjob", "#summer", "#foodie",
)  # fmt: skip


def scenario(rng: random.Random) -> dict[str, Any]:
    """An account (logged in or not) following a few people, and a feed of posts on distinct topics."""
    me, *others = distinct(rng, handle, 6)
    following = rng.sample(others, rng.randint(1, 4))
    first = rng.choice([0, 0, 3, 10])
    tweets: dict[str, Any] = {}
    for offset, topic in enumerate(rng.sample(sorted(TOPICS), rng.choice([0, 0, 0, 2, 3, 4, 5]))):
        tags, texts = TOPICS[topic]
        mentions = [f"@{rng.choice(others)}"] if rng.random() < 0.3 else []
        tweets[str(first + offset)] = {
            "id": first + offset,
            "username": me if rng.random() < 0.1 else rng.choice([rng.choice(others), *following]),
            "content": rng.choice(texts),
            "tags": rng.sample(tags, rng.randint(0, 2)),
            "mentions": mentions,
        }
    return {
        "username": me,
        "password": password(rng),
        "authenticated": rng.random() < 0.25,
        "tweets": tweets,
        "comments": {},
        "retweets": {},
        "following_list": following,
        "tweet_counter": first + len(tweets),
    }


def _posting(domains: Mapping[str, Domain]) -> Posting:
    return cast(Posting, domains["posting"])


def _topic_words(domains: Mapping[str, Domain]) -> list[str]:
    """Topic words and hashtags that find exactly one post right now."""
    account = _posting(domains)
    words = [word for word in TOPICS if len(account.search_tweets(word)) == 1]
    tags = dict.fromkeys(tag for tweet in account.tweets.values() for tag in tweet["tags"])
    return words + [tag for tag in tags if len(account.search_tweets(tag)) == 1]


def search_keyword(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """A topic word or hashtag that finds exactly one post (any topic word when none does)."""
    return rng.choice(_topic_words(domains) or sorted(TOPICS))


def single_author(rng: random.Random, domains: Mapping[str, Domain]) -> str | None:
    """Sometimes an author (not the account) with exactly one post, so "the post by X" is one post;
    otherwise None, so the sampler can take a person an earlier result named ("the author of post 3")."""
    account = _posting(domains)
    authors = [tweet["username"] for tweet in account.tweets.values()]
    once = sorted({name for name in authors if authors.count(name) == 1 and name != account.username})
    return rng.choice(once) if once and rng.random() < 0.4 else None


def someone_new(rng: random.Random, domains: Mapping[str, Domain]) -> str | None:
    """Sometimes someone the account does not follow yet; otherwise None, so the sampler can take a
    person an earlier result named."""
    account = _posting(domains)
    if rng.random() >= 0.15:
        return None
    while True:
        name = handle(rng)
        if name not in account.following_list and name != account.username:
            return name


def someone_followed(rng: random.Random, domains: Mapping[str, Domain]) -> str | None:
    """Sometimes someone the account follows; otherwise None, so the sampler can take a person an
    earlier result named."""
    following = list(_posting(domains).following_list)
    return rng.choice(following) if following and rng.random() < 0.2 else None


def handles(rng: random.Random, domains: Mapping[str, Domain]) -> list[str]:
    """One or two '@' handles of people other than the account."""
    account = _posting(domains)
    people = [name for name in distinct(rng, handle, 3) if name != account.username]
    return [f"@{name}" for name in people[: rng.randint(1, 2)]]


def senseless(tool: str, arguments: Mapping[str, Any], domain: Domain) -> str | None:
    """A user does not follow or mention their own account, nor mention someone a post already
    mentions."""
    posting = cast(Posting, domain)
    own = posting.username.lstrip("@").lower()
    if tool == "follow_user" and str(arguments.get("username_to_follow", "")).lstrip("@").lower() == own:
        return "follow_user follows the user's own account"
    named = arguments.get("mentioned_usernames") or arguments.get("mentions") or []
    named = [named] if isinstance(named, str) else named
    names = [str(name).lstrip("@").lower() for name in named]
    if tool in ("mention", "post_tweet") and own in names:
        return f"{tool} mentions the user's own account"
    if tool == "mention":
        tweet = posting.tweets.get(arguments.get("tweet_id"), {})
        already = {str(name).lstrip("@").lower() for name in tweet.get("mentions", ())}
        if already & set(names):
            return f"mention names someone post {arguments.get('tweet_id')} already mentions"
    return None


def fresh_post(rng: random.Random, domains: Mapping[str, Domain]) -> str:
    """A new post composed from the grammar, holding no feed topic word (a search for one still finds
    one post)."""
    while True:
        text = sentence(rng, POST_GRAMMAR, "post").strip()
        if not any(word in text.lower() for word in TOPICS):
            return text


KIT = DomainKit(
    domain="posting",
    scenario=scenario,
    values={
        "authenticate_twitter.username": lambda rng, domains: _posting(domains).username,
        "authenticate_twitter.password": lambda rng, domains: _posting(domains).password,
        # None at times: then the text may come from an earlier result ("post the content of notes.txt").
        "post_tweet.content": lambda rng, domains: fresh_post(rng, domains) if rng.random() < 0.7 else None,
        "post_tweet.tags": lambda rng, domains: rng.sample(FRESH_TAGS, rng.randint(1, 2)),
        "post_tweet.mentions": handles,
        "mention.mentioned_usernames": handles,
        "comment.comment_content": lambda rng, domains: sentence(rng, REPLY_GRAMMAR, "reply"),
        "search_tweets.keyword": search_keyword,
        "get_user_tweets.username": single_author,
        "follow_user.username_to_follow": someone_new,
        "unfollow_user.username_to_unfollow": someone_followed,
        "posting_username": lambda rng, domains: handle(rng),
        "text": fresh_post,
    },
    phrases=with_id_words(load_phrasebook("posting"), "posting", "tweet_id", "post {}"),
    senseless=senseless,
)
