"""The Discord adapter (discord.py 2.x): the `/papers` app-command group, digests as embeds,
raw reaction events, paper discussion threads, and :class:`DiscordPlatform` for scheduled posts.

Modules: ``text`` (neutralising untrusted text), ``embeds`` (rendering within Discord's
limits), ``platform`` (the ChatPlatform send path and error mapping), ``commands`` (the
app-command group), ``threads`` (opening paper threads, members' thread messages),
``client`` (client factory, intents, reactions, messages, command sync).
"""
