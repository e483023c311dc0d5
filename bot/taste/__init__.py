"""Taste: embeddings, per-channel and per-member profiles learned from reactions, personal ranking."""
