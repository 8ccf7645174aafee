"""`funreason:web_search`: multi-hop questions over the offline web, built by walking its link graph.

A question starts at one named entity and follows two to four articles' links (the founder of a
company, that person's birthplace, that city's mayor) to a fact on the last article. Its ground truth
is the walk itself: one search for the starting name, then one fetch per article along the links. The
answer is scored like BFCL's agentic questions: it must appear in the final reply.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from funreason_envs.domains.web_index import web_index
from funreason_envs.domains.web_pages import build_web, wiki_url
from funreason_envs.domains.web_world import Entity, World
from funreason_envs.tasks.model import GroundTruthCall, Task, write_tasks

CATEGORY = "funreason:web_search"
TASK_COUNT = 120
SEARCH_DEPTH = 10  # the starting article must be among this many results for its name
SYSTEM_PROMPT = (
    "Answer the user's question from the web with the search and fetch tools. Orbipedia "
    "(www.orbipedia.org) articles are the current record; archived copies may be out of date and forum "
    "posts may be wrong. Follow the links between articles, and end with a short answer that states the "
    "exact name or number."
)


@dataclass(frozen=True)
class Step:
    """A relation a question may follow: from which kind, which link, and how a question says it."""

    kind: str
    relation: str
    phrase: str  # "{x}" is the entity the step starts from


STEPS = (
    Step("company", "founder", "the founder of {x}"),
    Step("company", "ceo", "the current chief executive of {x}"),
    Step("company", "headquarters", "the city where {x} is headquartered"),
    Step("person", "birthplace", "the birthplace of {x}"),
    Step("person", "employer", "the employer of {x}"),
    Step("city", "mayor", "the mayor of {x}"),
    Step("city", "country", "the country of {x}"),
    Step("event", "host_city", "the city where the {x} was first held"),
    Step("event", "organizer", "the organiser of the {x}"),
    Step("event", "keynote", "the keynote speaker at the first {x}"),
)
ASKS = {  # kind -> (fact, question); "{x}" is the entity the question ends on
    "person": (("born", "In what year was {x} born?"),),
    "company": (
        ("founded", "In what year was {x} founded?"),
        ("employees", "How many people does {x} employ today?"),
    ),
    "city": (
        ("population", "What is the current population of {x}?"),
        ("founded", "In what year was {x} founded?"),
    ),
    "country": (("population", "What is the population of {x}?"),),
    "event": (("attendance", "How many attendees did the first {x} draw?"),),
}


def build_web_tasks(seed: int = 0, count: int = TASK_COUNT) -> list[Task]:
    """`count` questions on the web of `seed`, a third each of two, three and four hops (articles read)."""
    web = build_web(seed)
    rng = random.Random(f"web-tasks-{seed}")
    starts = [entity for entity in web.world.entities.values() if entity.kind != "country"]
    tasks: list[Task] = []
    seen: set[str] = set()
    while len(tasks) < count:
        hops = 2 + len(tasks) % 3
        walk = walk_links(web.world, rng.choice(starts), hops, rng)
        if walk is None or not findable(walk[0][0], seed):
            continue
        task = _task(walk, seed, len(tasks), rng)
        if task.turns[0][0]["content"] not in seen:
            seen.add(task.turns[0][0]["content"])
            tasks.append(task)
    return tasks


def walk_links(
    world: World, start: Entity, hops: int, rng: random.Random
) -> list[tuple[Entity, Step]] | None:
    """`hops - 1` random steps from `start`: (entity, step taken from it); None when a walk gets stuck."""
    walk: list[tuple[Entity, Step]] = []
    entity = start
    for _ in range(hops - 1):
        choices = [step for step in STEPS if step.kind == entity.kind]
        if not choices:
            return None
        step = rng.choice(choices)
        walk.append((entity, step))
        entity = world.linked(entity, step.relation)
        if any(entity is earlier for earlier, _ in walk):
            return None  # a loop back (a founder born in the city they run) reads oddly
    if entity.kind not in ASKS:
        return None
    walk.append((entity, Step(entity.kind, "", "")))
    return walk


def findable(entity: Entity, seed: int) -> bool:
    hits = web_index(seed).search(entity.name, per_page=SEARCH_DEPTH).hits
    return wiki_url(entity) in [hit.page.url for hit in hits]


def _task(walk: list[tuple[Entity, Step]], seed: int, position: int, rng: random.Random) -> Task:
    start, last = walk[0][0], walk[-1][0]
    subject = start.name
    for _, step in walk[:-1]:
        subject = step.phrase.format(x=subject)
    fact, question = rng.choice(ASKS[last.kind])
    text = question.format(x=subject)
    text = text[0].upper() + text[1:]
    calls = [GroundTruthCall(name="search_engine_query", arguments={"keywords": start.name})]
    calls += [
        GroundTruthCall(name="fetch_url_content", arguments={"url": wiki_url(entity), "mode": "markdown"})
        for entity, _ in walk
    ]
    value = last.facts[fact]
    return Task(
        id=f"funreason_web_search_{position:03d}",
        category=CATEGORY,
        domains=["web_search"],
        initial_config={"web_search": {"seed": seed, "show_snippet": True}},
        turns=[[{"role": "user", "content": text}]],
        ground_truth=[calls],
        system_prompt=SYSTEM_PROMPT,
        answers=[str(value)],  # the checker drops commas, so "12,500" in a reply matches "12500"
        metadata={
            "hops": len(walk),
            "path": [entity.name for entity, _ in walk],
            "relations": [step.relation for _, step in walk[:-1]],
            "fact": fact,
        },
    )


def write_web_tasks(path: str | Path, seed: int = 0) -> int:
    """Write the task set as JSONL (how `funreason_web_search.jsonl` is made)."""
    return write_tasks(path, build_web_tasks(seed))


if __name__ == "__main__":
    write_web_tasks(Path(__file__).with_name("data") / "funreason_web_search.jsonl")
