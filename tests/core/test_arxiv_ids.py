import pytest

from bot.arxiv_ids import ArxivId, parse_arxiv_id, try_parse_arxiv_id
from bot.errors import UsageError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2511.04570", ArxivId("2511.04570")),
        ("2511.04570v2", ArxivId("2511.04570", 2)),
        ("arXiv:2511.04570v3", ArxivId("2511.04570", 3)),
        ("0704.0001", ArxivId("0704.0001")),
        ("https://arxiv.org/abs/2511.04570", ArxivId("2511.04570")),
        ("https://arxiv.org/abs/2511.04570v2", ArxivId("2511.04570", 2)),
        ("http://arxiv.org/pdf/2511.04570v1", ArxivId("2511.04570", 1)),
        ("https://arxiv.org/pdf/2511.04570.pdf", ArxivId("2511.04570")),
        ("https://arxiv.org/pdf/2511.04570v2.pdf", ArxivId("2511.04570", 2)),
        ("arxiv.org/abs/2511.04570?context=cs", ArxivId("2511.04570")),
        ("https://huggingface.co/papers/2511.04570", ArxivId("2511.04570")),
        ("<https://huggingface.co/papers/2511.04570#community>", ArxivId("2511.04570")),
        ("https://arxiv.org/html/2511.04570v1", ArxivId("2511.04570", 1)),
        ("astro-ph/0601001", ArxivId("astro-ph/0601001")),
        ("https://arxiv.org/abs/hep-th/9901001v2", ArxivId("hep-th/9901001", 2)),
        ("math.GT/0309136", ArxivId("math/0309136")),
    ],
)
def test_recognises_ids_and_urls(text: str, expected: ArxivId) -> None:
    assert try_parse_arxiv_id(text) == expected


@pytest.mark.parametrize("text", ["", "hello", "2511.457", "https://example.com/abs/2511.04570", "25110.4570", "abc"])
def test_rejects_what_is_not_an_id(text: str) -> None:
    assert try_parse_arxiv_id(text) is None
    with pytest.raises(UsageError) as err:
        parse_arxiv_id(text)
    assert "Accepted" in str(err.value) and "2511.04570" in str(err.value)


def test_str_keeps_version() -> None:
    assert str(ArxivId("2511.04570", 2)) == "2511.04570v2"
    assert str(ArxivId("2511.04570")) == "2511.04570"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.48550/arXiv.2511.04570", ArxivId("2511.04570")),
        ("https://doi.org/10.48550/arXiv.2511.04570", ArxivId("2511.04570")),
        ("https://doi.org/10.48550/ARXIV.2511.04570v2", ArxivId("2511.04570", 2)),
        ("doi:10.48550/arxiv.hep-th/9901001", ArxivId("hep-th/9901001")),
        ("1412.7878", ArxivId("1412.7878")),
        ("1501.00001", ArxivId("1501.00001")),
        ("hep-th/9108001", ArxivId("hep-th/9108001")),
        ("cs.LG/0101001", ArxivId("cs/0101001")),
        ("cond-mat/0703001v1", ArxivId("cond-mat/0703001", 1)),
    ],
)
def test_recognises_arxiv_dois_and_the_edges_of_each_scheme(text: str, expected: ArxivId) -> None:
    assert try_parse_arxiv_id(text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("9999.99999", "01 to 12"),
        ("2513.00001", "01 to 12"),
        ("0703.0001", "April 2007"),
        ("2511.4570", "5 digits"),
        ("1412.04570", "4 digits"),
        ("2511.00000", "start at 1"),
        ("2511.04570v0", "v1"),
        ("foo-bar/9901001", "arXiv archive"),
        ("stat/0601001", "arXiv archive"),
        ("hep-th/9913001", "01 to 12"),
        ("hep-th/9107001", "August 1991"),
        ("math/0704001", "March 2007"),
        ("https://arxiv.org/abs/2511.4570", "5 digits"),
        ("10.48550/arXiv.0703.0001", "April 2007"),
    ],
)
def test_refuses_ids_that_cannot_exist_saying_why(text: str, why: str) -> None:
    assert try_parse_arxiv_id(text) is None
    with pytest.raises(UsageError) as err:
        parse_arxiv_id(text)
    message = str(err.value)
    assert "is not an arXiv id" in message and why in message and "Accepted" in message and "10.48550/arXiv" in message
