"""Daily posts: when each subscription is due, what its digest holds, and delivering it once.

Also personal DM digests (:mod:`bot.scheduling.dm`) and weekly channel recaps
(:mod:`bot.scheduling.recap`), through the same outbox.

Pure core (no SQL, no SDK): the store side is the protocol in :mod:`bot.scheduling.ports`,
the platforms are ``bot.ports.ChatPlatform``.
"""
