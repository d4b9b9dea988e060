"""Hot read routes solve their parameters with a plan made once, not FastAPI's general solver.

FastAPI solves a route's dependencies afresh on every request: for each of the five small
dependencies of a read route (read key, single values, options, service, offload) it walks the
path, query, header and cookie parameter lists, works out cache keys and OAuth scopes, and for
each query parameter asks again whether its annotation is a sequence or a model. In a profile
of ``bench/api.py`` that was a fifth of a worker's CPU, more than the JSON of the answer.

:class:`LeanRoute` does the same work with what can be decided once decided when the route is
built: which sub-dependencies to await in which order, each parameter's request key, whether it
is a list, its default. It takes only routes it can solve exactly as FastAPI does (``async def``
dependencies that take nothing but the request and other such dependencies; path and query
parameters; an endpoint that returns a ``Response`` itself, so there is no response model to
apply) and only requests that are plain: a missing required parameter, a value that fails
validation or an overridden dependency hand the request to FastAPI's own handler, which then
answers exactly as it always does (422 with its error list, the override's answer). Parameters
are validated by the same pydantic fields FastAPI builds; errors raised by a dependency or by
the endpoint propagate the same way (problem JSON from ``api/problems.py``).
``tests/test_api_leanroute.py`` checks every hot route answers byte for byte as FastAPI would.
"""

from __future__ import annotations

import copy
import inspect
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import fastapi.dependencies.utils as fastapi_utils
import fastapi.routing as fastapi_routing
from fastapi import Request
from fastapi.routing import APIRoute
from starlette.datastructures import ImmutableMultiDict
from starlette.responses import Response

# FastAPI's own answers to "is this parameter a list / a model / named how", so ours cannot
# differ; private names of the FastAPI this was written against (0.16x): a FastAPI without
# them leaves every route to its own solver
_get_param_model = getattr(fastapi_utils, "_get_param_model", None)
_is_json_field = getattr(fastapi_utils, "_is_json_field", None)
_is_sequence = getattr(fastapi_utils, "field_annotation_is_sequence", None)
_get_param_aliases = getattr(fastapi_utils, "_get_param_aliases", None)
# newer FastAPI builds an included route's handler per inclusion, in this context
_effective_route_context_var = getattr(fastapi_routing, "_effective_route_context_var", None)

_ATOMS = (type(None), bool, int, float, str, bytes)


@dataclass(frozen=True, slots=True)
class _Param:
    name: str
    keys: tuple[str, ...]
    where: str  # "path" or "query": the source, and the first element of an error's loc
    listed: bool  # a list parameter: every value of a repeated key
    sequence: bool  # an empty list counts as missing
    required: bool
    default: Any
    copy_default: bool
    validate_default: bool
    field: Any


@dataclass(frozen=True, slots=True)
class _Dep:
    name: str | None
    call: Callable[..., Awaitable[Any]]
    use_cache: bool
    request_arg: str | None
    subs: tuple[_Dep, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class _Plan:
    deps: tuple[_Dep, ...]
    params: tuple[_Param, ...]
    request_arg: str | None
    calls: frozenset[Any]


def _dep_plan(dependant: Any) -> _Dep | None:
    """The plan of one sub-dependency, or None when it is not one the plan can solve."""
    call = dependant.call
    if (call is None or not inspect.iscoroutinefunction(call)
            or dependant.path_params or dependant.query_params or dependant.header_params
            or dependant.cookie_params or dependant.body_params
            or dependant.websocket_param_name or dependant.http_connection_param_name
            or dependant.response_param_name or dependant.background_tasks_param_name
            or dependant.security_scopes_param_name or dependant.own_oauth_scopes
            or dependant.parent_oauth_scopes
            or getattr(dependant, "concurrency", None) is not None
            or getattr(dependant, "scope", None) is not None):
        return None
    subs = _sub_plans(dependant)
    if subs is None:
        return None
    return _Dep(dependant.name, call, bool(dependant.use_cache), dependant.request_param_name,
                tuple(subs))


def _sub_plans(dependant: Any) -> list[_Dep] | None:
    """Plans of ``dependant``'s sub-dependencies, or None when one of them cannot be planned."""
    plans = []
    for sub in dependant.dependencies:
        plan = _dep_plan(sub)
        if plan is None:
            return None
        plans.append(plan)
    return plans


def _param_plan(f: Any, where: str) -> _Param | None:
    if (_get_param_model is None or _is_json_field is None or _is_sequence is None
            or _get_param_aliases is None or _get_param_model(f) is not None):
        return None
    keys = tuple(key for _, key in _get_param_aliases(f))
    info = f.field_info
    sequence = bool(_is_sequence(info.annotation))
    required = bool(info.is_required())
    default = None if required else f.default
    return _Param(name=f.name, keys=keys, where=where,
                  listed=sequence and not _is_json_field(f), sequence=sequence,
                  required=required, default=default,
                  copy_default=not isinstance(default, _ATOMS),
                  validate_default=bool(info.validate_default), field=f)


def make_plan(route: Any) -> _Plan | None:
    """How to solve ``route`` without FastAPI's general solver, or None when it cannot."""
    d = route.dependant
    try:
        ret = typing.get_type_hints(d.call).get("return") if d.call else None
    except Exception:  # an annotation that does not resolve: leave the route to FastAPI
        return None
    if (d.call is None or not inspect.iscoroutinefunction(d.call)
            or not (isinstance(ret, type) and issubclass(ret, Response))
            or d.header_params or d.cookie_params or d.body_params
            or d.websocket_param_name or d.http_connection_param_name
            or d.response_param_name or d.background_tasks_param_name
            or d.security_scopes_param_name):
        return None
    deps = _sub_plans(d)
    if deps is None:
        return None
    params = []
    for where, fields in (("path", d.path_params), ("query", d.query_params)):
        for f in fields:
            p = _param_plan(f, where)
            if p is None:
                return None
            params.append(p)

    def calls(ds: Any) -> set[Any]:
        return {c for x in ds for c in (x.call, *calls(x.subs))}

    return _Plan(tuple(deps), tuple(params), d.request_param_name, frozenset(calls(deps)))


async def _solve_dep(dep: _Dep, request: Request, cache: dict[Any, Any]) -> Any:
    if dep.use_cache and dep.call in cache:
        return cache[dep.call]
    kwargs = {}
    for sub in dep.subs:
        value = await _solve_dep(sub, request, cache)
        if sub.name is not None:
            kwargs[sub.name] = value
    if dep.request_arg:
        kwargs[dep.request_arg] = request
    value = await dep.call(**kwargs)
    cache.setdefault(dep.call, value)
    return value


async def solve(plan: _Plan, request: Request,
                overrides: dict[Any, Any] | None) -> dict[str, Any] | None:
    """The endpoint's arguments, or None when FastAPI's own handler must answer."""
    if overrides and not plan.calls.isdisjoint(overrides):
        return None
    values: dict[str, Any] = {}
    cache: dict[Any, Any] = {}
    for dep in plan.deps:
        value = await _solve_dep(dep, request, cache)
        if dep.name is not None:
            values[dep.name] = value
    query = request.query_params
    path = request.path_params
    for p in plan.params:
        received: Any = query if p.where == "query" else path
        key = next((k for k in p.keys if k in received), p.keys[0])
        if p.listed and isinstance(received, ImmutableMultiDict):
            value = received.getlist(key)
        else:
            value = received.get(key, None)
        if value is None or (p.sequence and len(value) == 0):
            if p.required:
                return None
            value = copy.deepcopy(p.default) if p.copy_default else p.default
            if not p.validate_default:
                values[p.name] = value
                continue
        value, errors = p.field.validate(value, values, loc=(p.where, key))
        if errors:
            return None
        values[p.name] = value
    if plan.request_arg:
        values[plan.request_arg] = request
    return values


class LeanRoute(APIRoute):
    """An ``APIRoute`` that solves plain requests with :func:`make_plan`'s plan (see the
    module docstring) and hands every other request to FastAPI's handler."""

    def get_route_handler(self) -> Callable[[Request], Any]:
        full = super().get_route_handler()
        # a route included in an app is built once per inclusion, with that inclusion's
        # dependencies (the router's) and overrides (the app's): plan for what FastAPI serves
        route: Any = self
        context = _effective_route_context_var.get() if _effective_route_context_var else None
        if context is not None and context.original_route is self:
            route = context
        plan = make_plan(route)
        if plan is None:
            return full
        endpoint = route.dependant.call
        provider = route.dependency_overrides_provider

        async def handler(request: Request) -> Response:
            overrides = getattr(provider, "dependency_overrides", None)
            values = await solve(plan, request, overrides)
            if values is None:
                response: Response = await full(request)
                return response
            answer = await endpoint(**values)
            if not isinstance(answer, Response):  # the annotation said otherwise
                raise TypeError(f"{self.path} returned {type(answer).__name__}, not a Response")
            return answer

        return handler
