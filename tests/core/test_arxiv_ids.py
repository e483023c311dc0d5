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
