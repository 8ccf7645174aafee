"""The offline web: one world per seed, a sane BM25 ranking with snippets and paging, BFCL's two tools
with their fetch modes and a real fetch's errors, and the domain registered like every other one."""

from __future__ import annotations

from importlib import resources

import gymnasium as gym

from funreason_envs.cli import main
from funreason_envs.domains import domain_class, domain_names
from funreason_envs.domains.web_index import SearchIndex, tokens, web_index
from funreason_envs.domains.web_pages import Page, build_web, wiki_url
from funreason_envs.domains.web_world import build_world
from funreason_envs.executor import ToolRouter
from funreason_envs.graph import ApiGraph
from funreason_envs.registration import env_id


def run(action: str, config: dict | None = None) -> list:
    instance = domain_class("web_search")(config or {})
    results = ToolRouter([instance]).run(action)
    return [r.content if r.value is None else r.value for r in results]


def test_the_web_is_a_few_thousand_pages_and_the_same_for_the_same_seed():
    web = build_web(0)
    assert 2000 <= len(web.pages) <= 5000
    again = build_world.__wrapped__(0)  # a fresh build, not the cache
    assert [(e.name, e.facts, e.links) for e in again.entities.values()] == [
        (e.name, e.facts, e.links) for e in web.world.entities.values()
    ]
    other = build_world(1)
    assert [e.name for e in other.entities.values()] != [e.name for e in web.world.entities.values()]


def test_the_web_has_stale_disagreeing_slow_and_dead_pages():
    web = build_web(0)
    sites = {page.url.split("/")[2] for page in web.pages.values()}
    assert {
        "www.orbipedia.org",
        "archive.orbipedia.org",
        "news.dailyquill.com",
        "forum.talkhollow.net",
    } <= sites
    assert any(page.slow for page in web.pages.values())
    dead = [link for page in web.pages.values() for link in page.links() if link not in web.pages]
    assert dead, "some links should lead nowhere"
    company = web.world.of_kind("company")[0]
    current = web.pages[wiki_url(company)].text()
    archived = web.pages[
        "https://archive.orbipedia.org/2019/wiki/" + wiki_url(company).rsplit("/", 1)[1]
    ].text()
    assert f"{company.facts['employees']:,}" in current
    assert f"{company.facts['employees']:,}" not in archived
    assert web.world.linked(company, "former_ceo").name in archived


def test_articles_link_to_the_related_articles():
    web = build_web(0)
    company = web.world.of_kind("company")[5]
    links = web.pages[wiki_url(company)].links()
    for relation in ("founder", "ceo", "headquarters"):
        assert wiki_url(web.world.linked(company, relation)) in links


def test_bm25_prefers_the_page_about_the_query():
    pages = [
        Page("https://a.example/1", "Otters", "a.example", [["Otters swim in rivers and eat fish."]]),
        Page("https://a.example/2", "Rivers", "a.example", [["Rivers flow to the sea. " * 5]]),
        Page("https://a.example/3", "Fish", "a.example", [["Fish live in rivers; otters eat fish."]]),
    ]
    index = SearchIndex(pages)
    found = index.search("otters")
    assert [hit.page.url for hit in found.hits] == ["https://a.example/1", "https://a.example/3"]
    assert found.total == 2
    assert index.search("nothing like this").hits == []
    assert tokens("Population 12,500 in 2019") == ["population", "12500", "in", "2019"]


def test_search_pages_through_results_without_overlap():
    index = web_index(0)
    first, second = index.search("chief executive", page=1, per_page=5), index.search("chief executive", 2, 5)
    assert len(first.hits) == len(second.hits) == 5
    assert not {h.page.url for h in first.hits} & {h.page.url for h in second.hits}
    assert first.hits[-1].score >= second.hits[0].score
    assert first.total == second.total and first.page_count == -(-first.total // 5)


def test_an_entity_name_finds_its_article_and_the_snippet_shows_the_words():
    web = build_web(0)
    for entity in list(web.world.entities.values())[::50]:
        found = web_index(0).search(entity.name, per_page=10)
        assert wiki_url(entity) in [hit.page.url for hit in found.hits], entity.name
        assert entity.name.split()[0].lower() in found.hits[0].snippet.lower()


def test_search_tool_returns_title_href_and_body_like_bfcl():
    [results] = run("search_engine_query(keywords='Daken Summit', max_results=3)")
    assert len(results) == 3
    assert set(results[0]) == {"title", "href", "body"}
    [plain] = run("search_engine_query(keywords='Daken Summit')", {"show_snippet": False})
    assert set(plain[0]) == {"title", "href"} and len(plain) == 10
    [empty] = run("search_engine_query(keywords='zzqqxx')")
    assert empty == {"error": "Failed to retrieve the search results from server. Please try again later."}
    bad_region, none, html = run(
        "[search_engine_query(keywords='Daken', region='mars'), search_engine_query('Daken', max_results=0),"
        " fetch_url_content(url='https://www.orbipedia.org/wiki/Daken_Summit', mode='html')]"
    )
    assert "region" in bad_region and bad_region.startswith("Error")
    assert "max_results" in none and "mode" in html


def test_fetch_modes():
    url = wiki_url(build_world(0).of_kind("city")[0])
    raw, markdown, text = run(
        f"[fetch_url_content(url='{url}'), fetch_url_content(url='{url}', mode='markdown'), "
        f"fetch_url_content(url='{url}', mode='truncate')]"
    )
    assert raw["content"].startswith("<!DOCTYPE html>") and "<script>" in raw["content"]
    assert markdown["content"].startswith("# ") and "](https://www.orbipedia.org/wiki/" in markdown["content"]
    assert "<" not in text["content"] and "analytics" not in text["content"]
    [again] = run(f"fetch_url_content(url='{url.replace('https', 'http')}/', mode='truncate')")
    assert again == text


def test_fetch_errors_are_a_real_fetchs():
    web = build_web(0)
    slow = next(page.url for page in web.pages.values() if page.slow)
    dead = next(link for page in web.pages.values() for link in page.links() if link not in web.pages)
    timeout, missing, nohost, invalid = run(
        f"[fetch_url_content(url='{slow}'), fetch_url_content(url='{dead}'), "
        "fetch_url_content(url='https://nowhere.invalid/x'), fetch_url_content(url='ftp://a/b')]"
    )
    assert timeout["error"].startswith(f"An error occurred while fetching {slow}: ")
    assert "Read timed out" in timeout["error"]
    assert f"404 Client Error: Not Found for url: {dead}" in missing["error"]
    assert "Name or service not known" in nohost["error"]
    assert invalid == "Error during execution: Invalid URL: ftp://a/b"


def test_registered_everywhere_like_a_packaged_domain(capsys):
    assert "web_search" in domain_names()
    folder = resources.files("funreason_envs.api_specs")
    assert (
        main(
            [
                "spec-export",
                "funreason_envs.domains.web_search:WebSearch",
                "--out-dir",
                str(folder),
                "--check",
            ]
        )
        == 0
    )
    spec = domain_class("web_search").typed_spec()
    assert [tool.name for tool in spec.tools] == ["search_engine_query", "fetch_url_content"]
    graph = ApiGraph.from_domains("web_search")
    assert graph.reasons("search_engine_query", "fetch_url_content")  # search results feed fetch's url
    assert "web_search" in ApiGraph.from_domains("all").domains
    env = gym.make(env_id("web_search"))
    observation, _ = env.reset(seed=0)
    assert "Web search" in observation["content"]
    env.close()
