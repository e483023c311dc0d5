"""One module per CLI command; ``paperbot.cli`` dispatches here."""
from paperbot.commands.db import db_upgrade
from paperbot.commands.demo import demo
from paperbot.commands.digest import digest
from paperbot.commands.embed import embed
from paperbot.commands.fetch import fetch
from paperbot.commands.run import run

__all__ = ["db_upgrade", "demo", "digest", "embed", "fetch", "run"]
