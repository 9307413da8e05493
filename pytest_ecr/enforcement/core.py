"""The core: the model enforced in front of any emulator that answers a body for a body."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from botocore.model import StructureShape

from ..model import EcrModel, load_model

if TYPE_CHECKING:
    pass

from .answers import (
    FALLBACK_VALIDATION_CODE,
    UNKNOWN_OPERATION_CODE,
    VALIDATION_CODES,
    Answer,
    CallNext,
    Violation,
    _with_body,
    error_answer,
    format_message,
)
from .checks import _Check, _Compiler
from .moto_source import moto_natively_paged, moto_unsupported
from .paging import (
    _DOTTED,
    DIGEST_SHAPE,
    MANIFEST_SHAPE,
    DigestRule,
    PageRule,
    _Tokens,
    _TokenState,
    default_page_size,
    manifest_digest,
)

# -- the core -------------------------------------------------------------------


class Enforcer:
    """The model's rules, enforced in front of an emulator.

    Everything is derived from ``model`` (default: the installed botocore's), so a
    modified model (a new constraint, a new paginator) is enforced with no new code.
    ``unsupported`` and ``natively_paged`` default to what the installed moto lacks and
    pages itself (:func:`moto_unsupported`, :func:`moto_natively_paged`).

    Thread-safe: compiled checks are built once, here; the token store locks.
    """

    def __init__(
        self,
        model: EcrModel | None = None,
        *,
        unsupported: Iterable[str] | None = None,
        natively_paged: Iterable[str] | None = None,
        token_capacity: int = 100_000,
    ) -> None:
        self.model = model = model or load_model()
        self.target_prefix = model.target_prefix + "."
        self.operations = frozenset(model.operation_names)
        self.unsupported = frozenset(
            moto_unsupported(model) if unsupported is None else unsupported
        )
        self.natively_paged = frozenset(
            moto_natively_paged(model) if natively_paged is None else natively_paged
        )
        compiler = _Compiler()
        self._checks: dict[str, _Check | None] = {}
        self._codes: dict[str, str] = {}
        self.page_rules: dict[str, PageRule] = {}
        self.digest_rules: dict[str, DigestRule] = {}
        for name in model.operation_names:
            shape = model.input_shape(name)
            self._checks[name] = compiler.compile(shape) if shape is not None else None
            self._codes[name] = self._validation_code(name)
            if isinstance(shape, StructureShape):
                rule = self._digest_rule(name, shape)
                if rule is not None:
                    self.digest_rules[name] = rule
        for paginator in model.paginators.values():
            if paginator.operation in self.natively_paged:
                continue
            page_rule = self._page_rule(paginator.operation)
            if page_rule is not None:
                self.page_rules[paginator.operation] = page_rule
        self._tokens = _Tokens(token_capacity)

    # -- tables derived from the model

    def _validation_code(self, operation: str) -> str:
        modeled = self.model.modeled_errors(operation)
        return next((c for c in VALIDATION_CODES if c in modeled), FALLBACK_VALIDATION_CODE)

    def validation_code(self, operation: str) -> str:
        """The error code of a constraint violation in ``operation`` (:data:`VALIDATION_CODES`)."""
        return self._codes.get(operation) or self._validation_code(operation)

    @staticmethod
    def _digest_rule(operation: str, shape: StructureShape) -> DigestRule | None:
        by_shape = {member.name: name for name, member in shape.members.items()}
        if MANIFEST_SHAPE in by_shape and DIGEST_SHAPE in by_shape:
            return DigestRule(operation, by_shape[MANIFEST_SHAPE], by_shape[DIGEST_SHAPE])
        return None

    def _page_rule(self, operation: str) -> PageRule | None:
        paginator = self.model.paginators[operation]
        keys = []
        for key in paginator.result_keys:
            if not _DOTTED.fullmatch(key):
                return None  # a JMESPath expression this cannot slice
            keys.append(tuple(key.split(".")))
        shape = self.model.input_shape(operation)
        limit = (
            shape.members.get(paginator.limit_key) if isinstance(shape, StructureShape) else None
        )
        return PageRule(
            operation=operation,
            input_token=paginator.input_token,
            output_token=paginator.output_token,
            limit_key=paginator.limit_key,
            result_keys=tuple(keys),
            default_limit=default_page_size(limit.documentation if limit is not None else None),
            exclusive_with=paginator.exclusive_with,
        )

    # -- the rules

    def operation_for_target(self, target: str | bytes | None) -> str | None:
        """The operation named by an ``X-Amz-Target`` header, or ``None`` if not ECR's."""
        if target is None:
            return None
        if isinstance(target, bytes):
            target = target.decode("latin-1")
        if not target.startswith(self.target_prefix):
            return None
        return target[len(self.target_prefix) :]

    def unknown_operation(self, operation: str) -> Answer | None:
        """The UnknownOperationException answer if ``operation`` is not served."""
        if operation in self.operations and operation not in self.unsupported:
            return None
        return error_answer(UNKNOWN_OPERATION_CODE, None)

    def violations(self, operation: str, body: Any) -> list[Violation]:
        """Every constraint of ``operation``'s input that ``body`` breaks, in model order."""
        check = self._checks.get(operation)
        if check is None:
            return []
        found = check(body if body is not None else {})
        return [f.done() for f in found] if found else []

    def validate(self, operation: str, body: Any) -> Answer | None:
        """The error answer AWS gives ``body``, or ``None`` when it keeps every constraint."""
        unknown = self.unknown_operation(operation)
        if unknown is not None:
            return unknown
        check = self._checks.get(operation)
        if check is None:
            return None
        found = check(body if body is not None else {})
        if not found:
            return None
        code = self._codes[operation]
        return error_answer(code, format_message(code, [f.done() for f in found]))

    def with_digest(self, operation: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """``body`` with the registry-computed digest added, or ``None`` if nothing to add."""
        rule = self.digest_rules.get(operation)
        if rule is None or body.get(rule.digest_member) is not None:
            return None
        manifest = body.get(rule.manifest_member)
        if not isinstance(manifest, str):
            return None
        return {**body, rule.digest_member: manifest_digest(manifest)}

    def paginate(
        self,
        operation: str,
        request: dict[str, Any],
        call_next: Callable[[dict[str, Any] | None], Answer],
    ) -> Answer:
        """Page ``operation``'s answer: moto answers the whole listing, this slices it.

        ``call_next(body)`` asks the emulator with ``body`` (``None``: the request as it
        came). Answers other than 200 pass unchanged. A page resumes at the offset where
        the last one ended, over a listing moto makes afresh for each page.

        A token this enforcer did not issue for the same operation and the same other
        parameters is refused with the operation's validation code (real ECR's code for
        a bad ``nextToken`` is not in public output; ``InvalidParameterException`` is
        the one ECR's paginated operations model). The message's wording is this
        module's own.
        """
        rule = self.page_rules.get(operation)
        if rule is None:
            return call_next(None)
        token = request.get(rule.input_token)
        limit = request.get(rule.limit_key)
        if any(request.get(name) is not None for name in rule.exclusive_with):
            return call_next(None)
        if token is None and limit is None and rule.default_limit is None:
            return call_next(None)
        forward = {
            k: v for k, v in request.items() if k != rule.input_token and k != rule.limit_key
        }
        fingerprint = json.dumps(forward, sort_keys=True, separators=(",", ":"))
        offset = 0
        if token is not None:
            state = self._tokens.get(token) if isinstance(token, str) else None
            if state is None or state.operation != operation or state.fingerprint != fingerprint:
                code = self._codes[operation]
                return error_answer(
                    code,
                    f"Invalid parameter at '{rule.input_token}' failed to satisfy constraint: "
                    f"'the token was not issued for this request'",
                )
            offset = state.offset
        page = limit if isinstance(limit, int) and not isinstance(limit, bool) else None
        page = page or rule.default_limit
        changed = token is not None or limit is not None
        answer = call_next(forward if changed else None)
        if answer.status != 200:
            return answer
        data = answer.json()
        if not isinstance(data, dict):
            return answer
        lists: list[tuple[dict[str, Any], str, list[Any]]] = []
        total = 0
        for path in rule.result_keys:
            holder: Any = data
            for part in path[:-1]:
                holder = holder.get(part) if isinstance(holder, dict) else None
            items = holder.get(path[-1]) if isinstance(holder, dict) else None
            if isinstance(holder, dict) and isinstance(items, list):
                lists.append((holder, path[-1], items))
                total = max(total, len(items))
        end = total if page is None else offset + page
        if offset == 0 and end >= total and rule.output_token not in data:
            return answer  # one page holds it all: moto's answer as it is
        for holder, key, items in lists:
            holder[key] = items[offset:end]
        if end < total:
            data[rule.output_token] = self._tokens.issue(_TokenState(operation, fingerprint, end))
        else:
            data.pop(rule.output_token, None)
        return _with_body(answer, json.dumps(data, separators=(",", ":")).encode("utf-8"))

    def handle(
        self, operation: str, body: bytes | str | None, call_next: CallNext
    ) -> Answer | None:
        """Answer one ECR request, asking ``call_next`` where moto must answer.

        Returns ``None`` when the request goes to moto exactly as it came and moto's
        answer needs nothing (the adapters then pass moto's own answer on untouched).
        """
        unknown = self.unknown_operation(operation)
        if unknown is not None:
            return unknown
        if not body:
            request: Any = {}
        else:
            try:
                request = json.loads(body)
            except ValueError:
                return None  # not JSON: moto's (AWS answers SerializationException)
        if not isinstance(request, dict):
            return None
        check = self._checks.get(operation)
        if check is not None:
            found = check(request)
            if found:
                code = self._codes[operation]
                return error_answer(code, format_message(code, [f.done() for f in found]))
        digested = self.with_digest(operation, request) if operation in self.digest_rules else None
        if digested is not None:
            request = digested
        if operation in self.page_rules:

            def forward(changed: dict[str, Any] | None) -> Answer:
                if changed is None and digested is None:
                    return call_next(body.encode("utf-8") if isinstance(body, str) else body or b"")
                return call_next(json.dumps(request if changed is None else changed).encode())

            return self.paginate(operation, request, forward)
        if digested is not None:
            return call_next(json.dumps(digested).encode("utf-8"))
        return None
