"""The use cases behind every command and event; platform-neutral and store-agnostic."""
