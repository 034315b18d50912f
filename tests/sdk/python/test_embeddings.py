"""/v1/embeddings through the official openai SDK: Bedrock's embedding families behind OpenAI's
Embeddings API. The SDK asks for base64 vectors by default (and decodes them); float vectors are
asked for explicitly. The emulator's vectors are deterministic, so equal inputs give equal vectors."""

from __future__ import annotations

import math

import openai
import pytest

from conftest import MODEL, assert_envelope

TITAN_V2 = "amazon.titan-embed-text-v2:0"
COHERE_V3 = "cohere.embed-english-v3"
COHERE_V4 = "us.cohere.embed-v4:0"
NOVA = "amazon.nova-2-multimodal-embeddings-v1:0"


def norm(vector: list[float]) -> float:
    return math.sqrt(sum(x * x for x in vector))


def test_one_text_with_titan_v2(client: openai.OpenAI) -> None:
    result = client.embeddings.create(model=TITAN_V2, input="The quick brown fox")
    assert result.object == "list"
    assert result.model == TITAN_V2
    assert [e.index for e in result.data] == [0]
    vector = result.data[0].embedding
    assert len(vector) == 1024, "Titan V2's default size"
    assert norm(vector) == pytest.approx(1.0, abs=1e-3), "Titan V2 normalises by default"
    assert result.usage.prompt_tokens == 4, "Bedrock's count: the emulator counts words"
    assert result.usage.total_tokens == 4


def test_base64_and_float_encodings_give_the_same_vector(client: openai.OpenAI) -> None:
    decoded = client.embeddings.create(model=TITAN_V2, input="same text")  # the SDK's base64, decoded
    floats = client.embeddings.create(model=TITAN_V2, input="same text", encoding_format="float")
    assert decoded.data[0].embedding == pytest.approx(floats.data[0].embedding, abs=1e-6)
    other = client.embeddings.create(model=TITAN_V2, input="other text", encoding_format="float")
    assert other.data[0].embedding != floats.data[0].embedding


def test_dimensions_and_normalize(client: openai.OpenAI) -> None:
    small = client.embeddings.create(model=TITAN_V2, input="hello", dimensions=256, encoding_format="float")
    assert len(small.data[0].embedding) == 256
    raw = client.embeddings.create(
        model=COHERE_V4, input="hello", dimensions=512, encoding_format="float", extra_body={"normalize": True}
    )
    assert len(raw.data[0].embedding) == 512
    assert norm(raw.data[0].embedding) == pytest.approx(1.0, abs=1e-3)


def test_a_batch_keeps_its_order_across_calls(client: openai.OpenAI) -> None:
    texts = [f"passage number {i}" for i in range(100)]  # Cohere takes 96 a call: two calls
    batch = client.embeddings.create(model=COHERE_V3, input=texts, encoding_format="float")
    assert [e.index for e in batch.data] == list(range(100))
    assert all(len(e.embedding) == 1024 for e in batch.data)
    single = client.embeddings.create(model=COHERE_V3, input=texts[97], encoding_format="float")
    assert batch.data[97].embedding == pytest.approx(single.data[0].embedding, abs=1e-6)
    assert batch.usage.prompt_tokens == 300, "three words each, from Bedrock's header (Cohere's body has none)"


def test_titan_inputs_are_sent_one_by_one_and_summed(client: openai.OpenAI) -> None:
    batch = client.embeddings.create(model=TITAN_V2, input=["one two", "three"], encoding_format="float")
    assert len(batch.data) == 2
    assert batch.usage.prompt_tokens == 3


def test_input_type_changes_cohere_vectors(client: openai.OpenAI) -> None:
    document = client.embeddings.create(model=COHERE_V3, input="capital of France", encoding_format="float")
    query = client.embeddings.create(
        model=COHERE_V3, input="capital of France", encoding_format="float", extra_body={"input_type": "search_query"}
    )
    assert document.data[0].embedding != query.data[0].embedding


def test_nova_embeds_text(client: openai.OpenAI) -> None:
    result = client.embeddings.create(model=NOVA, input="a photo of a cat", dimensions=384, encoding_format="float")
    assert len(result.data[0].embedding) == 384


def test_chat_model_is_refused_naming_model(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.embeddings.create(model=MODEL, input="hi")
    assert_envelope(e.value.body, type="invalid_request_error", code="invalid_argument", param="model")
    assert "not an embedding model" in e.value.body["message"]


def test_embedding_model_in_chat_is_refused(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model=TITAN_V2, messages=[{"role": "user", "content": "hi"}])
    assert_envelope(e.value.body, type="invalid_request_error", code="invalid_argument", param="model")
    assert "embedding model" in e.value.body["message"]


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"input": []}, "input"),
        ({"input": [1, 2, 3]}, "input"),
        ({"input": "hi", "dimensions": 300}, "dimensions"),
        ({"input": ["ok", "x" * 2049], "model": COHERE_V3}, "input[1]"),
        ({"input": "hi", "extra_body": {"input_type": "poetry"}}, "input_type"),
    ],
)
def test_bad_requests_name_the_field(client: openai.OpenAI, kwargs: dict, param: str) -> None:
    kwargs = {"model": TITAN_V2, "encoding_format": "float", **kwargs}
    with pytest.raises(openai.BadRequestError) as e:
        client.embeddings.create(**kwargs)
    assert_envelope(e.value.body, type="invalid_request_error", code="invalid_argument", param=param)


def test_throttling_is_a_rate_limit_error(client: openai.OpenAI) -> None:
    with pytest.raises(openai.RateLimitError) as e:
        client.embeddings.create(model=TITAN_V2, input="[[emulator:throttle]] hello", encoding_format="float")
    assert e.value.response.headers.get("retry-after")
