"""Where papers come from: Hugging Face Daily Papers, arXiv (RSS + export API), local snapshots.

Modules (import the one you need; this package imports nothing so the offline sample
stays cheap to load):

- :mod:`bot.sources.http` — ``HttpFetcher``: retries, Retry-After, throttling, size limits,
  URL redaction, ``HttpError``.
- :mod:`bot.sources.guard` — ``guarded``: a deadline, and nothing but SourceError out of a source.
- :mod:`bot.sources.huggingface` — ``HuggingFaceClient`` and ``parse_daily_papers``.
- :mod:`bot.sources.sample` — ``SampleSource`` over daily-papers JSON files.
- :mod:`bot.sources.arxiv` — ``ArxivClient`` (RSS listing + API lookups on one throttle).

Every Paper a source makes is bounded by :mod:`bot.paper_bounds` where it is made.
"""
