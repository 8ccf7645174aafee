"""The pages of the offline web: the world of `web_world` written up on a handful of made-up sites.

Encyclopedia articles (orbipedia.org) hold the current facts; archived copies hold stale ones, forum
threads disagree, news reports and company sites repeat facts in other words, list pages link things
together. Some links are dead and some sites are slow (fetching them times out), as on the real web.
A page is built as paragraphs of text and links and rendered as HTML, Markdown or plain text.
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass, field
from functools import lru_cache

from funreason_envs.domains.web_world import Entity, World, build_world

WIKI = "https://www.orbipedia.org/wiki/"
ARCHIVE = "https://archive.orbipedia.org/2019/wiki/"
NEWS = "https://news.dailyquill.com/"
FORUM = "https://forum.talkhollow.net/t/"
SLOW_SHARE = 7  # every 7th company site and forum thread is slow
DEAD_SHARE = 5  # every 5th news report links to a report that was taken down

Fragment = str | tuple[str, str]  # plain text, or (link text, url)


@dataclass
class Page:
    """One page: where it lives, its title, paragraphs of text and links, and whether it is slow."""

    url: str
    title: str
    site: str
    paragraphs: list[list[Fragment]] = field(default_factory=list)
    date: str = ""
    slow: bool = False

    def links(self) -> list[str]:
        return [part[1] for paragraph in self.paragraphs for part in paragraph if isinstance(part, tuple)]

    def text(self) -> str:
        """The readable text, one paragraph a line (what search indexes and `truncate` returns)."""
        lines = [self.title, f"Published {self.date}"] if self.date else [self.title]
        lines += ["".join(_plain(part) for part in paragraph) for paragraph in self.paragraphs]
        return "\n".join(lines)

    def markdown(self) -> str:
        """The page as Markdown: a heading, then paragraphs with `[text](url)` links."""
        body = ["".join(_md(part) for part in paragraph) for paragraph in self.paragraphs]
        dated = [f"_Published {self.date}_"] if self.date else []
        return "\n\n".join([f"# {self.title}", *dated, *body]) + "\n"

    def html(self) -> str:
        """The page as HTML, with the site's style sheet, tracking script and navigation around it."""
        paragraphs = "\n".join(
            f"<p>{''.join(_html(part) for part in paragraph)}</p>" for paragraph in self.paragraphs
        )
        dated = f'<p class="date">Published {html.escape(self.date)}</p>\n' if self.date else ""
        return (
            f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(self.title)}</title>\n'
            f"<style>body{{font-family:serif;max-width:40em}} .date{{color:#666}}</style>\n"
            f"<script>window.analytics=window.analytics||[];analytics.push(['page','{self.site}']);</script>\n"
            f'</head><body>\n<nav><a href="https://{self.site}/">{html.escape(self.site)}</a></nav>\n'
            f"<h1>{html.escape(self.title)}</h1>\n{dated}{paragraphs}\n</body></html>\n"
        )


@dataclass
class Web:
    """Every page of one world by url, in a fixed order."""

    world: World
    pages: dict[str, Page]


def _plain(part: Fragment) -> str:
    return part if isinstance(part, str) else part[0]


def _md(part: Fragment) -> str:
    return part if isinstance(part, str) else f"[{part[0]}]({part[1]})"


def _html(part: Fragment) -> str:
    if isinstance(part, str):
        return html.escape(part)
    return f'<a href="{html.escape(part[1])}">{html.escape(part[0])}</a>'


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_")


def wiki_url(entity: Entity) -> str:
    return WIKI + slug(entity.name)


def company_site(entity: Entity) -> str:
    return f"https://www.{slug(entity.name).lower().replace('_', '')}.com/about"


def indefinite(word: str) -> str:
    """`word` after its indefinite article ("an engineer", "a chemist")."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def number(value: int | str) -> str:
    return f"{value:,}" if isinstance(value, int) else value


@lru_cache(maxsize=4)
def build_web(seed: int = 0) -> Web:
    """The pages of the world of `seed` (cached per seed; treat as read-only)."""
    world = build_world(seed)
    rng = random.Random(f"web-pages-{seed}")
    pages: dict[str, Page] = {}
    writer = _Writer(world, pages)
    for entity in world.entities.values():
        writer.article(entity)
    for index, company in enumerate(world.of_kind("company")):
        writer.company_site(company, slow=index % SLOW_SHARE == 3)
        writer.company_archive(company)
        writer.company_news(company, rng)
    for city in world.of_kind("city"):
        writer.city_archive(city)
        writer.city_lists(city)
    for index, event in enumerate(world.of_kind("event")):
        writer.event_news(event, dead=index % DEAD_SHARE == 2)
    writer.forum(rng)
    return Web(world, pages)


class _Writer:
    """Writes pages about entities into `pages`; reverse relations (who founded what) are found once."""

    def __init__(self, world: World, pages: dict[str, Page]) -> None:
        self.world = world
        self.pages = pages
        self.reverse: dict[tuple[str, str], list[Entity]] = {}
        for entity in world.entities.values():
            for relation, key in entity.links.items():
                self.reverse.setdefault((key, relation), []).append(entity)

    def add(self, page: Page) -> None:
        self.pages[page.url] = page

    def ref(self, entity: Entity) -> tuple[str, str]:
        return (entity.name, wiki_url(entity))

    def linked(self, entity: Entity, relation: str) -> Entity:
        return self.world.linked(entity, relation)

    def of(self, entity: Entity, relation: str) -> list[Entity]:
        return self.reverse.get((entity.key, relation), [])

    def article(self, entity: Entity) -> None:
        write = getattr(self, f"_{entity.kind}_article")
        self.add(Page(wiki_url(entity), f"{entity.name} - Orbipedia", "www.orbipedia.org", write(entity)))

    def _country_article(self, country: Entity) -> list[list[Fragment]]:
        cities = self.of(country, "country")
        listed: list[Fragment] = [f"{country.name} is a country with a population of "]
        listed.append(f"{number(country.facts['population'])}. Its cities include ")
        for position, city in enumerate(cities):
            listed += [", " if position else "", self.ref(city)]
        return [[*listed, "."]]

    def _city_article(self, city: Entity) -> list[list[Fragment]]:
        facts = city.facts
        return [
            [
                f"{city.name} is a city in ",
                self.ref(self.linked(city, "country")),
                f", founded in {facts['founded']}. It has a population of {number(facts['population'])}.",
            ],
            ["The current mayor of ", city.name, " is ", self.ref(self.linked(city, "mayor")), "."],
            [
                "See also: ",
                (f"Companies based in {city.name}", WIKI + f"Companies_based_in_{slug(city.name)}"),
                " and ",
                (f"People born in {city.name}", WIKI + f"People_born_in_{slug(city.name)}"),
                ".",
            ],
        ]

    def _person_article(self, person: Entity) -> list[list[Fragment]]:
        facts = person.facts
        paragraphs: list[list[Fragment]] = [
            [
                f"{person.name} (born {facts['born']}) is an {facts['occupation']}"
                if str(facts["occupation"])[0] in "aeiou"
                else f"{person.name} (born {facts['born']}) is {indefinite(facts['occupation'])}",
                " born in ",
                self.ref(self.linked(person, "birthplace")),
                ". They work at ",
                self.ref(self.linked(person, "employer")),
                ".",
            ]
        ]
        roles = [
            ("founder", "founded "),
            ("ceo", "is the chief executive of "),
            ("mayor", "is the mayor of "),
        ]
        for relation, phrase in roles:
            for other in self.of(person, relation):
                paragraphs.append([f"{person.name} {phrase}", self.ref(other), "."])
        for event in self.of(person, "keynote"):
            paragraphs.append([f"{person.name} gave the keynote at the ", self.ref(event), "."])
        return paragraphs

    def _company_article(self, company: Entity) -> list[list[Fragment]]:
        facts = company.facts
        return [
            [
                f"{company.name} is {indefinite(facts['industry'])} company "
                f"founded in {facts['founded']} by ",
                self.ref(self.linked(company, "founder")),
                ". It is headquartered in ",
                self.ref(self.linked(company, "headquarters")),
                f" and is best known for its {facts['product']}.",
            ],
            [
                "Its chief executive is ",
                self.ref(self.linked(company, "ceo")),
                ", who succeeded ",
                self.ref(self.linked(company, "former_ceo")),
                f". As of 2026 the company employs {number(facts['employees'])} people.",
            ],
            ["Official website: ", (company_site(company), company_site(company)), "."],
        ]

    def _event_article(self, event: Entity) -> list[list[Fragment]]:
        facts = event.facts
        return [
            [
                f"The {event.name} is an event first held in {facts['year']} in ",
                self.ref(self.linked(event, "host_city")),
                ". It is organised by ",
                self.ref(self.linked(event, "organizer")),
                ".",
            ],
            [
                f"The first {event.name} drew {number(facts['attendance'])} attendees; ",
                "the keynote was given by ",
                self.ref(self.linked(event, "keynote")),
                ".",
            ],
        ]

    def company_site(self, company: Entity, slow: bool) -> None:
        facts = company.facts
        staff = number(int(facts["employees"]) // 100 * 100)
        text: list[Fragment] = [
            f"About us. Since {facts['founded']}, {company.name} has made {facts['product']} for customers "
            f"around the world. Our team of more than {staff} people is led by ",
            self.ref(self.linked(company, "ceo")),
            ".",
        ]
        url = company_site(company)
        self.add(Page(url, f"About {company.name}", url.split("/")[2], [text], slow=slow))

    def company_archive(self, company: Entity) -> None:
        facts = company.facts
        paragraphs: list[list[Fragment]] = [
            ["This is an archived copy of the article from March 2019. It may be out of date."],
            [
                f"{company.name} is {indefinite(facts['industry'])} company founded in {facts['founded']}. ",
                "Its chief executive is ",
                self.ref(self.linked(company, "former_ceo")),
                f". The company employs {number(facts['former_employees'])} people.",
            ],
        ]
        url = ARCHIVE + slug(company.name)
        self.add(
            Page(
                url,
                f"{company.name} - Orbipedia (archived)",
                "archive.orbipedia.org",
                paragraphs,
                "2019-03-14",
            )
        )

    def city_archive(self, city: Entity) -> None:
        old = int(int(city.facts["population"]) * 0.93)
        paragraphs: list[list[Fragment]] = [
            ["This is an archived copy of the article from March 2019. It may be out of date."],
            [
                f"{city.name} is a city in ",
                self.ref(self.linked(city, "country")),
                f" with a population of {number(old)}.",
            ],
        ]
        url = ARCHIVE + slug(city.name)
        self.add(
            Page(
                url, f"{city.name} - Orbipedia (archived)", "archive.orbipedia.org", paragraphs, "2019-03-14"
            )
        )

    def city_lists(self, city: Entity) -> None:
        for title, relation, kind in (
            (f"Companies based in {city.name}", "headquarters", "company"),
            (f"People born in {city.name}", "birthplace", "person"),
        ):
            members = self.of(city, relation)
            paragraphs: list[list[Fragment]] = [
                [f"This list has {len(members)} entries about ", self.ref(city), "."]
            ]
            paragraphs += [[self.ref(member)] for member in members if member.kind == kind]
            self.add(Page(WIKI + slug(title), f"{title} - Orbipedia", "www.orbipedia.org", paragraphs))

    def company_news(self, company: Entity, rng: random.Random) -> None:
        ceo = self.linked(company, "ceo")
        year = rng.randrange(2020, 2026)
        paragraphs: list[list[Fragment]] = [
            [
                self.ref(company),
                " has named ",
                self.ref(ceo),
                " as chief executive, replacing ",
                self.ref(self.linked(company, "former_ceo")),
                f". The {company.facts['industry']} firm, based in ",
                self.ref(self.linked(company, "headquarters")),
                ", did not comment on staff numbers.",
            ]
        ]
        url = f"{NEWS}{year}/{slug(company.name).lower()}-names-new-chief"
        self.add(
            Page(
                url,
                f"{company.name} names {ceo.name} chief executive",
                "news.dailyquill.com",
                paragraphs,
                f"{year}-0{rng.randrange(1, 10)}-1{rng.randrange(0, 10)}",
            )
        )

    def event_news(self, event: Entity, dead: bool) -> None:
        facts = event.facts
        city = self.linked(event, "host_city")
        paragraphs: list[list[Fragment]] = [
            [
                f"Crowds of {number(facts['attendance'])} came to {city.name} for the first ",
                self.ref(event),
                ", organised by ",
                self.ref(self.linked(event, "organizer")),
                ". The keynote speaker was ",
                self.ref(self.linked(event, "keynote")),
                ".",
            ]
        ]
        if dead:
            paragraphs.append(
                [
                    "Related: ",
                    (
                        "Organisers promise a bigger sequel",
                        f"{NEWS}{facts['year']}/{slug(event.name).lower()}-sequel",
                    ),
                    ".",
                ]
            )
        url = f"{NEWS}{facts['year']}/{slug(event.name).lower()}-opens"
        self.add(
            Page(
                url,
                f"{event.name} opens in {city.name}",
                "news.dailyquill.com",
                paragraphs,
                f"{facts['year']}-06-0{1 + int(facts['year']) % 9}",
            )
        )

    def forum(self, rng: random.Random) -> None:
        """Threads where someone remembers a fact wrongly (off by a few years or a few percent)."""
        companies = self.world.of_kind("company")
        people = self.world.of_kind("person")
        for number_, company in enumerate(rng.sample(companies, len(companies) // 2)):
            wrong = int(company.facts["founded"]) + rng.choice((-3, -2, -1, 1, 2, 4))
            text: list[Fragment] = [
                f"Pretty sure {company.name} was founded in {wrong}, back when ",
                self.ref(self.linked(company, "founder")),
                " still ran it from a garage.",
            ]
            self._thread(number_, f"When was {company.name} founded?", text, rng)
        for number_, person in enumerate(rng.sample(people, len(people) // 4), start=len(companies)):
            wrong = int(person.facts["born"]) + rng.choice((-2, -1, 1, 3))
            text = [
                f"{person.name} was born in {wrong} I think, and grew up in ",
                self.ref(self.linked(person, "birthplace")),
                ".",
            ]
            self._thread(number_, f"How old is {person.name}?", text, rng)

    def _thread(self, number_: int, title: str, text: list[Fragment], rng: random.Random) -> None:
        url = f"{FORUM}{1000 + number_}-{slug(title).lower()}"
        date = f"20{rng.randrange(10, 26)}-1{rng.randrange(0, 3)}-2{rng.randrange(0, 9)}"
        slow = number_ % SLOW_SHARE == 5
        self.add(
            Page(
                url, title, "forum.talkhollow.net", [text, ["Reply: not sure, check Orbipedia."]], date, slow
            )
        )
