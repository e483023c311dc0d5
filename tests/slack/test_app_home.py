

async def test_over_socket_mode_the_home_tab_and_its_buttons_work_too(socket_slack: SlackHarness) -> None:
    fake = socket_slack.fake
    await fake.send_envelope("events_api", home_opened("EvH5"), "env-h1")
    view = await published(socket_slack)
    assert "paperbot_home:dm_on" in buttons(view)
    await fake.send_envelope("interactive", home_button("paperbot_home:dm_on"), "env-h2")
    await fake.wait_for(lambda: any(a.get("envelope_id") == "env-h2" for a in fake.acks))
    view = await published(socket_slack, after=1)
    assert "paperbot_home:dm_off" in buttons(view)
    dm = await socket_slack.bot.personal.dm(ME)
    assert dm is not None and dm.timezone == "UTC"  # Slack did not say the member's zone
