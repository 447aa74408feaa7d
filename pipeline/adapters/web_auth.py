"""Bearer-token checks for the HTTP endpoints that serve customer data.

Closed by default: with no token configured those endpoints answer 503 and say which variable to set, so a
forgotten secret never leaves them open. Tokens are compared in constant time.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Final

from pydantic import SecretStr

TOKEN_VARIABLE: Final[str] = "EMOTION_PIPELINE_WORKER__API_TOKEN"
BEARER_PREFIX: Final[str] = "bearer "


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused: its HTTP status, a message and any headers to send."""

    status: int
    message: str
    headers: dict[str, str]


NOT_CONFIGURED = Refusal(
    503,
    f"this endpoint serves customer data and needs an API token: set {TOKEN_VARIABLE} on every worker "
    "and send it as 'Authorization: Bearer <token>'",
    {},
)
MISSING = Refusal(
    401,
    "missing bearer token: send 'Authorization: Bearer <token>'",
    {"WWW-Authenticate": 'Bearer realm="emotion-pipeline"'},
)
WRONG = Refusal(
    401,
    "invalid bearer token",
    {"WWW-Authenticate": 'Bearer realm="emotion-pipeline", error="invalid_token"'},
)


@dataclass(frozen=True)
class TokenGuard:
    """Checks ``Authorization`` headers against the configured token."""

    token: SecretStr | None

    def check(self, authorization: str | None) -> Refusal | None:
        """None when the header carries the configured token, else the refusal to answer with."""
        expected = self.token.get_secret_value() if self.token is not None else ""
        if not expected:
            return NOT_CONFIGURED
        if not authorization or not authorization.lower().startswith(BEARER_PREFIX):
            return MISSING
        offered = authorization[len(BEARER_PREFIX) :].strip()
        if not hmac.compare_digest(offered.encode(), expected.encode()):
            return WRONG
        return None
