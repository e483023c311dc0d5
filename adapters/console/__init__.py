"""The terminal "channel": the embedded default a newcomer meets first (`paperbot demo`)."""
