"""The chat model factory: one place decides which LLM answers, from `settings.llm_provider`.

- `local`: the embedded llama.cpp server (`agents.local_llm`) through its OpenAI-compatible API;
- `openai`: any OpenAI-compatible endpoint (vLLM, Ollama, OpenAI itself);
- `bedrock`: Amazon Bedrock's Converse API;
- `fake`: a deterministic, offline model for tests that answers from the prompt's numbered sources.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from apfa.settings import Settings

LOCAL_TEMPERATURE = 0.1
# A fixed sampling seed: the same prompt gets the same answer, so two borrowers whose questions differ only in
# a protected characteristic (which tools.protected keeps from the model) get the same advice.
LOCAL_SEED = 7
# On 2 cores a ~900-token grounded prompt takes ~16 s to read and a full answer ~30 s to write, and a request
# can wait behind another user's, so the local timeout is generous. Remote endpoints answer in seconds.
LOCAL_TIMEOUT_S = 300.0
REMOTE_TIMEOUT_S = 120.0

SOURCE_BLOCK = re.compile(r"^\[(\d+)\][ \t]*(.*?)(?=^\[\d+\]|\Z)", re.MULTILINE | re.DOTALL)
FIRST_SENTENCE = re.compile(r"\S.*?[.!?](?=\s|$)", re.DOTALL)
TOKEN = re.compile(r"\s*\S+")


@cache
def unreachable_errors() -> tuple[type[Exception], ...]:
    """What the providers raise when the model cannot be reached (server down, refusing, timing out), as opposed to
    a fault in our own code: the answer then ends with what was already checked and shown, not an apology."""
    import httpx
    import openai
    from botocore.exceptions import ConnectionError as BotocoreConnectionError
    from botocore.exceptions import HTTPClientError
    from langchain_core.exceptions import ModelConnectionError

    return (
        ModelConnectionError,
        openai.APIConnectionError,
        httpx.TransportError,
        BotocoreConnectionError,
        HTTPClientError,
    )


def make_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model for the configured provider; streaming is on so the UI can show tokens as they come."""
    match settings.llm_provider:
        case "local":
            from agents.local_llm import server_url

            return _openai_compatible(
                settings,
                settings.local_model,
                f"{server_url(settings)}/v1",
                "not-needed",
                timeout_s=LOCAL_TIMEOUT_S,
                max_retries=0,
                seed=LOCAL_SEED,
            )
        case "openai":
            return _openai_compatible(
                settings,
                settings.openai_model,
                settings.openai_base_url,
                settings.openai_api_key,
                timeout_s=REMOTE_TIMEOUT_S,
                max_retries=2,
            )
        case "bedrock":
            from langchain_aws import ChatBedrockConverse

            return ChatBedrockConverse(
                model_id=settings.bedrock_model_id,
                region_name=settings.aws_region,
                temperature=LOCAL_TEMPERATURE,
                max_tokens=settings.max_answer_tokens,
            )
        case "fake":
            return FakeGroundedChatModel()
        case other:
            raise ValueError(f"Unknown LLM provider {other!r}: use local, openai, bedrock or fake")


def _openai_compatible(
    settings: Settings,
    model: str,
    base_url: str | None,
    api_key: str,
    *,
    timeout_s: float,
    max_retries: int,
    seed: int | None = None,
) -> BaseChatModel:
    """The local server and remote endpoints speak the same OpenAI API and are asked the same way; only where, how
    patiently and whether with a fixed seed differ."""
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=model,
        base_url=base_url,
        api_key=api_key,
        streaming=True,
        temperature=LOCAL_TEMPERATURE,
        seed=seed,
        max_tokens=settings.max_answer_tokens,
        timeout=timeout_s,
        max_retries=max_retries,
    )


def supports_native_tools(settings: Settings) -> bool:
    """Whether the provider's model can be trusted with native tool calls (the small local model cannot)."""
    return settings.llm_provider in ("bedrock", "openai")


def numbered_sources(prompt: str) -> dict[int, str]:
    """The passages of a prompt's "[n] Title, page p:\\n text" source blocks, by number."""
    sources = {}
    for match in SOURCE_BLOCK.finditer(prompt):
        header, _, body = match.group(2).partition(":\n")
        sources[int(match.group(1))] = (body or header).strip()
    return sources


class FakeGroundedChatModel(BaseChatModel):
    """Offline stand-in for an LLM: answers with the first sentence of source [1], cited, streamed per word.

    Deterministic, so graph and chat tests can assert what the borrower sees and which sources are cited.
    """

    no_sources_answer: str = "I don't know: the sources do not cover that."

    @property
    def _llm_type(self) -> str:
        return "apfa-fake-grounded"

    def answer_for(self, messages: list[BaseMessage]) -> str:
        prompt = "\n".join(m.content for m in messages if isinstance(m.content, str))
        sources = numbered_sources(prompt)
        if not sources:
            return self.no_sources_answer
        number = min(sources)
        match = FIRST_SENTENCE.search(sources[number])
        sentence = " ".join((match.group(0) if match else sources[number]).split())
        if sentence[-1] in ".!?":
            return f"{sentence[:-1]} [{number}]{sentence[-1]}"
        return f"{sentence} [{number}]."

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(self.answer_for(messages)))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for token in TOKEN.findall(self.answer_for(messages)):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=token))
            if run_manager:
                run_manager.on_llm_new_token(token, chunk=chunk)
            yield chunk
