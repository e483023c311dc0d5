"""The app manifest declares what the adapter uses: /papers, reaction and thread events, the scopes, Socket Mode."""
from __future__ import annotations

from pathlib import Path

import yaml

MANIFEST = Path(__file__).resolve().parents[2] / "slack" / "manifest.yml"


def test_manifest_matches_the_adapter() -> None:
    data = yaml.safe_load(MANIFEST.read_text())
    assert [c["command"] for c in data["features"]["slash_commands"]] == ["/papers"]
    assert set(data["settings"]["event_subscriptions"]["bot_events"]) == {
        "reaction_added", "reaction_removed", "app_mention", "message.channels", "message.groups",
        "app_home_opened", "app_uninstalled", "tokens_revoked", "link_shared"}  # uninstall/revoke: several workspaces
    scopes = set(data["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "reactions:read", "users:read", "channels:read"} <= scopes
    # threads: questions, replies in public and private channels; DMs for personal digests
    assert {"app_mentions:read", "channels:history", "groups:history", "im:write"} <= scopes
    assert "files:write" in scopes  # /papers stats uploads its chart (files.upload v2)
    assert data["settings"]["socket_mode_enabled"] is True
    # the App Home's page and buttons, the settings modal (adapters.slack.views)
    assert data["features"]["app_home"]["home_tab_enabled"] is True
    assert data["settings"]["interactivity"]["is_enabled"] is True
    # pasted paper links: link_shared for these domains, chat.unfurl
    assert {"links:read", "links:write"} <= scopes
    assert set(data["features"]["unfurl_domains"]) == {"arxiv.org", "huggingface.co"}
