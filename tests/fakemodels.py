"""Scripted chat models that remember their prompts, and a runner that collects what a turn streams."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import openai
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from turns import context_with

from agents.llm import FakeGroundedChatModel
from agents.turn import TurnResult, stream_turn


def _prompt_text(messages: list[BaseMessage]) -> str:
    return "\n".join(str(m.content) for m in messages)


class RecordingModel(GenericFakeChatModel):
    """Streams a scripted reply word by word and remembers every prompt it was sent."""

    prompts_seen: list = []

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        self.prompts_seen.append(_prompt_text(messages))
        yield from super()._stream(messages, stop=stop, run_manager=run_manager, **kwargs)


class UnreachableModel(GenericFakeChatModel):
    """A model server that is down or drops the connection after `words` words of its reply."""

    words: int = 0

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        spoken = 0
        for chunk in super()._stream(messages, stop=stop, run_manager=run_manager, **kwargs):
            spoken += bool(str(chunk.message.content).strip())
            if spoken > self.words:
                break
            yield chunk
        request = httpx.Request("POST", "http://127.0.0.1:8089/v1/chat/completions")
        raise openai.APIConnectionError(request=request)


def unreachable_model(reply: str = "", words: int = 0) -> UnreachableModel:
    return UnreachableModel(messages=iter([AIMessage(reply)]), words=words)


def model_replying(text: str) -> RecordingModel:
    """A model that answers `text` once, with no prompts seen yet."""
    model = RecordingModel(messages=iter([AIMessage(text)]))
    model.prompts_seen = []
    return model


class RecordingGroundedModel(FakeGroundedChatModel):
    """The offline model (answers from the passages it is given), keeping every prompt it was given."""

    prompts: list[str] = []

    def answer_for(self, messages: list[BaseMessage]) -> str:
        self.prompts.append(_prompt_text(messages))
        return super().answer_for(messages)


async def collect_turn(graph, question: str, context=None, *, history=None, scenario=None) -> tuple[str, TurnResult]:
    """Runs one turn for "alice" (no passages unless `context` has some): the streamed text and the final result."""
    streamed, result = [], None
    context = context or context_with()
    async for item in stream_turn(question, "alice", history, graph=graph, context=context, scenario=scenario):
        if isinstance(item, TurnResult):
            result = item
        else:
            streamed.append(item)
    return "".join(streamed), result


class JsonReplies(BaseHTTPRequestHandler):
    """A model server's HTTP API in a test: subclasses answer with `reply_json`, and nothing is logged."""

    def reply_json(self, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@contextmanager
def serving(handler: type[JsonReplies]) -> Iterator[ThreadingHTTPServer]:
    """`handler` served on a free local port for the length of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
