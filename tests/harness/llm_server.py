"""A local stand-in for an OpenAI-compatible chat endpoint (``POST /v1/chat/completions``).

A real aiohttp server on 127.0.0.1 (random port), so the LLM answerer's real aiohttp client
runs in tests. Every request's JSON body and headers are recorded. ``mode`` says how it answers:

- ``"normal"``: 200 with ``choices[0].message.content`` = ``content`` (or ``reply(body)``);
- ``"slow"``: the same after ``delay`` seconds (to trip the client's timeout);
- ``"error"``: HTTP 500 with a JSON error body;
- ``"garbage"``: 200 with a body that is not JSON;
- ``"empty"``: 200 with an empty content string.
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class ChatRequest:
    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def messages(self) -> list[dict[str, str]]:
        return list(self.body.get("messages", []))

    def text(self) -> str:
        """Everything the model was shown (all messages' contents, joined)."""
        return "\n".join(m.get("content", "") for m in self.messages)


@dataclass
class FakeOpenAI:
    mode: str = "normal"
    content: str = "It uses the benchmark [1]."
    reply: Callable[[dict[str, Any]], str] | None = None
    delay: float = 5.0
    requests: list[ChatRequest] = field(default_factory=list)
    base_url: str = ""
    _runner: web.AppRunner | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/v1"
        return self.base_url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeOpenAI:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(ChatRequest(body, dict(request.headers)))
        if self.mode == "error":
            return web.json_response({"error": {"message": "the model crashed", "type": "server_error"}}, status=500)
        if self.mode == "garbage":
            return web.Response(text="<html>502 Bad Gateway</html>", content_type="text/html")
        if self.mode == "slow":
            await asyncio.sleep(self.delay)
        content = "" if self.mode == "empty" else (self.reply(body) if self.reply else self.content)
        return web.json_response({
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "model": body.get("model", ""),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": len(json.dumps(body)) // 4, "completion_tokens": 10},
        })
