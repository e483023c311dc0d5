"""`paperbot embed`: embed every stored paper that has no vector under the configured model.

Vectors of any other model are dropped first (a model change re-embeds; vectors are never mixed).
"""
from __future__ import annotations

from bot.config import Config
from bot.errors import ConfigError
from bot.plural import counted
from bot.usecases.taste import TasteUseCases
from paperbot.compose import DB_OPTION, DatabaseUrl, build_embedder, open_store, resolve_database


async def embed(config: Config, *, db_url: str | None = None) -> int:
    from tqdm import tqdm

    embedder = build_embedder(config)
    if embedder is None:
        raise ConfigError("[embedding] enabled is false: nothing to embed.")
    database = DatabaseUrl(db_url, DB_OPTION) if db_url else resolve_database(config)
    async with open_store(database.url, source=database.source) as store:
        taste = TasteUseCases(store, embedder)
        missing = len(await store.papers_without_embedding(embedder.model_name))
        # one bar with its total, at a terminal only (disable=None): a pipe or a log gets the last line alone
        with tqdm(total=missing, unit="paper", desc=f"embedding with {embedder.model_name}",
                  disable=None if missing else True) as bar:
            done = await taste.backfill(batch=max(config.embedding.batch_size * 4, 64), progress=bar.update)
        total = await store.count_embeddings(embedder.model_name)
    print(f"Embedded {counted(done, 'paper')}; {counted(total, 'stored vector')} for {embedder.model_name}.")
    return 0
