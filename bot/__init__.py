"""paperbot's platform-agnostic core: domain types, sources, ranking and the use cases.

Nothing in this package imports a chat SDK or the database layer; adapters and storage
depend on it, never the other way round (checked by import-linter in the test suite).
"""
