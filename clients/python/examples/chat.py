"""Asks amazon-chat one question, then streams the answer to another.

    python examples/chat.py [TARGET]      # TARGET defaults to 127.0.0.1:8000; API key from API_KEY
"""

from __future__ import annotations

import os
import sys

import grpc

from amazon_chat import Client

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


def main() -> int:
    target = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8000"
    with Client(target, api_key=os.environ.get("API_KEY"), timeout=30) as client:
        try:
            print(client.chat(MODEL, "Say hello in one sentence."))
            for text in client.stream_chat(MODEL, "Now count to five."):
                print(text, end="", flush=True)
            print()
        except grpc.RpcError as err:
            assert isinstance(err, grpc.Call)
            print(f"error: {err.code().name}: {err.details()}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
