"""Sending to an emulator over HTTP with bounds: a whole answer within the time an answer
may take, and no answer larger than :data:`MAX_ANSWER_BYTES`.

botocore's ``read_timeout`` bounds each read from the socket, not the answer: a server
that trickles a byte every half second keeps a call alive for ever, and one that streams
without end fills memory before botocore's parser sees anything. For the targets the
plugin talks HTTP to (a moto server, any endpoint URL), requests are sent through this
module instead (botocore's ``before-send`` event, after the wire tap's replay): urllib3,
botocore's own HTTP library, reading the body in chunks against a deadline and a cap.
Real AWS keeps botocore's own sender (its proxies, CA bundles and client certificates).
"""

from __future__ import annotations

import time
from typing import Any

import urllib3
from botocore.exceptions import (
    BotoCoreError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from .wire import RawBody

#: The largest answer read: DescribeImages of 1000 images is about 1 MB, BatchGetImage's
#: manifests are at most 4 MB each (the model's ImageManifest max).
MAX_ANSWER_BYTES = 64 * 1024 * 1024
_CHUNK = 64 * 1024


class AnswerTooLarge(BotoCoreError):
    """An answer past :data:`MAX_ANSWER_BYTES`; the rest of it was never read."""

    fmt = "the answer from {endpoint_url} is larger than {limit} bytes; the rest was not read"


class AnswerTooSlow(ReadTimeoutError):
    """An answer that did not arrive whole in time (retried as any read timeout)."""

    fmt = 'Read timeout on endpoint URL: "{endpoint_url}": no complete answer within {seconds} s'


class BoundedSender:
    """A ``before-send`` handler that sends the signed request itself, within bounds."""

    def __init__(self, connect_timeout: float, read_timeout: float) -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.pool = urllib3.PoolManager(num_pools=4, maxsize=16, retries=False)

    def __call__(self, request: Any, **_: Any) -> Any:
        from botocore.awsrequest import AWSResponse, HTTPHeaders

        url = request.url
        # The whole answer within the time one read may take, after the connection.
        deadline = time.monotonic() + self.connect_timeout + self.read_timeout
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        try:
            response = self.pool.urlopen(
                request.method,
                url,
                body=body,
                headers=dict(request.headers.items()),
                redirect=False,
                retries=False,
                preload_content=False,
                timeout=urllib3.Timeout(connect=self.connect_timeout, read=self.read_timeout),
            )
        except urllib3.exceptions.ConnectTimeoutError as exc:
            raise ConnectTimeoutError(endpoint_url=url, error=exc) from None
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise ReadTimeoutError(endpoint_url=url, error=exc) from None
        except urllib3.exceptions.NewConnectionError as exc:
            raise EndpointConnectionError(endpoint_url=url, error=exc) from None
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.HTTPError) as exc:
            raise ConnectionClosedError(endpoint_url=url, error=exc) from None
        try:
            data = self._read(response, url, deadline)
        finally:
            response.release_conn()
        headers = HTTPHeaders()
        for key, value in response.headers.items():
            headers[key] = value
        return AWSResponse(url, response.status, headers, RawBody(data))

    def _read(self, response: Any, url: str, deadline: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                if time.monotonic() > deadline:
                    response.close()
                    raise AnswerTooSlow(endpoint_url=url, seconds=f"{self.read_timeout:g}")
                chunk = response.read1(_CHUNK)
                if not chunk:
                    return b"".join(chunks)
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    response.close()
                    raise AnswerTooLarge(endpoint_url=url, limit=MAX_ANSWER_BYTES)
                chunks.append(chunk)
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise ReadTimeoutError(endpoint_url=url, error=exc) from None
        except urllib3.exceptions.ProtocolError as exc:
            raise ConnectionClosedError(endpoint_url=url, error=exc) from None

    def close(self) -> None:
        self.pool.clear()
