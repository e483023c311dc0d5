"""Benchmarks (`paperbot bench …`): programs that print figures, never timed test assertions."""

# what --listings takes, for its help and for the error a folder without listings gets (kept here, not in
# .listings, so the CLI's parser does not load numpy)
LISTINGS_HELP = ("a folder of daily_arxiv_listing_*.jsonl files (the six full listings are not in this repository; "
                 "tests/fixtures/arxiv_metadata is a small copy for a smoke run); see benchmarks/README.md")
