"""The composition root: the only package that knows the core, the adapters and storage.

``paperbot`` (the console script) lives here; it reads the configuration, opens the
store, builds the sources and the core, and starts whichever adapters are configured.
"""
