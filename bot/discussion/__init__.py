"""Discussion of a posted paper: summaries, and grounded answers to questions about it.

The answer engine (``engine.DiscussionEngine``) retrieves sentences from the abstract and,
when arXiv has an HTML rendering, the full text; the extractive answerer quotes them, the
optional LLM answerer is given only them and must cite them. Thread types live in ``threads``.
"""
