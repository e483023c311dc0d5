"""One paper seen on Hugging Face and on arXiv (as v1 and v2) is one Paper after dedupe_papers."""
from __future__ import annotations

from datetime import date
from html import escape

from bot.domain import dedupe_papers
from bot.sources.arxiv import ArxivClient
from bot.sources.huggingface import HuggingFaceClient
from tests.harness.clocks import RecordingSleep
from tests.harness.fixtures_paths import HF_DAY_07, load_json
from tests.harness.paper_server import PaperServer, Reply

V2_TITLE = "Thinking with Video: Video Generation as a Promising Multimodal Reasoning Paradigm (revised)"


def arxiv_answer_for_2511_04570() -> str:
    """CONSTRUCTED: no recorded arXiv answer for 2511.04570 exists. The Atom layout is the
    2026 format of the recorded answers; title, abstract and authors are HF's real ones;
    the categories and the v2 title are made up for this test."""
    paper = load_json(HF_DAY_07)[0]["paper"]
    authors = "".join(f"<author><name>{escape(a['name'])}</name></author>" for a in paper["authors"])

    def entry(version: int, title: str, published: str) -> str:
        return f"""
  <entry>
    <id>http://arxiv.org/abs/2511.04570v{version}</id>
    <title>{escape(title)}</title>
    <updated>{published}</updated>
    <link href="https://arxiv.org/abs/2511.04570v{version}" rel="alternate" type="text/html"/>
    <summary>{escape(paper["summary"])}</summary>
    <category term="cs.CV" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.AI" scheme="http://arxiv.org/schemas/atom"/>
    <published>2025-11-06T17:25:23Z</published>
    <arxiv:primary_category term="cs.CV"/>
    {authors}
  </entry>"""

    return f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/constructed</id>
  <title>arXiv Query: search_query=&amp;id_list=2511.04570v1,2511.04570v2&amp;start=0&amp;max_results=2</title>
  <updated>2026-04-12T22:09:36Z</updated>
  <opensearch:itemsPerPage>2</opensearch:itemsPerPage>
  <opensearch:totalResults>2</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  {entry(1, paper["title"], "2025-11-06T17:25:23Z")}
  {entry(2, V2_TITLE, "2025-11-20T09:00:00Z")}
</feed>"""


async def test_same_paper_from_hf_and_arxiv_v1_v2_is_one_paper(server: PaperServer, sleep: RecordingSleep) -> None:
    server.route("/api/daily_papers", Reply.file(HF_DAY_07))
    server.route("/api/query", Reply.xml(arxiv_answer_for_2511_04570()))
    async with HuggingFaceClient(server.base_url, sleep=sleep) as hf:
        from_hf = await hf.fetch_day(date(2025, 11, 7))
    async with ArxivClient(rss_base_url=server.base_url, api_base_url=server.base_url, min_interval=0, sleep=sleep) as arxiv:
        from_arxiv = await arxiv.lookup(["2511.04570v1", "2511.04570v2"])
    assert [(p.arxiv_id, p.version) for p in from_arxiv] == [("2511.04570", 1), ("2511.04570", 2)]

    merged = dedupe_papers(from_hf + from_arxiv)
    assert len(merged) == 15  # the 15 papers of the day; the arXiv sightings merged into one of them
    (paper,) = [p for p in merged if p.arxiv_id == "2511.04570"]
    assert paper.upvotes == 242 and paper.num_comments == 5 and paper.github_stars == 309  # from HF
    assert paper.categories == ("cs.CV", "cs.AI")  # from arXiv
    assert paper.version == 2 and paper.title == V2_TITLE  # the newest version's title
    assert paper.sources == {"huggingface", "arxiv"}
    assert paper.announced_on == date(2025, 11, 7)
    assert paper.updated_at is not None and paper.updated_at.day == 20
    # Order does not matter: arXiv first gives the same paper.
    (again,) = [p for p in dedupe_papers(from_arxiv[::-1] + from_hf) if p.arxiv_id == "2511.04570"]
    assert again == paper
