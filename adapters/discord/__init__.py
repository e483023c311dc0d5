"""The Discord adapter (discord.py 2.x): the `/papers` app-command group, digests as embeds,
raw reaction events, paper discussion threads, and :class:`DiscordPlatform` for scheduled posts.

Modules: ``text`` (neutralising untrusted text, bounded after escaping), ``embeds`` (rendering
within Discord's limits), ``platform`` (the ChatPlatform send path, text bounds and error
mapping), ``interaction`` (answering one interaction, retried on 429/5xx; the on-demand
transport), ``commands`` (the app-command group, and the tree that answers what it cannot
dispatch), ``sync`` (the command sync, in the background), ``threads`` (members' thread
messages), ``client`` (client factory, intents, reactions, messages).
"""
