"""The tables, as SQLAlchemy 2 declarative models, one module per concern.

Only storage sees these rows; :mod:`storage.mapping` turns them into domain objects. Importing
this package imports every table module, so ``Base.metadata`` (and the migration check) sees
them all; the modules import only :mod:`storage.models.base`, never each other's package.
"""
from __future__ import annotations

from storage.models.base import ARXIV_ID, ID, NAMING_CONVENTION, Base, table_of
from storage.models.channels import ChannelSettingsRow, SubscriptionRow
from storage.models.discussion import ChannelThreadModeRow, DiscussionThreadRow, ThreadActivityRow
from storage.models.feeds import FeedTokenRow
from storage.models.outbox import OutboxRow
from storage.models.papers import PaperEmbeddingRow, PaperRow
from storage.models.personal import ChannelRecapRow, DmSubscriptionRow
from storage.models.posts import PostRow, ProcessedEventRow, ReactionRow
from storage.models.slack import SlackInstallationRow, SlackOAuthStateRow
from storage.models.taste import TasteSignalRow

__all__ = [
    "ARXIV_ID", "ID", "NAMING_CONVENTION", "Base", "table_of", "ChannelRecapRow", "ChannelSettingsRow", "ChannelThreadModeRow",
    "DiscussionThreadRow", "DmSubscriptionRow", "FeedTokenRow", "OutboxRow", "PaperEmbeddingRow", "PaperRow", "PostRow",
    "ProcessedEventRow", "ReactionRow", "SlackInstallationRow", "SlackOAuthStateRow", "SubscriptionRow", "TasteSignalRow",
    "ThreadActivityRow",
]
