"""A real HTTP chat-completions server on 127.0.0.1 that answers from a script, for the agent tests.

It speaks enough of the OpenAI protocol for the official client: `POST /v1/chat/completions` (with
bearer-key checks and a 404 for unknown models) and `GET /v1/models`. Each chat request takes the next
scripted `Scripted` reply; every request body and the peak number of requests in flight are recorded.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Scripted:
    """One reply: HTTP status, JSON body, seconds to wait first, extra headers."""

    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


def completion(
    content: str | None = None,
    tool_calls: list[dict[str, Any]] | None = None,
    reasoning: str | None = None,
    usage: tuple[int, int] = (12, 5),
) -> Scripted:
    """A successful chat completion."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls is not None:
        message["tool_calls"] = tool_calls
    if reasoning is not None:
        message["reasoning_content"] = reasoning
    body = {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "test-model",
        "choices": [
            {"index": 0, "message": message, "finish_reason": "tool_calls" if tool_calls else "stop"}
        ],
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
    }
    return Scripted(body=body)


def tool_call(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    """A `tool_calls` entry; `arguments` is the raw JSON text (it may be malformed on purpose)."""
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def error(status: int, message: str, delay: float = 0.0, headers: dict[str, str] | None = None) -> Scripted:
    """An error reply in the OpenAI error shape."""
    return Scripted(
        status, {"error": {"message": message, "type": "error", "code": status}}, delay, headers or {}
    )


class ScriptedServer:
    """Serves scripted replies on an ephemeral loopback port; use as a context manager."""

    def __init__(
        self,
        models: tuple[str, ...] = ("test-model",),
        api_key: str | None = None,
        responder: Callable[[dict[str, Any]], Scripted] | None = None,
    ) -> None:
        self.models = models
        self.api_key = api_key
        self.responder = responder  # answers when the script is empty (a stand-in model)
        self.script: deque[Scripted] = deque()
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.active = 0
        self.peak = 0
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._http.daemon_threads = True
        self._thread = threading.Thread(target=self._http.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}/v1"

    def push(self, *replies: Scripted) -> None:
        self.script.extend(replies)

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._http.shutdown()
        self._http.server_close()

    def answer_chat(self, body: dict[str, Any], headers: dict[str, str]) -> Scripted:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
        if self.api_key is not None and headers.get("authorization") != f"Bearer {self.api_key}":
            return error(401, "Incorrect API key provided.")
        if body.get("model") not in self.models:
            return error(404, f"The model `{body.get('model')}` does not exist.")
        with self._lock:
            if self.script:
                return self.script.popleft()
        if self.responder is not None:
            return self.responder(body)
        return error(500, "the test script ran out of replies")

    def models_page(self) -> Scripted:
        data = [{"id": name, "object": "model", "created": 0, "owned_by": "test"} for name in self.models]
        return Scripted(body={"object": "list", "data": data})

    def enter(self) -> None:
        with self._lock:
            self.active += 1
            self.peak = max(self.peak, self.active)

    def leave(self) -> None:
        with self._lock:
            self.active -= 1


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/") == "/v1/models":
                self._send(server.models_page())
            else:
                self._send(error(404, f"no route {self.path}"))

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path != "/v1/chat/completions":
                self._send(error(404, f"no route {self.path}"))
                return
            server.enter()
            try:
                reply = server.answer_chat(body, {k.lower(): v for k, v in self.headers.items()})
                time.sleep(reply.delay)
            finally:
                server.leave()
            self._send(reply)

        def _send(self, reply: Scripted) -> None:
            payload = json.dumps(reply.body).encode()
            try:
                self.send_response(reply.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up (a timeout test): nothing to answer

    return Handler
