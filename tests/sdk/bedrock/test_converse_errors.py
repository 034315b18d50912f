"""Failures on the Bedrock door as boto3 sees them: Bedrock's exception names (x-amzn-ErrorType), the
table's HTTP statuses, messages that name the field, and exception frames mid-stream."""

from __future__ import annotations

from typing import Any

import botocore.exceptions
import pytest

from conftest import MODEL, Factory, user


def error_of(e: pytest.ExceptionInfo[botocore.exceptions.ClientError]) -> tuple[str, int, str]:
    response = e.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


def test_a_wrong_key_is_refused(make_client: Factory) -> None:
    client = make_client(token="not-the-key")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client.converse(modelId=MODEL, messages=[user("hi")])
    code, status, message = error_of(e)
    assert (code, status) == ("UnrecognizedClientException", 401)
    assert "not-the-key" not in message


def test_boto3_keeps_the_bearer_token_off_plain_http(make_client: Factory, server: Any) -> None:
    # Why the gateway terminates TLS itself: botocore refuses to send the token to an http:// URL.
    client = make_client(endpoint=server.url.replace("https://", "http://"))
    with pytest.raises(botocore.exceptions.InvalidEndpointConfigurationError):
        client.converse(modelId=MODEL, messages=[user("hi")])


def test_a_bad_role_names_its_field(client: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client.converse(modelId=MODEL, messages=[{"role": "system", "content": [{"text": "hi"}]}])
    code, status, message = error_of(e)
    assert (code, status) == ("ValidationException", 400)
    assert "messages[0].role" in message


def test_an_unknown_model_is_not_found(client: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client.converse(modelId="acme.no-such-model-v9:0", messages=[user("hi")])
    code, status, message = error_of(e)
    assert (code, status) == ("ResourceNotFoundException", 404)
    assert "acme.no-such-model-v9:0" in message


@pytest.mark.parametrize("stream", [False, True], ids=["converse", "converse-stream"])
def test_throttling_is_bedrocks_throttling(client: Any, stream: bool) -> None:
    call = client.converse_stream if stream else client.converse
    with pytest.raises(botocore.exceptions.ClientError) as e:
        call(modelId=MODEL, messages=[user("[[emulator:throttle]] hi")])
    code, status, _ = error_of(e)
    assert (code, status) == ("ThrottlingException", 429)
    assert e.value.response["ResponseMetadata"]["HTTPHeaders"].get("retry-after")


def test_an_error_mid_stream_is_an_exception_frame(client: Any) -> None:
    response = client.converse_stream(modelId=MODEL, messages=[user("[[emulator:stream-error=throttling]] some words here")])
    seen: list[str] = []
    with pytest.raises(botocore.exceptions.EventStreamError) as e:
        for event in response["stream"]:
            seen.extend(event)
    assert seen[0] == "messageStart" and "contentBlockDelta" in seen
    assert "messageStop" not in seen
    assert e.value.response["Error"]["Code"] == "throttlingException"


def test_a_field_boto3_does_not_validate_is_named(client: Any) -> None:
    # boto3 checks shapes against its model; the gateway checks what it cannot honour.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client.converse(
            modelId=MODEL, messages=[user("hi")], promptVariables={"topic": {"text": "x"}}
        )
    code, status, message = error_of(e)
    assert (code, status) == ("ValidationException", 400)
    assert "promptVariables" in message
