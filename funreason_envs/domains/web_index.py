"""A BM25 search engine over the offline web: ranked results with snippets, a page of them at a time.

Titles count twice (a page about a thing is usually titled with it). Ties keep the corpus order, so
results are deterministic. Snippets are the window of body text holding most of the query's words.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from funreason_envs.domains.web_pages import Page, build_web

K1 = 1.2
B = 0.75
SNIPPET_WORDS = 28
_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    """Lower-case words and numbers; thousands separators are dropped so 12,500 matches 12500."""
    return _TOKEN.findall(re.sub(r"(?<=\d),(?=\d{3})", "", text.lower()))


@dataclass(frozen=True)
class Hit:
    """One search result: the page, its score and a snippet of its text."""

    page: Page
    score: float
    snippet: str


@dataclass(frozen=True)
class ResultPage:
    """One page of results, how many pages matched in all, and which page of results this is."""

    hits: list[Hit]
    total: int
    page: int
    per_page: int

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


class SearchIndex:
    """An inverted index of pages scored with Okapi BM25."""

    def __init__(self, pages: list[Page]) -> None:
        self.pages = pages
        self.postings: dict[str, list[tuple[int, int]]] = {}
        self.lengths: list[int] = []
        for number, page in enumerate(pages):
            words = tokens(page.title) * 2 + tokens(page.text())
            self.lengths.append(len(words))
            for word, count in Counter(words).items():
                self.postings.setdefault(word, []).append((number, count))
        self.average = sum(self.lengths) / max(1, len(self.lengths))

    def idf(self, word: str) -> float:
        found = len(self.postings.get(word, ()))
        return math.log(1 + (len(self.pages) - found + 0.5) / (found + 0.5))

    def scores(self, query: str) -> dict[int, float]:
        """BM25 score of every page sharing a word with the query."""
        totals: dict[int, float] = {}
        for word in dict.fromkeys(tokens(query)):
            weight = self.idf(word)
            for number, count in self.postings.get(word, ()):
                norm = K1 * (1 - B + B * self.lengths[number] / self.average)
                totals[number] = totals.get(number, 0.0) + weight * count * (K1 + 1) / (count + norm)
        return totals

    def search(self, query: str, page: int = 1, per_page: int = 10) -> ResultPage:
        """Results `per_page` at a time, best first; `page` counts from 1."""
        if page < 1 or per_page < 1:
            raise ValueError(f"page and per_page must be at least 1, got page={page}, per_page={per_page}")
        ranked = sorted(self.scores(query).items(), key=lambda item: (-item[1], item[0]))
        start = (page - 1) * per_page
        chosen = ranked[start : start + per_page]
        hits = [Hit(self.pages[n], round(score, 4), snippet(self.pages[n], query)) for n, score in chosen]
        return ResultPage(hits, len(ranked), page, per_page)


def snippet(page: Page, query: str) -> str:
    """The stretch of the page's body holding most query words, with '...' where text was cut."""
    wanted = set(tokens(query))
    words = page.text().split("\n", 1)[-1].split()
    if len(words) <= SNIPPET_WORDS:
        return " ".join(words)
    marks = [1 if set(tokens(word)) & wanted else 0 for word in words]
    window = sum(marks[:SNIPPET_WORDS])
    best, best_start = window, 0
    for start in range(1, len(words) - SNIPPET_WORDS + 1):
        window += marks[start + SNIPPET_WORDS - 1] - marks[start - 1]
        if window > best:
            best, best_start = window, start
    text = " ".join(words[best_start : best_start + SNIPPET_WORDS])
    before = "... " if best_start else ""
    after = " ..." if best_start + SNIPPET_WORDS < len(words) else ""
    return f"{before}{text}{after}"


@lru_cache(maxsize=4)
def web_index(seed: int = 0) -> SearchIndex:
    """The search index of the web of `seed`, built once per process."""
    return SearchIndex(list(build_web(seed).pages.values()))
