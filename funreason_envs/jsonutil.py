"""Small helpers for JSON-shaped data: fast copies, JSON-able views, BFCL's result serialisation."""

from __future__ import annotations

import json
import marshal
from collections.abc import Iterator, Mapping
from json.encoder import c_make_encoder, encode_basestring, encode_basestring_ascii  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from funreason_envs.errors import ConfigError

SCALARS = frozenset({str, int, float, bool, type(None)})


def copy_json(value: Any) -> Any:
    """Copy nested dicts and lists (much faster than `copy.deepcopy` for JSON-shaped data): each
    container is copied in C, then only its non-scalar items are replaced by their own copies."""
    kind = type(value)
    if kind is dict:
        copied = value.copy()
        for key, item in value.items():
            if type(item) not in SCALARS:
                copied[key] = copy_json(item)
        return copied
    if kind is list:
        copied = value.copy()
        for index, item in enumerate(value):
            if type(item) not in SCALARS:
                copied[index] = copy_json(item)
        return copied
    if kind is set:
        return set(value)
    return value


def to_jsonable(value: Any) -> Any:
    """A JSON-able copy: sets become sorted lists, tuples lists, non-string keys strings."""
    kind = type(value)
    if kind in SCALARS:
        return value
    if kind is dict:  # copied in C, then only non-scalar items replaced (unless a key needs text)
        copied = value.copy()
        for key, item in value.items():
            if type(key) is not str:
                return _keys_as_text(value)
            if type(item) not in SCALARS:
                copied[key] = to_jsonable(item)
        return copied
    if kind is list or kind is tuple:
        listed = list(value)
        for index, item in enumerate(value):
            if type(item) not in SCALARS:
                listed[index] = to_jsonable(item)
        return listed
    if isinstance(value, dict):
        return to_jsonable(dict(value))
    if isinstance(value, (list, tuple)):
        return to_jsonable(list(value))
    if isinstance(value, (set, frozenset)):
        return sorted((to_jsonable(item) for item in value), key=repr)
    return value


def _keys_as_text(value: dict[Any, Any]) -> dict[str, Any]:
    """`to_jsonable` of a dict with a key that is not a string."""
    return {
        key if type(key) is str else _key_text(key): item if type(item) in SCALARS else to_jsonable(item)
        for key, item in value.items()
    }


def _key_text(key: Any) -> str:
    """A dict key as text; a whole float reads as the int it equals (`{0.0: x} == {0: x}` in Python)."""
    if type(key) is float and key.is_integer():
        return str(int(key))
    return str(key)


class RenderedDict(dict):
    """A result dict that already holds its `json.dumps` text, for results carrying large static data
    rendered once (`prerendered`) instead of on every call; otherwise an ordinary dict."""

    __slots__ = ("json_text",)

    def __init__(self, items: dict[str, Any], json_text: str) -> None:
        super().__init__(items)
        self.json_text = json_text


class RenderedList(list):
    """A result list that already holds its `str()` text (what BFCL shows for a list result), for
    results ending in large static data rendered once (`with_rendered_tail`); otherwise a list."""

    __slots__ = ("text",)

    def __init__(self, items: list[Any], text: str) -> None:
        super().__init__(items)
        self.text = text


def with_rendered_tail(head: list[Any], tail: tuple[str, ...], tail_text: str) -> list[Any]:
    """`[*head, *tail]` carrying the text `str()` gives it, `tail_text` being `", ".join(map(repr, tail))`
    rendered once by the caller. A head holding anything but strings gives the plain list."""
    if not all(type(item) is str for item in head):
        return [*head, *tail]
    head_text = ", ".join(map(repr, head))
    between = ", " if head_text and tail_text else ""
    listed = RenderedList(head, f"[{head_text}{between}{tail_text}]")
    listed.extend(tail)
    return listed


def prerendered(value: dict[str, Any], texts: dict[str, str]) -> dict[str, Any]:
    """`value` carrying the text `json.dumps(value)` gives, with the items named in `texts` written as
    given (each must be `json.dumps` of that item, rendered once by the caller). A value that is not
    plain JSON with string keys (or that reads as an error) comes back unchanged."""
    if "error" in value or not all(type(key) is str for key in value):
        return value
    try:
        parts = [
            f"{encode_basestring_ascii(key)}: {texts[key] if key in texts else _json_text(item)}"
            for key, item in value.items()
        ]
    except (TypeError, ValueError):
        return value
    return RenderedDict(value, "{" + ", ".join(parts) + "}")


def _json_text(item: Any) -> str:
    """`json.dumps(item)`: a string's text is `encode_basestring_ascii`'s, anything else the shared
    encoder's; `json.dumps` itself only where that fails on nesting (it says circular or too deep)."""
    if isinstance(item, str):
        return encode_basestring_ascii(item)
    try:
        return "".join(encode_dict(item, 0))
    except RecursionError:
        return json.dumps(item)


def serialize_result(value: Any) -> str:
    """A tool's return value as the string the model sees, exactly as bfcl-eval renders it.

    Strings pass through; dicts go through `json.dumps` (falling back to `str`); everything else,
    including `None` and lists, through `str()`.
    """
    kind = type(value)
    if kind is str:
        return value
    if kind is RenderedDict:
        return value.json_text
    if kind is RenderedList:
        return value.text
    if kind is dict:
        try:
            return "".join(encode_dict(value, 0))
        except (TypeError, ValueError):
            return str(value)
        except RecursionError:  # nested too deeply, or circular: `json.dumps` says which, as BFCL sees it
            try:
                return json.dumps(value)
            except (TypeError, ValueError):
                return str(value)
    return str(value)


def dumps_unicode(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False)`, with its encoder built once (OpenAI call arguments)."""
    try:
        return "".join(_encode_unicode(value, 0))
    except RecursionError:  # nested too deeply, or circular: `json.dumps` says which
        return json.dumps(value, ensure_ascii=False)


# `json.dumps` builds its C encoder on every call; these are built once, set as `json.dumps` sets them
# except for the circular-reference check (its memo would be shared between threads), whose absence
# turns a circular value into a `RecursionError`, handled by their callers.
encode_dict = c_make_encoder(
    None, json.JSONEncoder().default, encode_basestring_ascii, None, ": ", ", ", False, False, True
)
_encode_unicode = c_make_encoder(
    None, json.JSONEncoder().default, encode_basestring, None, ": ", ", ", False, False, True
)


def read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, value) for each non-empty line; a bad line raises `ConfigError` as `file:line: ...`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    for number, raw in enumerate(data.splitlines(), 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"{path}:{number}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
            ) from None
        if line.strip():
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{number}: invalid JSON: {exc.msg}") from None
            except RecursionError:
                raise ConfigError(f"{path}:{number}: nested too deeply to read") from None


def clean_text(text: str) -> str:
    """`text` with lone surrogates replaced by U+FFFD (pairs are joined), so it can always be encoded."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def scrub_surrogates(value: Any) -> Any:
    """`value` with every string (and dict key) passed through `clean_text`; nested data walked without
    recursion. Returns `value` itself when nothing needed replacing, else a copy (tuples become lists)."""
    # `marshal` writes exact dicts, lists, tuples, strings and numbers (any other type raises), text as
    # UTF-8 with surrogates passed through, and a surrogate's UTF-8 form starts with 0xED: output without
    # that byte holds none. Cheaper than `_surely_clean`'s JSON rendering; a 0xED (a length, a number,
    # Korean text) or another type only means the checks below decide.
    try:
        if 0xED not in marshal.dumps(value):  # an int needle is one memchr: ~10x faster than b"\xed"
            return value
    except ValueError:  # a type marshal does not write, or nested too deeply
        pass
    if _surely_clean(value) or not _holds_surrogate(value):
        return value
    holder: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(value, holder, 0)]
    copies: dict[int, Any] = {}  # id of a container -> its copy: met again (or inside itself), not walked
    while stack:
        item, target, key = stack.pop()
        if isinstance(item, str):
            target[key] = clean_text(item)
        elif id(item) in copies:
            target[key] = copies[id(item)]
        elif isinstance(item, Mapping):
            copied: dict[Any, Any] = {}
            target[key] = copies[id(item)] = copied
            for name, child in item.items():
                name = clean_text(name) if isinstance(name, str) else name
                copied[name] = None
                stack.append((child, copied, name))
        elif isinstance(item, (list, tuple)):
            items: list[Any] = [None] * len(item)
            target[key] = copies[id(item)] = items
            stack.extend((child, items, index) for index, child in enumerate(item))
        else:
            target[key] = item
    return holder[0]


def _surely_clean(value: Any) -> bool:
    """True when `value` is JSON data whose every string (keys included) encodes as UTF-8, decided by
    rendering it once in C; False means "walk it" (a surrogate, or data JSON cannot render)."""
    try:
        text = "".join(_encode_unicode(value, 0))
    except (TypeError, ValueError, RecursionError):
        return False
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _holds_surrogate(value: Any) -> bool:
    # Exact types first (the common case, checked without `isinstance`); ASCII text needs no encoding test.
    stack = [value]
    pop, extend = stack.pop, stack.extend
    walked: set[int] = set()  # containers already looked into (a container holding itself is not endless)
    while stack:
        item = pop()
        kind = type(item)
        if kind is str or isinstance(item, str):
            if not item.isascii() and clean_text(item) is not item:
                return True
            continue
        if kind in SCALARS or id(item) in walked:
            continue
        if kind is dict or isinstance(item, dict):
            walked.add(id(item))
            extend(item)
            extend(item.values())
        elif kind is list or kind is tuple or isinstance(item, (list, tuple)):
            walked.add(id(item))
            extend(item)
        elif isinstance(item, Mapping):  # e.g. a mappingproxy
            walked.add(id(item))
            extend(item.keys())
            extend(item.values())
    return False


def may_spell_surrogate(json_text: str) -> bool:
    """Whether decoding clean JSON text could produce a lone surrogate: only a `\\u` escape can."""
    return "\\u" in json_text
