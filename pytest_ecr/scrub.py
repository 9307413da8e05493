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
    #: The account id to replace; with ``learn_account``, the first ``registryId`` an
    #: answer carries (``--ecr-scrub-account-id``).
    account_id: str | None = None
    learn_account: bool = False

    def text(self, text: str) -> str:
        text = _ACCESS_KEY.sub("ACCESS-KEY-ID-SCRUBBED", text)
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
        if operation == "GetAuthorizationToken" and isinstance(data, dict):
            for item in data.get("authorizationData", []):
                if "authorizationToken" in item:
                    item["authorizationToken"] = FAKE_TOKEN
        if (
            operation == "GetDownloadUrlForLayer"
            and isinstance(data, dict)
            and isinstance(data.get("downloadUrl"), str)
        ):
            data["downloadUrl"] = _SIGNATURE_PARAMS.sub(r"\1SCRUBBED", data["downloadUrl"])
        text = json.dumps(data, separators=(",", ":")) if data is not None else body
        return self.text(text)


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
