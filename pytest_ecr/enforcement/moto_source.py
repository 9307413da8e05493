"""What the installed moto implements and pages, read from its source."""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from typing import TYPE_CHECKING, Any

from ..model import EcrModel, load_model

if TYPE_CHECKING:
    pass


# -- what moto implements -------------------------------------------------------


def _moto_method(operation: str) -> Any:
    from moto.core.utils import camelcase_to_underscores, method_names_from_class
    from moto.ecr.responses import ECRResponse

    name = camelcase_to_underscores(operation)
    # moto's own dispatch test (moto/core/responses.py, BaseResponse.call_action).
    if name not in method_names_from_class(ECRResponse):
        return None
    return getattr(ECRResponse, name)


def _function_ast(method: Any) -> ast.FunctionDef | None:
    try:
        source = textwrap.dedent(inspect.getsource(method))
    except (OSError, TypeError):
        return None
    tree = ast.parse(source)
    node = tree.body[0] if tree.body else None
    return node if isinstance(node, ast.FunctionDef) else None


def _only_raises_not_implemented(method: Any) -> bool:
    node = _function_ast(method)
    if node is None:
        return False
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    if len(body) != 1 or not isinstance(body[0], ast.Raise):
        return False
    exc = body[0].exc
    if isinstance(exc, ast.Call):
        exc = exc.func
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


@functools.cache
def _moto_unsupported(operations: tuple[str, ...]) -> frozenset[str]:
    try:
        import moto.ecr.responses  # noqa: F401
    except ImportError:
        return frozenset()
    out = set()
    for operation in operations:
        method = _moto_method(operation)
        if method is None or _only_raises_not_implemented(method):
            out.add(operation)
    return frozenset(out)


def moto_unsupported(model: EcrModel | None = None) -> frozenset[str]:
    """Operations of the model that the installed moto does not implement.

    Read from moto's source: ``ECRResponse`` has no method for the operation (moto then
    raises ``NotImplementedError``, ``moto/core/responses.py`` ``call_action``), or the
    method's body is only ``raise NotImplementedError(...)`` (moto 5.2.5's
    ``get_download_url_for_layer``).
    """
    model = model or load_model()
    return _moto_unsupported(tuple(model.operation_names))


@functools.cache
def _moto_natively_paged(pairs: tuple[tuple[str, str], ...]) -> frozenset[str]:
    try:
        import moto.ecr.responses  # noqa: F401
    except ImportError:
        return frozenset()
    out = set()
    for operation, token in pairs:
        method = _moto_method(operation)
        node = _function_ast(method) if method is not None else None
        if node is None:
            continue
        if any(isinstance(n, ast.Constant) and n.value == token for n in ast.walk(node)):
            out.add(operation)
    return frozenset(out)


def moto_natively_paged(model: EcrModel | None = None) -> frozenset[str]:
    """Paginated operations whose moto implementation reads the input token itself.

    moto pages an operation by reading its ``nextToken`` parameter (moto's
    ``@paginate`` helpers take it from the request); one that never reads it answers
    the whole listing, and is paged here. moto 5.2.5 pages no ECR operation.
    """
    model = model or load_model()
    pairs = tuple((p.operation, p.input_token) for p in model.paginators.values())
    return _moto_natively_paged(pairs)
