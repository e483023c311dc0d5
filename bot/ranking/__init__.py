"""Ranking: pure functions from papers (and, later, profiles) to ordered lists with a "why"."""
