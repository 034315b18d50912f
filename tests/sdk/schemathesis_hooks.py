"""Schemathesis hooks for the amazon-chat OpenAPI run (loaded through SCHEMATHESIS_HOOKS by run.sh).

1. Reach the success path. Bodies generated from the schema alone practically never pass the
   server's validation (`model` is any string, `role` any string, `messages` may be empty, `seed`
   and `logprobs: true` are documented yet always refused, ...), so POST /v1/chat/completions would
   only ever answer 400/404. So each generated body may be swapped (hypothesis picks) for a valid
   request (the real model id, 1-3 turns of arbitrary Unicode text) with random optional parameters
   (stream, stream_options, temperature, top_p, max_tokens, stop, user, ...): unary and streamed
   answers (text/event-stream) are fuzzed end to end through the in-process emulator, and the
   bodies left as schemathesis made them exercise validation.
2. `sse_chat_stream`: a check on every text/event-stream response: `data:` events only, each a JSON
   `chat.completion.chunk` valid against the document's own ChatCompletionChunk schema, or one
   final `{"error": ...}` event (then the stream ends); otherwise the stream ends with `data: [DONE]`.
   A server-side error event (`type` api_error / server_error) for a request the server accepted
   counts as a failure, like a 5xx would.
3. The text/event-stream response schema. Schemathesis validates each SSE event ({"data": ...,
   "event": ...}) of an OpenAPI 3.1 document against that media type's `schema`. If the server
   documents the stream as a bare `{"type": "string"}`, every event fails that, so the hook swaps
   in a per-event schema (`data` is `[DONE]` or JSON matching ChatCompletionChunk / ErrorResponse)
   and says so on stderr. A document that already describes its events is used unchanged.
4. `reaches_success`: after the run, every operation must have answered 2xx at least once, and
   POST /v1/chat/completions and POST /v1/messages with both JSON and an event stream: otherwise
   the fuzzing proved little.
5. POST /v1/embeddings and POST /v1/messages/count_tokens: generated bodies may be swapped for
   valid ones (an embedding model and one to five texts; a message request for a model Bedrock
   counts tokens for).
6. Anthropic's Messages door (POST /v1/messages) gets the same treatment: generated bodies may be
   swapped for valid ones (an Anthropic model name, alternating turns, random optional
   parameters), and its event streams are checked by `sse_chat_stream` against Anthropic's event
   grammar: `message_start`, `ping`, well-nested `content_block_start` / `_delta` / `_stop` with
   increasing indexes, `message_delta` with a stop reason, `message_stop` last (or one final
   `error` event, not a server error).
7. Bedrock's Converse door (POST /model/{modelId}/converse and /converse-stream): the model in
   the path may be swapped for a real one, and generated bodies for valid Converse requests
   (alternating turns of text blocks, optional system, inferenceConfig, requestMetadata).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import jsonschema_rs
import schemathesis
from hypothesis import strategies as st

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
ANTHROPIC_MODEL = "claude-3-haiku-20240307"
CHAT = ("POST", "/v1/chat/completions")
MESSAGES = ("POST", "/v1/messages")
EMBEDDINGS = ("POST", "/v1/embeddings")
COUNT_TOKENS = ("POST", "/v1/messages/count_tokens")
CONVERSE_PATHS = ("/model/{modelId}/converse", "/model/{modelId}/converse-stream")
STREAMING = (CHAT, MESSAGES)


def _is_chat(operation: Any) -> bool:
    return operation is not None and (operation.method.upper(), operation.path) == CHAT


def _is_messages(operation: Any) -> bool:
    return operation is not None and (operation.method.upper(), operation.path) == MESSAGES


def _is_count_tokens(operation: Any) -> bool:
    return operation is not None and (operation.method.upper(), operation.path) == COUNT_TOKENS


def _is_converse(operation: Any) -> bool:
    return operation is not None and operation.method.upper() == "POST" and operation.path in CONVERSE_PATHS


def _is_embeddings(operation: Any) -> bool:
    return operation is not None and (operation.method.upper(), operation.path) == EMBEDDINGS


_TEXT = st.text(min_size=1, max_size=60)
_TURN = st.one_of(
    st.fixed_dictionaries({"role": st.just("user"), "content": _TEXT}),
    st.fixed_dictionaries(
        {"role": st.just("user"), "content": st.lists(st.fixed_dictionaries({"type": st.just("text"), "text": _TEXT}), min_size=1, max_size=3)}
    ),
)
_CONVERSATION = st.tuples(
    st.lists(st.fixed_dictionaries({"role": st.sampled_from(["system", "developer"]), "content": _TEXT}), max_size=1),
    st.lists(st.tuples(_TURN, st.fixed_dictionaries({"role": st.just("assistant"), "content": _TEXT})), max_size=1),
    _TURN,
).map(lambda t: [*t[0], *(m for pair in t[1] for m in pair), t[2]])
_VALID_CHAT = st.fixed_dictionaries(
    {"model": st.just(MODEL), "messages": _CONVERSATION},
    optional={
        "stream_options": st.one_of(st.none(), st.fixed_dictionaries({}, optional={"include_usage": st.booleans()})),
        "temperature": st.one_of(st.none(), st.floats(0, 1)),
        "top_p": st.one_of(st.none(), st.floats(0, 1)),
        # Sent as max_tokens or (see the map below) as max_completion_tokens, never both: they are
        # synonyms and the server refuses two different values.
        "max_tokens": st.one_of(st.none(), st.integers(1, 4096)),
        "stop": st.one_of(st.none(), _TEXT, st.lists(_TEXT, max_size=4)),
        "user": st.one_of(st.none(), _TEXT),
        "n": st.one_of(st.none(), st.just(1)),
        "parallel_tool_calls": st.one_of(st.none(), st.booleans()),
    },
).map(lambda b: {("max_completion_tokens" if b.get("user") and "max_tokens" in b else k): v for k, v in b.items()})

_ANTHROPIC_TURN = st.fixed_dictionaries(
    {
        "role": st.just("user"),
        "content": st.one_of(
            _TEXT, st.lists(st.fixed_dictionaries({"type": st.just("text"), "text": _TEXT}), min_size=1, max_size=3)
        ),
    }
)
_VALID_MESSAGES = st.fixed_dictionaries(
    {
        "model": st.sampled_from([ANTHROPIC_MODEL, MODEL]),
        "max_tokens": st.integers(1, 4096),
        "messages": st.tuples(
            st.lists(st.tuples(_ANTHROPIC_TURN, st.fixed_dictionaries({"role": st.just("assistant"), "content": _TEXT})), max_size=1),
            _ANTHROPIC_TURN,
        ).map(lambda t: [*(m for pair in t[0] for m in pair), t[1]]),
    },
    optional={
        "system": st.one_of(_TEXT, st.lists(st.fixed_dictionaries({"type": st.just("text"), "text": _TEXT}), min_size=1, max_size=2)),
        "temperature": st.floats(0, 1),
        "top_p": st.floats(0, 1),
        "top_k": st.integers(1, 500),
        "stop_sequences": st.lists(_TEXT, max_size=4),
        "metadata": st.fixed_dictionaries({}, optional={"user_id": _TEXT}),
    },
)

_VALID_EMBEDDINGS = st.fixed_dictionaries(
    {
        "model": st.sampled_from(["amazon.titan-embed-text-v2:0", "cohere.embed-english-v3", "us.cohere.embed-v4:0"]),
        "input": st.one_of(_TEXT, st.lists(_TEXT, min_size=1, max_size=5)),
    },
    optional={
        "encoding_format": st.sampled_from(["float", "base64"]),
        "input_type": st.sampled_from(["search_document", "search_query", "classification", "clustering"]),
        "normalize": st.booleans(),
        "user": _TEXT,
    },
)

_CONVERSE_TURN = st.fixed_dictionaries(
    {"role": st.just("user"), "content": st.lists(st.fixed_dictionaries({"text": _TEXT}), min_size=1, max_size=3)}
)
_VALID_CONVERSE = st.fixed_dictionaries(
    {
        "messages": st.tuples(
            st.lists(
                st.tuples(
                    _CONVERSE_TURN,
                    st.fixed_dictionaries({"role": st.just("assistant"), "content": st.just([{"text": "ok"}])}),
                ),
                max_size=1,
            ),
            _CONVERSE_TURN,
        ).map(lambda t: [*(m for pair in t[0] for m in pair), t[1]]),
    },
    optional={
        "system": st.lists(st.fixed_dictionaries({"text": _TEXT}), min_size=1, max_size=2),
        "inferenceConfig": st.fixed_dictionaries(
            {},
            optional={
                "maxTokens": st.integers(1, 4096),
                "temperature": st.floats(0, 1),
                "topP": st.floats(0, 1),
                "stopSequences": st.lists(_TEXT, max_size=4),
            },
        ),
        "requestMetadata": st.dictionaries(st.text("abcdefgh", min_size=1, max_size=8), _TEXT, max_size=3),
    },
)


SSE_EVENT_SCHEMA = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {
            "anyOf": [
                {"const": "[DONE]"},
                {
                    "type": "string",
                    "contentMediaType": "application/json",
                    "contentSchema": {
                        "anyOf": [
                            {"$ref": "#/components/schemas/ChatCompletionChunk"},
                            {"$ref": "#/components/schemas/ErrorResponse"},
                        ]
                    },
                },
            ]
        }
    },
}


@schemathesis.hook
def before_load_schema(context: Any, raw_schema: dict[str, Any]) -> None:
    try:
        media = raw_schema["paths"][CHAT[1]]["post"]["responses"]["200"]["content"]["text/event-stream"]
    except (KeyError, TypeError):
        return
    if media.get("schema") == {"type": "string"} and "itemSchema" not in media:
        media["schema"] = SSE_EVENT_SCHEMA
        print(
            "schemathesis_hooks: the document gives text/event-stream a bare {\"type\": \"string\"} schema, which"
            " schemathesis applies to each SSE event; validating events against a per-event schema instead"
            " (see SSE_EVENT_SCHEMA in tests/sdk/schemathesis_hooks.py)",
            file=sys.stderr,
        )


@schemathesis.hook
def flatmap_body(context: Any, body: Any) -> Any:
    # As generated, or a valid unary request, or a valid streamed one.
    if _is_chat(context.operation):
        valid = _VALID_CHAT
    elif _is_messages(context.operation):
        valid = _VALID_MESSAGES
    elif _is_embeddings(context.operation):
        return st.one_of(st.just(body), _VALID_EMBEDDINGS)
    elif _is_converse(context.operation):
        return st.one_of(st.just(body), _VALID_CONVERSE)
    elif _is_count_tokens(context.operation):
        # A model Bedrock counts tokens for (Claude 3 Haiku is not one).
        return st.one_of(st.just(body), _VALID_MESSAGES.map(lambda b: {**b, "model": "claude-sonnet-4-0"}))
    else:
        return st.just(body)
    return st.one_of(
        st.just(body),
        valid.map(lambda b: {**b, "stream": False}),
        valid.map(lambda b: {**b, "stream": True}),
    )


@schemathesis.hook
def flatmap_path_parameters(context: Any, path_parameters: Any) -> Any:
    # The Converse door's model is in the path: as generated (mostly unknown, a 404), or a real one.
    if _is_converse(context.operation):
        return st.one_of(st.just(path_parameters), st.just({**(path_parameters or {}), "modelId": MODEL}))
    return st.just(path_parameters)


_CHUNK_VALIDATORS: dict[int, Any] = {}


def _chunk_validator(raw_schema: dict[str, Any]) -> Any:
    key = id(raw_schema)
    if key not in _CHUNK_VALIDATORS:
        _CHUNK_VALIDATORS[key] = jsonschema_rs.validator_for(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "components": raw_schema.get("components", {}),
                "$ref": "#/components/schemas/ChatCompletionChunk",
            }
        )
    return _CHUNK_VALIDATORS[key]


def _sse_events(text: str) -> list[dict[str, str]]:
    events: list[dict[str, str]] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        if not block.strip():
            continue
        fields: dict[str, list[str]] = {}
        for line in block.split("\n"):
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            fields.setdefault(name, []).append(value.removeprefix(" "))
        events.append({k: "\n".join(v) for k, v in fields.items()})
    return events


@schemathesis.check
def sse_chat_stream(ctx: Any, response: Any, case: Any) -> bool | None:
    content_type = ";".join(response.headers.get("content-type", []))
    if not content_type.startswith("text/event-stream"):
        return None
    if getattr(response, "stream_cut_short", False):
        return None  # only the first events were kept
    assert response.status_code == 200, f"event stream with status {response.status_code}"
    events = _sse_events(response.content.decode("utf-8"))
    assert events, "empty event stream"
    if _is_messages(case.operation):
        _anthropic_stream(events)
        return None
    validator = _chunk_validator(case.operation.schema.raw_schema)
    include_usage = isinstance(case.body, dict) and isinstance(case.body.get("stream_options"), dict) and (
        case.body["stream_options"].get("include_usage") is True
    )
    finish_reasons = []
    for i, event in enumerate(events):
        assert set(event) == {"data"}, f"event #{i} has fields {sorted(event)}: only `data:` is expected"
        data = event["data"]
        if data == "[DONE]":
            assert i == len(events) - 1, f"`data: [DONE]` is event #{i} of {len(events)}"
            break
        payload = json.loads(data)
        if "error" in payload:
            assert i == len(events) - 1, f"error event #{i} is not the last one"
            error = payload["error"]
            assert isinstance(error, dict) and isinstance(error.get("message"), str), f"bad error event: {data}"
            assert error.get("type") not in ("api_error", "server_error"), f"server error mid-stream: {data}"
            return None
        errors = [str(e) for e in validator.iter_errors(payload)]
        assert not errors, f"chunk #{i} does not match ChatCompletionChunk: {errors[:3]}\n{data}"
        assert payload["object"] == "chat.completion.chunk", data
        if payload.get("usage") is not None:
            assert include_usage, f"usage without stream_options.include_usage: {data}"
            assert payload["choices"] == [], f"usage chunk with choices: {data}"
        finish_reasons += [c["finish_reason"] for c in payload["choices"] if c.get("finish_reason")]
    else:
        raise AssertionError("event stream does not end with `data: [DONE]`")
    assert len(finish_reasons) == 1, f"finish_reason set {len(finish_reasons)} times: {finish_reasons}"
    return None


BLOCK_DELTAS = {"text": {"text_delta", "citations_delta"}, "thinking": {"thinking_delta", "signature_delta"},
                "tool_use": {"input_json_delta"}, "redacted_thinking": set()}


def _anthropic_stream(events: list[dict[str, str]]) -> None:
    """Anthropic's event grammar, event by event (the data's `type` is the event's name)."""
    names = [e.get("event") for e in events]
    payloads = []
    for i, event in enumerate(events):
        assert set(event) == {"event", "data"}, f"event #{i} has fields {sorted(event)}: `event:` and `data:` expected"
        payload = json.loads(event["data"])
        assert payload.get("type") == event["event"], f"event #{i} named {event['event']} carries type {payload.get('type')}"
        payloads.append(payload)
    if names[-1] == "error":
        error = payloads[-1]["error"]
        assert isinstance(error.get("message"), str) and error["message"], f"bad error event: {payloads[-1]}"
        assert error.get("type") not in ("api_error",), f"server error mid-stream: {payloads[-1]}"
        names, payloads = names[:-1], payloads[:-1]
        ended = False
    else:
        ended = True
    assert names[:2] == ["message_start", "ping"], f"stream starts with {names[:2]}"
    message = payloads[0]["message"]
    assert message["content"] == [] and message["role"] == "assistant" and message["id"].startswith("msg_"), message
    index, open_kind = 0, None
    body = names[2:-2] if ended else names[2:]
    for name, payload in zip(body, payloads[2 : 2 + len(body)]):
        if name == "content_block_start":
            assert open_kind is None, f"block {payload['index']} starts inside block {index}"
            assert payload["index"] == index, f"block index {payload['index']}, expected {index}"
            open_kind = payload["content_block"]["type"]
            assert open_kind in BLOCK_DELTAS, f"unknown block type {open_kind}"
        elif name == "content_block_delta":
            assert open_kind is not None and payload["index"] == index, f"delta outside its block: {payload}"
            assert payload["delta"]["type"] in BLOCK_DELTAS[open_kind], f"{payload['delta']['type']} in a {open_kind} block"
        elif name == "content_block_stop":
            assert open_kind is not None and payload["index"] == index, f"stop outside its block: {payload}"
            index, open_kind = index + 1, None
        elif name != "ping":
            raise AssertionError(f"unexpected event {name} among the blocks")
    if ended:
        assert open_kind is None, "the stream ended inside a block"
        assert names[-2:] == ["message_delta", "message_stop"], f"stream ends with {names[-2:]}"
        delta = payloads[-2]
        assert delta["delta"]["stop_reason"] in ("end_turn", "max_tokens", "stop_sequence", "tool_use", "refusal"), delta
        assert isinstance(delta["usage"]["output_tokens"], int), delta


@schemathesis.check
class reaches_success:  # noqa: N801 - the check's name as the CLI shows it
    """Fail when an operation never answered 2xx, or a streaming one never answered both JSON and SSE."""

    def __init__(self) -> None:
        self.tested: set[str] = set()
        self.reached: set[str] = set()

    def after_response(self, ctx: Any, response: Any, case: Any) -> None:
        label = case.operation.label
        self.tested.add(label)
        if 200 <= response.status_code < 300:
            content_type = ";".join(response.headers.get("content-type", []))
            self.reached.add(label)
            if _is_chat(case.operation) or _is_messages(case.operation):
                self.reached.add(label + (" (stream)" if content_type.startswith("text/event-stream") else " (json)"))

    def after_run(self, ctx: Any) -> None:
        wanted = set(self.tested)
        for method, path in STREAMING:
            if f"{method} {path}" in self.tested:
                wanted |= {f"{method} {path} (json)", f"{method} {path} (stream)"}
        missing = sorted(wanted - self.reached)
        if missing:
            raise AssertionError("never answered 2xx: " + ", ".join(missing))
