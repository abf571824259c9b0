"""One typed settings object, read from the environment and `.env`.

Defaults are safe for a laptop: embedded Redis, SQLite history, the packaged local model.
Production refuses to start with a placeholder secret.
"""

from __future__ import annotations

import secrets
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "dev"})


class RetrievalMode(StrEnum):
    """How dense and BM25 results are combined (kb.search)."""

    DENSE = "dense"
    HYBRID = "hybrid"
    RRF = "rrf"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Literal["development", "test", "production"] = Field("development", alias="APFA_ENV")
    data_dir: Path = Field(Path("var"), alias="APFA_DATA_DIR")

    host: str = Field("127.0.0.1", alias="APFA_HOST")
    port: int = Field(8000, alias="APFA_PORT")
    auth_secret: str | None = Field(None, alias="CHAINLIT_AUTH_SECRET")

    database_url: str | None = Field(None, alias="DATABASE_URL")
    redis_url: str | None = Field(None, alias="REDIS_URL")
    embedded_redis_port: int = Field(6390, alias="APFA_EMBEDDED_REDIS_PORT")
    queue_name: str = Field("apfa-ingest", alias="APFA_QUEUE")

    llm_provider: Literal["local", "bedrock", "openai", "fake"] = Field("local", alias="APFA_LLM_PROVIDER")
    local_model: Literal["qwen2.5-1.5b", "qwen2.5-0.5b"] = Field("qwen2.5-1.5b", alias="APFA_LOCAL_MODEL")
    local_llm_port: int = Field(8089, alias="APFA_LOCAL_LLM_PORT")
    local_llm_threads: int = Field(2, alias="APFA_LOCAL_LLM_THREADS")
    local_llm_context: int = Field(4096, alias="APFA_LOCAL_LLM_CONTEXT")
    max_answer_tokens: int = Field(320, alias="APFA_MAX_ANSWER_TOKENS")
    # The local model's second look at each sentence it wrote (agents.claim_check); 0 turns it off. 0.7 was chosen
    # on the labelled support set's tune half (docs/benchmarks.md).
    claim_check_threshold: float = Field(0.7, ge=0.0, lt=1.0, alias="APFA_CLAIM_CHECK_THRESHOLD")
    bedrock_model_id: str = Field("anthropic.claude-3-5-haiku-20241022-v1:0", alias="BEDROCK_MODEL_ID")
    aws_region: str = Field("us-east-1", alias="AWS_REGION")
    openai_base_url: str | None = Field(None, alias="OPENAI_BASE_URL")
    openai_model: str = Field("local", alias="OPENAI_MODEL")
    openai_api_key: str = Field("not-needed", alias="OPENAI_API_KEY")

    chunk_size: int = Field(900, alias="APFA_CHUNK_SIZE")
    chunk_overlap: int = Field(150, alias="APFA_CHUNK_OVERLAP")
    retrieval_k: int = Field(5, alias="APFA_RETRIEVAL_K")  # measured with `apfa eval qa` (docs/benchmarks.md)
    retrieval_min_score: float = Field(0.2, alias="APFA_RETRIEVAL_MIN_SCORE")
    retrieval_mode: RetrievalMode = Field(RetrievalMode.HYBRID, alias="APFA_RETRIEVAL_MODE")
    hybrid_dense_weight: float = Field(0.85, ge=0.0, le=1.0, alias="APFA_HYBRID_DENSE_WEIGHT")
    bm25_stemming: bool = Field(True, alias="APFA_BM25_STEMMING")
    query_feedback_weight: float = Field(0.0, ge=0.0, le=4.0, alias="APFA_QUERY_FEEDBACK_WEIGHT")
    query_feedback_depth: int = Field(3, ge=1, le=50, alias="APFA_QUERY_FEEDBACK_DEPTH")
    mmr_lambda: float = Field(1.0, gt=0.0, le=1.0, alias="APFA_MMR_LAMBDA")
    embed_precision: Literal["fp32", "bf16"] = Field("fp32", alias="APFA_EMBED_PRECISION")
    ivf_threshold: int = Field(500_000, alias="APFA_IVF_THRESHOLD")

    answer_cache: bool = Field(True, alias="APFA_ANSWER_CACHE")
    answer_cache_similarity: float = Field(0.97, gt=0.0, le=1.0, alias="APFA_ANSWER_CACHE_SIMILARITY")
    answer_cache_ttl_s: int = Field(7 * 24 * 3600, gt=0, alias="APFA_ANSWER_CACHE_TTL_S")

    max_upload_mb: int = Field(25, alias="APFA_MAX_UPLOAD_MB")
    job_timeout_s: int = Field(1800, alias="APFA_JOB_TIMEOUT_S")

    # Security limits (docs/architecture.md, "Security").
    allowed_origins: str = Field("", alias="APFA_ALLOWED_ORIGINS")
    session_hours: float = Field(8.0, gt=0, le=720, alias="APFA_SESSION_HOURS")
    max_message_chars: int = Field(4000, ge=1, alias="APFA_MAX_MESSAGE_CHARS")
    signin_limits_per_account: str = Field("5/minute;10/15 minutes;20/hour;50/day", alias="APFA_SIGNIN_LIMITS")
    signin_limits_per_address: str = Field("20/minute;100/hour", alias="APFA_SIGNIN_ADDRESS_LIMITS")
    archive_max_inflated_mb: int = Field(100, ge=1, alias="APFA_ARCHIVE_MAX_INFLATED_MB")
    archive_max_ratio: int = Field(100, ge=1, alias="APFA_ARCHIVE_MAX_RATIO")
    archive_max_members: int = Field(1000, ge=1, alias="APFA_ARCHIVE_MAX_MEMBERS")

    @model_validator(mode="after")
    def _refuse_placeholder_secret_in_production(self) -> Settings:
        secret = self.auth_secret or ""
        if self.environment == "production" and (secret.lower() in PLACEHOLDER_SECRETS or len(secret) < 32):
            raise ValueError(
                "CHAINLIT_AUTH_SECRET must be set to a random value of at least 32 characters in production "
                "(generate one with `chainlit create-secret`)."
            )
        return self

    def session_secret(self) -> str:
        """The configured secret, or outside production one generated once and kept in the data directory."""
        if self.auth_secret:
            return self.auth_secret
        path = self.data_dir / "auth_secret"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def cors_origins(self) -> list[str]:
        """APFA_ALLOWED_ORIGINS (comma-separated), else the chat's own address under both loopback names."""
        configured = [origin.strip().rstrip("/") for origin in self.allowed_origins.split(",") if origin.strip()]
        if configured:
            return configured
        hosts = {"127.0.0.1", "localhost"} | ({self.host} if self.host not in {"0.0.0.0", "::"} else set())
        return sorted(f"http://{host}:{self.port}" for host in hosts)

    @property
    def effective_database_url(self) -> str:
        """The configured database, or SQLite under the data directory when none is set."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'apfa.db').resolve()}"


def get_settings() -> Settings:
    """The settings as the environment and `.env` give them now. Only the edges call it, once each (the `apfa`
    command, the chat's start, the local model server's start), and pass the object on; nothing caches it, so a
    test builds its own `Settings(...)` instead of clearing a cache."""
    return Settings()
