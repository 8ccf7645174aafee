"""`OpenAIClient`: one connection to an OpenAI-compatible server, shared by many episodes.

It holds an `AsyncOpenAI` client and an `asyncio.Semaphore` per event loop (so the concurrency bound
holds across every agent using it). Retries (408/409/429/5xx replies, timeouts, refused or cut
connections) and their backoff are the SDK's own; `timeout` is a total deadline for each attempt, body
included, so a server that drips bytes cannot hold a request past it. Every failure that is left becomes
one specific `BackendError` line saying what to fix. Synchronous callers go through a private
event-loop thread, so `act` and `aact` share one bound.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import os
import sys
import threading
import time
import weakref
from collections.abc import Coroutine, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from funreason_envs.errors import (
    BackendAuthError,
    BackendError,
    BackendNotListeningError,
    BackendRequestError,
    BackendTimeoutError,
    BackendUnavailableError,
    BackendUnreachableError,
    ConfigError,
    MissingDependencyError,
    ModelNotFoundError,
)

if TYPE_CHECKING:
    from types import ModuleType

    from openai import AsyncOpenAI

T = TypeVar("T")
PLACEHOLDER_API_KEY = "EMPTY"  # local servers (vLLM, SGLang, llama.cpp) accept any key
MESSAGE_LIMIT = 300
_attempts: contextvars.ContextVar[list[int]] = contextvars.ContextVar("funreason_openai_attempts")


def import_openai() -> ModuleType:
    """The `openai` package, or a `MissingDependencyError` naming the install command."""
    try:
        import openai
    except ImportError:
        raise MissingDependencyError(
            "the OpenAI-compatible agent needs the openai package: pip install 'funreason-envs[openai]'"
        ) from None
    return openai


class OpenAIClient:
    """A shared, bounded, retrying connection to a chat-completions server.

    Args:
        base_url: the server's API root, e.g. `http://localhost:8000/v1` (default: `OPENAI_BASE_URL`, else
            OpenAI's own API).
        api_key: default `OPENAI_API_KEY`, else a placeholder that local servers accept.
        max_concurrency: requests in flight at once, over all agents using this client (per event loop).
        timeout: seconds one attempt may take in all (connect, wait, whole body).
        max_retries: further attempts the SDK makes after a 408, 409, 429, 5xx reply, a timeout or a
            failed connection, with its exponential backoff (honouring `Retry-After`).
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        max_concurrency: int = 16,
        timeout: float = 120.0,
        max_retries: int = 3,
    ) -> None:
        self._openai = import_openai()
        url = base_url or os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"base_url {url!r} is not an http(s) URL; use e.g. http://localhost:8000/v1")
        if max_concurrency < 1 or not timeout > 0 or max_retries < 0:
            raise ConfigError("OpenAIClient needs max_concurrency >= 1, timeout > 0 and max_retries >= 0")
        self.base_url = url.rstrip("/")
        self.api_key = api_key or os.environ.get("OPENAI_API_KEY") or PLACEHOLDER_API_KEY
        self.max_concurrency = max_concurrency
        self.timeout = timeout
        self.max_retries = max_retries
        self._per_loop: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, tuple[AsyncOpenAI, asyncio.Semaphore]
        ]
        self._per_loop = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # -- requests -------------------------------------------------------------------------------

    async def chat(self, request: Mapping[str, Any]) -> tuple[Any, dict[str, float]]:
        """Send one chat-completions request; returns the completion and its timing record.

        The timing holds `attempts`, `wait_s` (time queued behind the concurrency bound), and
        `total_s` (from sending to the reply, the SDK's retries and backoff included).
        """
        client, semaphore = self._loop_state()
        request = _sendable(request)
        counter = [0]
        token = _attempts.set(counter)
        queued = time.perf_counter()
        try:
            async with semaphore:
                sent = time.perf_counter()
                try:
                    completion = await client.chat.completions.create(**request)
                except self._openai.APIError as exc:
                    raise await self._translate(exc, request.get("model"), counter[0]) from exc
                except ValueError as exc:  # a 200 reply that is not a chat completion (HTML, bad JSON)
                    raise BackendRequestError(
                        f"unusable reply from {self.base_url}: {type(exc).__name__}: {_short(str(exc))}"
                    ) from exc
                finished = time.perf_counter()
        finally:
            _attempts.reset(token)
        timing = {
            "attempts": float(max(counter[0], 1)),
            "wait_s": sent - queued,
            "request_s": finished - sent,
            "total_s": finished - queued,
        }
        return completion, timing

    async def list_models(self) -> list[str]:
        """The model ids the server lists at `/models`."""
        client, semaphore = self._loop_state()
        openai = self._openai
        async with semaphore:
            try:
                page = await client.models.list()
            except openai.APIConnectionError as exc:
                raise BackendUnreachableError(f"cannot reach {self.base_url}: {_cause(exc)}") from exc
            except openai.APIError as exc:
                raise BackendRequestError(f"{self.base_url}/models failed: {_server_message(exc)}") from exc
        return [model.id for model in page.data]

    async def _translate(self, failure: Exception, model: Any, attempts: int) -> BackendError:
        """The `BackendError` for a failure the SDK's retries did not get past."""
        openai = self._openai
        if isinstance(failure, openai.APITimeoutError):
            return BackendTimeoutError(
                f"{self.base_url} did not answer within {self.timeout:g}s ({attempts} attempts); "
                "raise the timeout or check the server's load"
            )
        if isinstance(failure, openai.APIStatusError):
            status = failure.status_code
            if status in (408, 409, 429) or status >= 500:
                return BackendUnavailableError(
                    f"{self.base_url} answered HTTP {status} on all {attempts} attempts: "
                    f"{_server_message(failure)}"
                )
            return await self._status_error(failure, model)
        if isinstance(failure, openai.APIConnectionError):
            import httpx  # the SDK's transport

            never_connected = isinstance(failure.__cause__, httpx.ConnectError)
            return (BackendNotListeningError if never_connected else BackendUnreachableError)(
                f"cannot reach {self.base_url}: {_cause(failure)} ({attempts} attempts); "
                "check base_url and that the server is up"
            )
        return BackendRequestError(f"unusable reply from {self.base_url}: {_server_message(failure)}")

    async def _status_error(self, exc: Any, model: Any) -> BackendError:
        status = exc.status_code
        message = _server_message(exc)
        if status in (401, 403):
            return BackendAuthError(
                f"{self.base_url} refused the API key (HTTP {status}: {message}); "
                "set OPENAI_API_KEY (or api_key=) to a key this server accepts"
            )
        lowered = message.lower()
        if status == 404 or ("model" in lowered and ("does not exist" in lowered or "not found" in lowered)):
            return await self._model_error(model, status, message)
        return BackendRequestError(f"{self.base_url} rejected the request (HTTP {status}): {message}")

    async def _model_error(self, model: Any, status: int, message: str) -> BackendError:
        try:
            served = await self.list_models()
        except BackendError:
            return ModelNotFoundError(
                f"HTTP {status} for model {model!r} at {self.base_url} ({message}); check the model name "
                "and that base_url is the API root (it usually ends in /v1)"
            )
        if model in served:
            return BackendRequestError(
                f"{self.base_url} answered HTTP {status} for model {model!r}: {message}"
            )
        listing = ", ".join(served) if served else "no models"
        return ModelNotFoundError(f"{self.base_url} does not serve model {model!r}; it serves: {listing}")

    # -- event loops ----------------------------------------------------------------------------

    def _loop_state(self) -> tuple[AsyncOpenAI, asyncio.Semaphore]:
        loop = asyncio.get_running_loop()
        with self._lock:
            state = self._per_loop.get(loop)
            if state is None:
                client = self._openai.AsyncOpenAI(
                    base_url=self.base_url,
                    api_key=self.api_key,
                    timeout=self.timeout,
                    max_retries=self.max_retries,
                    http_client=_deadline_client(self._openai, self.timeout),
                )
                state = (client, asyncio.Semaphore(self.max_concurrency))
                self._per_loop[loop] = state
        return state

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on this client's own event-loop thread and wait for its result."""
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=self._loop.run_forever, name="funreason-openai", daemon=True
                )
                self._thread.start()
            loop = self._loop
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result()

    async def aclose(self) -> None:
        """Close the connection pool of the running event loop."""
        with self._lock:
            state = self._per_loop.pop(asyncio.get_running_loop(), None)
        if state is not None:
            await state[0].close()

    def close(self) -> None:
        """Close the private event-loop thread and its connections (other loops: use `aclose`)."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self.aclose(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()

    def __enter__(self) -> OpenAIClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _deadline_client(openai: ModuleType, seconds: float) -> Any:
    """The SDK's default async HTTP client, with every attempt bounded by `seconds` in total."""
    base = next(kind for kind in openai.DefaultAsyncHttpxClient.__mro__ if kind.__name__ == "AsyncClient")
    http = sys.modules[base.__module__.split(".")[0]]  # httpx, or the fork the SDK is built on

    class DeadlineTransport(http.AsyncBaseTransport):
        """Reads each whole reply (headers and body) within the deadline, or raises a read timeout."""

        def __init__(self) -> None:
            self.inner = http.AsyncHTTPTransport()

        async def handle_async_request(self, request: Any) -> Any:
            counter = _attempts.get(None)
            if counter is not None:
                counter[0] += 1
            try:
                async with asyncio.timeout(seconds):
                    response = await self.inner.handle_async_request(request)
                    try:
                        body = b"".join([chunk async for chunk in response.aiter_raw()])
                    finally:
                        await response.aclose()
            except TimeoutError:
                raise http.ReadTimeout(f"no complete reply within {seconds:g}s", request=request) from None
            return http.Response(
                response.status_code,
                headers=response.headers,
                content=body,
                extensions=response.extensions,
                request=request,
            )

        async def aclose(self) -> None:
            await self.inner.aclose()

    return openai.DefaultAsyncHttpxClient(transport=DeadlineTransport())


def _server_message(exc: Any) -> str:
    """The server's own error text, on one short line."""
    body = getattr(exc, "body", None)
    text: Any = None
    if isinstance(body, Mapping):
        error = body.get("error", body)
        text = error.get("message") if isinstance(error, Mapping) else error
        text = text or body.get("message") or body.get("detail")
    if not text:
        text = getattr(exc, "message", None) or str(exc)
    line = " ".join(str(text).split())
    return line if len(line) <= MESSAGE_LIMIT else line[: MESSAGE_LIMIT - 3] + "..."


def _sendable(request: Mapping[str, Any]) -> Mapping[str, Any]:
    """The request, with lone surrogates (from a model's or a tool's text) replaced by U+FFFD so the
    body can be encoded as UTF-8; the request itself when it already can (the usual case)."""
    try:
        json.dumps(request, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        return _replace_surrogates(request)
    except (TypeError, ValueError, RecursionError):
        pass  # not ours to judge: the SDK reports it
    return request


def _replace_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, Mapping):
        return {key: _replace_surrogates(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_replace_surrogates(item) for item in value]
    return value


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MESSAGE_LIMIT else line[: MESSAGE_LIMIT - 3] + "..."


def _cause(exc: BaseException) -> str:
    """The innermost cause of a connection failure, e.g. `ConnectError: [Errno 111] Connection refused`."""
    inner: BaseException = exc
    while inner.__cause__ is not None:
        inner = inner.__cause__
    detail = " ".join(str(inner).split()) or type(inner).__name__
    return f"{type(inner).__name__}: {detail}" if inner is not exc else detail
