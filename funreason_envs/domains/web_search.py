"""The web search domain: BFCL v4's two web tools over an offline web generated from a seed.

`search_engine_query` ranks the pages of `web_pages` with our BM25 engine (`web_index`) and returns
title, address and snippet like BFCL's search; `fetch_url_content` returns a page as raw HTML,
Markdown or plain text, and fails the way a real fetch does (unknown host, page not found, a slow
site timing out), with BFCL's `{"error": "An error occurred while fetching ..."}` wording.
"""

from __future__ import annotations

import random
from functools import lru_cache
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from funreason_envs.domains.typed import ToolFailure, TypedDomain, tool
from funreason_envs.domains.web_index import web_index
from funreason_envs.domains.web_pages import Page, build_web
from funreason_envs.errors import InvalidUrlError

REGIONS = (
    "xa-ar", "xa-en", "ar-es", "au-en", "at-de", "be-fr", "be-nl", "br-pt", "bg-bg", "ca-en", "ca-fr",
    "ct-ca", "cl-es", "cn-zh", "co-es", "hr-hr", "cz-cs", "dk-da", "ee-et", "fi-fi", "fr-fr", "de-de",
    "gr-el", "hk-tz", "hu-hu", "in-en", "id-id", "id-en", "ie-en", "il-he", "it-it", "jp-jp", "kr-kr",
    "lv-lv", "lt-lt", "xl-es", "my-ms", "my-en", "mx-es", "nl-nl", "nz-en", "no-no", "pe-es", "ph-en",
    "ph-tl", "pl-pl", "pt-pt", "ro-ro", "ru-ru", "sg-en", "sk-sk", "sl-sl", "za-en", "es-es", "se-sv",
    "ch-de", "ch-fr", "ch-it", "tw-tz", "th-th", "tr-tr", "ua-uk", "uk-en", "us-en", "ue-es", "ve-es",
    "vn-vi", "wt-wt",
)  # fmt: skip
Region = Literal[REGIONS]  # type: ignore[valid-type]
MAX_RESULTS = 100
READ_TIMEOUT = 20
NO_RESULTS = "Failed to retrieve the search results from server. Please try again later."

Keywords = Annotated[
    str, Field(min_length=1, examples=["Lenaer Labs chief executive", "Draeford population", "Daken Summit"])
]
ResultCount = Annotated[int, Field(ge=1, le=MAX_RESULTS)]
Url = Annotated[str, Field(min_length=1, examples=["https://www.orbipedia.org/wiki/Draeford"])]


SEARCH_ROW = {
    "title": {"type": "string", "description": "The page's title."},
    "href": {"type": "string", "description": "The page's address."},
    "body": {
        "type": "string",
        "description": "A snippet of the page around the keywords (if snippets are on).",
    },
}


class WebState(BaseModel):
    seed: int = Field(default=0, ge=0, description="Which generated web to browse.")
    show_snippet: bool = True


class WebSearch(TypedDomain):
    """An offline web about a fictional world (people, companies, cities, events): a search engine with
    snippets, and page fetching as HTML, Markdown or plain text. Encyclopedia articles are current;
    archived copies may be stale and forum posts may be wrong; some sites are slow and some links dead."""

    name = "web_search"
    title = "Web search"
    backstories: ClassVar[tuple[str, ...]] = (
        "I'm writing a report and need a few facts checked",
        "a friend and I disagree about something and I want to settle it",
        "I'm preparing questions for a quiz night",
    )
    State = WebState
    resources: ClassVar[dict[str, str]] = {
        "search_keywords": "Words to search the web for.",
        "web_url": "The address of a web page, starting with http:// or https://.",
    }
    user_supplied = ("search_keywords",)
    # no derived kit (a search result names many pages, so graph walks cannot say which a later call took);
    # its conversations come from the agentic builder (synthesis/agentic.py), which walks the link graph
    synthesizable = False
    state: WebState

    @classmethod
    def scenario(cls, rng: random.Random) -> dict[str, Any]:
        """The packaged web; snippets are usually shown, as in BFCL's runs."""
        return {"seed": 0, "show_snippet": rng.random() < 0.9}

    def available_resources(self) -> dict[str, list[Any]]:
        return {"web_url": list(build_web(self.state.seed).pages)}

    @tool(
        consumes={"keywords": "search_keywords"},
        produces={"web_url": "[].href"},
        returns={
            "type": "object",
            "properties": {
                "result": {"type": "array", "items": {"type": "object", "properties": SEARCH_ROW}}
            },
            "description": "The results as a list; on failure an object with a single 'error' message.",
        },
    )
    def search_engine_query(
        self, keywords: Keywords, max_results: ResultCount = 10, region: Region = "wt-wt"
    ) -> list[dict[str, str]]:
        """Search the web for keywords; results come best first with title, address and a snippet.

        Args:
            keywords: The words to search for.
            max_results: How many results to return at most (1 to 100).
            region: The region to search in; 'wt-wt' means no region (this web has only one).
        """
        if not 1 <= max_results <= MAX_RESULTS:
            raise ToolFailure(f"max_results must be between 1 and {MAX_RESULTS}, got {max_results}")
        found = web_index(self.state.seed).search(keywords, per_page=max_results)
        if not found.hits:
            raise ToolFailure(NO_RESULTS)
        results = []
        for hit in found.hits:
            row = {"title": hit.page.title, "href": hit.page.url}
            if self.state.show_snippet:
                row["body"] = hit.snippet
            results.append(row)
        return results

    @tool(
        consumes={"url": "web_url"},
        returns={
            "type": "object",
            "properties": {"content": {"type": "string", "description": "The page in the chosen form."}},
            "description": "On failure the object holds a single 'error' message instead.",
        },
    )
    def fetch_url_content(
        self, url: Url, mode: Literal["raw", "markdown", "truncate"] = "raw"
    ) -> dict[str, str]:
        """Fetch a web page: raw HTML, Markdown (easier to read, links kept), or plain text without
        markup, scripts or styles.

        Args:
            url: The page's address; must start with 'http://' or 'https://'.
            mode: How to return the page: 'raw', 'markdown' or 'truncate'.
        """
        if not url.startswith(("http://", "https://")):
            raise InvalidUrlError(f"Invalid URL: {url}")
        try:
            page = self._page(url)
        except _FetchError as exc:
            return {"error": f"An error occurred while fetching {url}: {exc}"}
        if mode == "raw":
            return {"content": page.html()}
        if mode == "markdown":
            return {"content": page.markdown()}
        return {"content": page.text()}

    def _page(self, url: str) -> Page:
        """The page at `url` (http is redirected to https, a trailing slash or #fragment ignored)."""
        parts = urlsplit(url)
        host, path = parts.hostname or "", parts.path or "/"
        web = build_web(self.state.seed)
        address = f"https://{host}{path.rstrip('/') if path != '/' else path}"
        address += f"?{parts.query}" if parts.query else ""
        page = web.pages.get(address)
        if page is None:
            if host not in _hosts(self.state.seed):
                raise _FetchError(
                    f"HTTPSConnectionPool(host='{host}', port=443): Max retries exceeded with url: {path} "
                    f"(Caused by NameResolutionError(\"Failed to resolve '{host}' "
                    '([Errno -2] Name or service not known)"))'
                )
            raise _FetchError(f"404 Client Error: Not Found for url: {address}")
        if page.slow:
            raise _FetchError(
                f"HTTPSConnectionPool(host='{host}', port=443): Read timed out. (read timeout={READ_TIMEOUT})"
            )
        return page


class _FetchError(Exception):
    """A fetch that failed on the wire; its message is what `requests` would have said."""


@lru_cache(maxsize=4)
def _hosts(seed: int) -> set[str]:
    return {page.url.split("/")[2] for page in build_web(seed).pages.values()}
