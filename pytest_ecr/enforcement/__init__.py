"""The ECR model enforced on the embedded moto targets.

moto accepts what AWS refuses (a repository name with capitals, ``maxResults`` 5000)
and never pages (DescribeImages answers every image where AWS answers 100 and a
``nextToken``). This module puts the installed botocore ECR model in front of moto,
for the two targets pytest-ecr starts itself:

- in-process moto (``moto.mock_aws()``), through :func:`enforce_in_process`;
- moto-server (``moto.server.ThreadedMotoServer``), through :func:`wrap_wsgi` or
  :func:`enforce_server`.

Four things are enforced, all derived from the model by tables, none written per
operation:

1. **Input validation** of every request before moto sees it (so before any resource
   lookup): ``required``, string and blob lengths, list and map sizes, numeric ranges,
   full-match patterns and enums, at any depth. Refused with HTTP 400 and the AWS JSON
   error body (see :data:`VALIDATION_CODES` and :func:`format_message`).
2. **Pagination** of every paginator in the model whose operation moto answers
   without paging (see :class:`PageRule`).
3. **Unsupported operations** (not in the model, or not implemented by moto) answered
   as an AWS JSON service answers an unknown action: HTTP 400
   ``{"__type": "UnknownOperationException"}``.
4. **Registry-computed image digests**: ``sha256:`` and the hex SHA-256 of the
   manifest bytes exactly as sent (see :class:`DigestRule`).

Behaviour that needs per-operation logic stays moto's, and so does what the model
does not state: AWS's limit of 50 tags a resource, the server-side image tag character
set, ``maxResults`` given together with ``imageIds`` (refused by AWS; here passed to
moto unpaged).

The core, :class:`Enforcer`, knows nothing of moto's plumbing: it takes the operation
name, the request body and a ``call_next`` that asks the emulator, and returns an
:class:`Answer`. The adapters translate to and from moto's in-process stubber and to
and from WSGI.
"""

from __future__ import annotations

from .adapters import (
    EnforcedWsgiApp,
    enforce_in_process,
    enforce_server,
    enforced_process,
    in_process_active,
    start_in_process,
    stop_in_process,
    unenforce_server,
    wrap_wsgi,
)
from .answers import VALIDATION_CODES, Answer, CallNext, Violation, format_message
from .core import Enforcer
from .moto_source import moto_natively_paged, moto_unsupported
from .paging import DigestRule, PageRule, default_page_size, manifest_digest

__all__ = [
    "VALIDATION_CODES",
    "Answer",
    "CallNext",
    "DigestRule",
    "EnforcedWsgiApp",
    "Enforcer",
    "PageRule",
    "Violation",
    "default_page_size",
    "enforce_in_process",
    "enforce_server",
    "enforced_process",
    "format_message",
    "in_process_active",
    "manifest_digest",
    "moto_natively_paged",
    "moto_unsupported",
    "start_in_process",
    "stop_in_process",
    "unenforce_server",
    "wrap_wsgi",
]
