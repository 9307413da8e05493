"""Why a modeled error cannot be triggered on a generic target: the reasons contract
modules give for the errors they leave untriggered."""

from __future__ import annotations

#: Reasons shared by many modules for a modeled error that no test triggers.
SERVER_EXCEPTION = (
    "ServerException is the registry's own internal failure (HTTP 500); no request makes "
    "a correct registry answer it"
)
KMS_EXCEPTION = (
    "needs a KMS key that KMS refuses to use for ECR; the suite cannot make KMS fail on a "
    "generic target"
)
LIMIT_EXCEPTION = (
    "needs an account-level service quota to be reached; the quotas of a generic target are "
    "unknown and reaching AWS's would cost the account"
)
UPSTREAM = (
    "needs a pull-through cache rule whose upstream registry is unreachable; the suite does "
    "not reach upstream registries"
)

NO_INPUT = (
    "the operation takes no input members, so no request to it can be invalid; a target "
    "may still answer it for other reasons the suite cannot cause"
)
REGISTRY_ONLY_SECRETS = (
    "needs a Secrets Manager secret that exists but cannot be read or decrypted by ECR; the "
    "suite creates no secrets"
)
