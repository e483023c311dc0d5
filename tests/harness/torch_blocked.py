"""Build and use an embedder in a child process where torch, sentence-transformers and transformers
cannot be imported: what the torch-free backends promise (a user's install need not have torch)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = textwrap.dedent("""
    import sys, importlib.abc

    BLOCKED = ("torch", "sentence_transformers", "transformers")

    class NoTorch(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{name} is blocked: the {BACKEND} backend must not import it")
            return None

    sys.meta_path.insert(0, NoTorch())
    for name in BLOCKED:
        sys.modules.pop(name, None)
    from bot.config import config_from_dict
    from paperbot.compose import build_embedder
    embedder = build_embedder(config_from_dict(CONFIG, environ={}))
    vectors = embedder.encode_sync(["Attention is all you need.", ""])
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
    print(type(embedder).__name__, embedder.model_name, vectors.shape, loaded)
""")


def embed_with_torch_blocked(config: dict[str, Any], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``build_embedder(config)`` and one encode with torch blocked; stdout is
    ``<class> <model name> <shape> <torch-family modules loaded>``. ``env`` adds to a minimal environment."""
    backend = config.get("embedding", {}).get("backend", "default")
    script = f"BACKEND = {backend!r}\nCONFIG = {config!r}\n" + _SCRIPT
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", **(env or {})})
