"""Peak RSS of `paperbot run` with the embedding model loaded (notes/benchmark.md §2; target < 1 GB).

    python benchmarks/bench_memory.py [--seconds 20] [--backend onnx|onnx-int8|sentence-transformers] [--json]

Starts the real `paperbot run` in a child process — Slack in HTTP mode on a free local port, its
Web API a tiny local stand-in that answers every method with ``ok``, a scratch SQLite database,
the paper sources pointing at a closed local port (so no network) —
then sends it signed `/papers search …` and `/papers today` slash commands, which load the
model and encode, waits, and reads the child's peak resident set (``VmHWM`` in
/proc/<pid>/status, Linux) before stopping it. ``--backend``: the ``[embedding] backend`` it runs
with (default: the config's default); for onnx-int8 the int8 file is built into the cache first,
so the figure is a run's, not the one-off build's.
"""
from __future__ import annotations

import argparse
import json
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from slack_sdk.signature import SignatureVerifier

SECRET = "bench-signing-secret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class _SlackApi(BaseHTTPRequestHandler):
    """Every Web API method answers ok (auth.test with the ids bolt wants); everything else 200."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "ts": "1.0",
                           "channel": "C1", "message": {"ts": "1.0"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt: str, *args: object) -> None:
        pass


def _status(pid: int, field: str) -> int:
    """A /proc/<pid>/status field in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _config(folder: Path, port: int, api: str, backend: str | None = None) -> Path:
    dead = f"http://127.0.0.1:{_free_port()}"
    embedding = f'[embedding]\nbackend = "{backend}"\n' if backend else ""
    text = f"""{embedding}
[database]
url = "sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
[slack]
bot_token = "xoxb-bench"
signing_secret = "{SECRET}"
mode = "http"
http_host = "127.0.0.1"
http_port = {port}
base_url = "{api}/api/"
[sources.huggingface]
base_url = "{dead}"
max_retries = 0
[sources.arxiv]
rss_base_url = "{dead}"
api_base_url = "{dead}"
max_retries = 0
min_interval_seconds = 0
"""
    path = folder / "config.toml"
    path.write_text(text)
    return path


def _slash(port: int, api: str, text: str) -> int:
    body = urllib.parse.urlencode({
        "command": "/papers", "text": text, "channel_id": "C1", "user_id": "U1", "team_id": "T1",
        "response_url": f"{api}/response", "trigger_id": "t",
    })
    ts = str(int(time.time()))
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/slack/events", data=body.encode(), method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
                 "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body) or ""})
    with urllib.request.urlopen(request, timeout=10) as response:
        status: int = response.status
        return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to let the work settle after the commands")
    parser.add_argument("--backend", choices=("onnx", "onnx-int8", "onnx-fast", "sentence-transformers"),
                        help="the [embedding] backend to run with (default: the config's default)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.backend == "onnx-int8":
        from bot.taste.embedder import DEFAULT_MODEL, bundled_path
        from bot.taste.quantized import int8_model

        int8_model(Path(bundled_path(DEFAULT_MODEL) or ""))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlackApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    api = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        config = _config(Path(tmp), port, api, args.backend)
        exe = Path(sys.executable).with_name("paperbot")
        child = subprocess.Popen([str(exe), "--config", str(config), "--log-level", "INFO", "run"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        break
                except OSError:
                    if child.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(f"paperbot run did not start:\n{child.stderr.read() if child.stderr else ''}") from None
                    time.sleep(0.2)
            started_kb = _status(child.pid, "VmRSS")
            statuses = [_slash(port, api, "search diffusion models for video"), _slash(port, api, "today")]
            time.sleep(args.seconds)
            peak_kb = _status(child.pid, "VmHWM")
            now_kb = _status(child.pid, "VmRSS")
        finally:
            child.send_signal(signal.SIGINT)
            try:
                _, log = child.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                _, log = child.communicate()
    model_loaded = "embedding model" in (log or "") and (" loaded from " in (log or "") or " ready in " in (log or ""))
    report = {"rss_at_start_mb": started_kb / 1024, "rss_after_mb": now_kb / 1024, "peak_rss_mb": peak_kb / 1024,
              "acks": statuses, "model_loaded": model_loaded, "target_mb": 1024,
              "backend": args.backend or "default"}
    if not model_loaded:
        print("warning: the log does not show the embedding model loading:\n" + (log or "")[-2000:], file=sys.stderr)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"paperbot run (Slack HTTP mode, backend {report['backend']}, model loaded by /papers search): RSS at start {report['rss_at_start_mb']:.0f} MB, "
              f"after {report['rss_after_mb']:.0f} MB, peak {report['peak_rss_mb']:.0f} MB (target < 1024 MB); acks {statuses}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
