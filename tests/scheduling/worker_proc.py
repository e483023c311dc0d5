"""A paperbot scheduler process for the multi-process and kill tests.

    python -m tests.scheduling.worker_proc DB_URL NOW_ISO POSTS_FILE [--die-after-send N]

Runs scheduler ticks at the fixed clock NOW_ISO against a FilePlatform writing POSTS_FILE,
until the outbox has nothing planned or sending. ``--die-after-send N`` kills the process
(``os._exit``, no cleanup) right after the N-th platform send, before it is recorded.
"""
from __future__ import annotations

import argparse
import asyncio
import os
from datetime import datetime
from pathlib import Path

from bot.scheduling.scheduler import Scheduler, SchedulerSettings
from storage.store import SqlStore
from tests.harness.platforms import FilePlatform


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("now")
    parser.add_argument("posts")
    parser.add_argument("--die-after-send", type=int, default=0)
    parser.add_argument("--send-delay", type=float, default=0.0, help="seconds each send takes (a slow platform)")
    parser.add_argument("--barrier", type=int, default=0, help="wait until this many workers are ready (files beside POSTS_FILE)")
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now)
    sends = 0

    def fault(stage, item):
        nonlocal sends
        if stage == "after_send" and args.die_after_send:
            sends += 1
            if sends >= args.die_after_send:
                os._exit(3)

    if args.barrier:  # start together, so that both really compete for the same rows
        folder = Path(args.posts).parent
        (folder / f"ready-{os.getpid()}").touch()
        for _ in range(600):
            if len(list(folder.glob("ready-*"))) >= args.barrier:
                break
            await asyncio.sleep(0.05)
    async with SqlStore.connect(args.url) as store:
        platform = FilePlatform(args.posts, send_delay=args.send_delay)
        scheduler = Scheduler(store, {"slack": platform}, clock=lambda: now,
                              settings=SchedulerSettings(claim_batch=10), fault=fault)
        for _ in range(200):
            await scheduler.tick()
            status = await store.outbox_status()
            if not status.get("planned") and not status.get("sending"):
                break
            await asyncio.sleep(0.05)


if __name__ == "__main__":
    asyncio.run(main())
