"""Schemathesis hooks that make the fuzzer hostile on purpose (docs/adr/0013-hostile-input.md).

Generated requests match the document, and random text rarely holds the characters that once
broke the API. So in about a quarter of the cases one text of the request is rewritten into a
known-bad form: NUL (Postgres refuses it in text), a lone UTF-16 surrogate (not Unicode; JSON
bodies only, where it travels as an escape), or a tampered list cursor (another list's tag, keys
of the wrong type, numbers out of range). The API must answer each with a documented problem,
never a 500. Draws go through Hypothesis, so a run is reproducible from its seed.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import schemathesis
from hypothesis import strategies as st

BODY_INJECTIONS = ["\x00", "a\x00b", "\ud800", "x\udc00y"]
URL_INJECTIONS = ["\x00", "a\x00b"]
UUID = "0193a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b"
TAMPERED_CURSOR_KEYS: list[list[Any]] = [
    ["users", "not-a-date", UUID],
    ["users", "2026-02-31 00:00:00+00", UUID],
    ["users", "2026-01-01 00:00:00+00", "not-a-uuid"],
    ["signals", 1e300, UUID],
    ["signals", -1e20, UUID],
    ["signals", 8.64e15 + 1, UUID],
    ["audit", "99999999999999999999"],
    ["ledger", "9223372036854775808"],
    ["wallet", "-1"],
    ["wallet", {"a": 1}],
    ["nope"],
    [],
]
TAMPERED_CURSORS = [base64.urlsafe_b64encode(json.dumps(k).encode()).decode().rstrip("=") for k in TAMPERED_CURSOR_KEYS]


def _string_paths(value: Any, keys: bool, path: tuple = ()) -> list[tuple]:
    """Where the strings are in a JSON value (with `keys`, object keys too, as ('key', name))."""
    if isinstance(value, str):
        return [path]
    out: list[tuple] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if keys:
                out.append(path + (("key", k),))
            out.extend(_string_paths(v, keys, path + (k,)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_string_paths(v, keys, path + (i,)))
    return out


def _replace(value: Any, path: tuple, inject: str) -> Any:
    if not path:
        return inject if not isinstance(value, str) or not value else value[: len(value) // 2] + inject + value[len(value) // 2 :]
    head, rest = path[0], path[1:]
    if isinstance(head, tuple) and head[0] == "key":
        return {(k + inject if k == head[1] else k): v for k, v in value.items()}
    if isinstance(value, dict):
        return {k: (_replace(v, rest, inject) if k == head else v) for k, v in value.items()}
    return [(_replace(v, rest, inject) if i == head else v) for i, v in enumerate(value)]


def _hostile(value: Any, injections: list[str], keys: bool = False) -> st.SearchStrategy:
    paths = _string_paths(value, keys)
    if not paths:
        return st.just(value)
    mutated = st.tuples(st.sampled_from(paths), st.sampled_from(injections)).map(lambda p: _replace(value, p[0], p[1]))
    # One case in four is hostile; the rest are left as generated.
    return st.integers(0, 3).flatmap(lambda k: mutated if k == 0 else st.just(value))


def _is_json(context) -> bool:
    try:
        return all("json" in b.media_type for b in context.operation.body)
    except AttributeError:
        return False


@schemathesis.hook
def flatmap_body(context, body):
    if not isinstance(body, (dict, list, str)):
        return st.just(body)
    # A lone surrogate can only travel as a JSON escape; a multipart part is UTF-8 bytes.
    return _hostile(body, BODY_INJECTIONS if _is_json(context) else URL_INJECTIONS, keys=True)


@schemathesis.hook
def flatmap_query(context, query):
    if not isinstance(query, dict) or not query:
        return st.just(query)
    strategies = [_hostile(query, URL_INJECTIONS)]
    if "cursor" in query:
        strategies.append(st.sampled_from(TAMPERED_CURSORS).map(lambda c: {**query, "cursor": c}))
    return st.one_of(*strategies)


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    if isinstance(path_parameters, dict) and path_parameters:
        return _hostile(path_parameters, URL_INJECTIONS)
    return st.just(path_parameters)


_LONE_SURROGATE = __import__("re").compile("[\ud800-\udfff]")


def _url_safe(value: Any) -> Any:
    """A lone surrogate cannot be put in a URL (it has no UTF-8 form): NUL, equally hostile, instead."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\x00", value)
    if isinstance(value, list):
        return [_url_safe(v) for v in value]
    return value


@schemathesis.hook
def before_call(context, case, kwargs):
    # The stateful phase carries values from one request into another's path or query (API
    # links), including a surrogate injected into a JSON body; the URL cannot hold it.
    if case.path_parameters:
        case.path_parameters = {k: _url_safe(v) for k, v in case.path_parameters.items()}
    if case.query:
        case.query = {k: _url_safe(v) for k, v in case.query.items()}
