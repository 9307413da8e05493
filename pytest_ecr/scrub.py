"""What never reaches a cassette: secrets (tokens, pre-signed URL signatures, access key
ids) and, when asked, the account id."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Any

FAKE_ACCOUNT = "000000000000"
#: Short on purpose: it decodes as a docker login (``AWS:scrubbed``) but looks like no token.
FAKE_TOKEN = base64.b64encode(b"AWS:scrubbed").decode()
_ACCESS_KEY = re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")
_SIGNATURE_PARAMS = re.compile(
    r"((?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|"
    r"AWSAccessKeyId)=)[^&\"\s]+"
)


@dataclass
class Scrubber:
    """Takes the secrets out of what is recorded, wherever in an answer they are and
    whatever type the member carrying them has: every ``authorizationToken`` member,
    the signature parts of any pre-signed URL, any access key id, and (with
    ``--ecr-scrub-account-id``) the account id, in every text of the answer (ARNs, URIs,
    ``proxyEndpoint``, messages, policy texts).

    ``account_id`` is known before the first request (the run asks STS on aws, or the
    registry's DescribeRegistry elsewhere); ``learn_account`` is the fallback when it
    could not be asked: the first ``registryId`` an answer carries.
    """

    account_id: str | None = None
    learn_account: bool = False

    def text(self, text: str) -> str:
        text = _ACCESS_KEY.sub("ACCESS-KEY-ID-SCRUBBED", text)
        text = _SIGNATURE_PARAMS.sub(r"\1SCRUBBED", text)
        if self.account_id:
            text = text.replace(self.account_id, FAKE_ACCOUNT)
        return text

    def response_body(self, operation: str, body: str) -> str:
        try:
            data = json.loads(body) if body else None
        except json.JSONDecodeError:
            return self.text(body)
        if self.learn_account and self.account_id is None:
            self.account_id = _registry_id(data)
        if data is None:
            return self.text(body)
        return self.text(json.dumps(_without_tokens(data), separators=(",", ":")))


def _without_tokens(data: Any) -> Any:
    """``data`` with every ``authorizationToken`` member's value replaced, at any depth."""
    if isinstance(data, dict):
        return {
            k: FAKE_TOKEN if k == "authorizationToken" else _without_tokens(v)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_without_tokens(v) for v in data]
    return data


def _registry_id(data: Any) -> str | None:
    """The first 12-digit ``registryId`` in a parsed answer, at any depth."""
    if isinstance(data, dict):
        value = data.get("registryId")
        if isinstance(value, str) and re.fullmatch(r"[0-9]{12}", value):
            return value
        data = list(data.values())
    if isinstance(data, list):
        for item in data:
            found = _registry_id(item)
            if found:
                return found
    return None
