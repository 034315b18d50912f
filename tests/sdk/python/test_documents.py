"""Documents, citations and images by URL through the official openai SDK, unchanged: a PDF or text
file goes in as OpenAI's typed `file` content part (`file_data` a data URL, `filename`); `citations`
is a request field OpenAI does not define (sent with `extra_body`), and the citations come back in
the message's and the deltas' `model_extra`. An `image_url` with an http URL is fetched by the
server, here from a loopback image server that a server started with the test-only
`--image-urls-allow-loopback` may reach (the default server refuses it)."""

from __future__ import annotations

import base64
import http.server
import threading
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from conftest import MODEL, PNG_DATA_URL, assert_envelope
from launch_server import Server, amazon_chat

PNG = base64.b64decode(PNG_DATA_URL.split(",", 1)[1])

# A model that cites documents.
SONNET_4_5 = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
FACTS = "The sky is blue. Grass is green. Snow is white."
CITATION = {
    "title": "facts",
    "document_index": 0,
    "cited_text": "The sky is blue.",
    "location_type": "document_char",
    "start": 0,
    "end": 16,
}


def file_part(media_type: str, data: bytes, filename: str) -> dict[str, Any]:
    encoded = base64.b64encode(data).decode()
    return {"type": "file", "file": {"file_data": f"data:{media_type};base64,{encoded}", "filename": filename}}


def ask(*parts: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"role": "user", "content": [{"type": "text", "text": "What do these say?"}, *parts]}]


def test_a_pdf_and_a_text_file_are_read(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model=MODEL,
        messages=ask(
            file_part("application/pdf", b"%PDF-1.4 figures", "report.pdf"),
            file_part("text/plain", FACTS.encode(), "facts.txt"),
        ),
    )
    message = completion.choices[0].message
    assert message.content is not None and "2 documents" in message.content, message.content
    assert "citations" not in (message.model_extra or {}), "citations were not asked for"


def test_citations_come_back_with_the_answer(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model=SONNET_4_5,
        messages=ask(file_part("text/plain", FACTS.encode(), "facts.txt")),
        extra_body={"citations": True},
    )
    message = completion.choices[0].message
    assert message.content is not None and "The sky is blue." in message.content
    assert (message.model_extra or {}).get("citations") == [CITATION]


def test_citations_stream_in_deltas(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model=SONNET_4_5,
        messages=ask(file_part("text/plain", FACTS.encode(), "facts.txt")),
        extra_body={"citations": True},
        stream=True,
    )
    deltas = [chunk.choices[0].delta for chunk in stream if chunk.choices]
    citations = [c for d in deltas for c in (d.model_extra or {}).get("citations") or []]
    assert citations == [CITATION]
    assert "The sky is blue." in "".join(d.content or "" for d in deltas)


def test_a_file_id_is_refused_naming_the_part(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(
            model=MODEL,
            messages=[
                {
                    "role": "user",
                    "content": [{"type": "text", "text": "read"}, {"type": "file", "file": {"file_id": "file-1"}}],
                }
            ],
        )
    assert_envelope(
        caught.value.body, type="invalid_request_error", code="invalid_argument", param="messages[0].content[1].file.file_id"
    )


class _Images(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        body = PNG if self.path == "/pixel" else b"not found"
        self.send_response(200 if self.path == "/pixel" else 404)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture(scope="module")
def image_url() -> Iterator[str]:
    images = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Images)
    threading.Thread(target=images.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{images.server_address[1]}/pixel"
    images.shutdown()


@pytest.fixture(scope="module")
def fetching_server() -> Iterator[Server]:
    try:
        with amazon_chat(extra_args=("--image-urls", "http", "--image-urls-allow-loopback")) as s:
            yield s
    except RuntimeError as e:  # binary missing or server did not come up
        pytest.fail(str(e), pytrace=False)


def image_message(url: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": [{"type": "text", "text": "what is it?"}, {"type": "image_url", "image_url": {"url": url}}]}]


def test_an_image_url_is_fetched_by_the_server(fetching_server: Server, image_url: str) -> None:
    with openai.OpenAI(base_url=fetching_server.base_url, api_key=fetching_server.api_key, max_retries=0) as client:
        completion = client.chat.completions.create(model=MODEL, messages=image_message(image_url))
    content = completion.choices[0].message.content
    assert content is not None and f"1 image: png, {len(PNG)} bytes" in content, content


def test_a_loopback_image_url_is_refused_by_default(client: openai.OpenAI, image_url: str) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=MODEL, messages=image_message(image_url.replace("http://", "https://")))
    assert_envelope(
        caught.value.body, type="invalid_request_error", code="invalid_argument", param="messages[0].content.parts[1].image_url.url"
    )
    assert "loopback" in caught.value.body["message"], caught.value.body
