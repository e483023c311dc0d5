"""The Slack adapter: slack-bolt (async) in front of PaperBot.

One concept per module: ``mrkdwn`` (neutralising untrusted text), ``emoji`` (reaction
names → Unicode), ``blocks`` (Block Kit rendering), ``platform`` (the send path and its
error mapping), ``permissions`` (who may manage a channel), ``commands`` (``/papers``),
``reactions`` (reaction events), ``threads`` (paper threads: openings as thread replies,
members' thread messages), ``oauth`` (several workspaces: the install flow), ``team_clients`` (a client per workspace) and
``app`` (the AsyncApp factory).
"""
