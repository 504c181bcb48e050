"""The `saas-token` header: a customer logged in at the merchant, proven by an HS256 JWT.

The merchant signs `{"sub": <customer id>, "exp": <unix time>}` with the tenant's saas
passphrase in its own login flow, with any JWT library. We accept HS256 only: `alg: none`,
other HMAC sizes and asymmetric algorithms are refused, so a token can never choose how it is
verified.
"""

from __future__ import annotations

from datetime import UTC, datetime

import jwt
from django.utils import timezone
from jwt import exceptions as jwt_errors

from checkout_project.errors import ApiError, DetailType, ErrorDetail, ErrorType, validation_error

from .models import Tenant

SAAS_TOKEN_HEADER = "saas-token"  # noqa: S105 - a header name, not a secret
SAAS_TOKEN_ALGORITHM = "HS256"  # noqa: S105 - an algorithm name
CUSTOMER_ID_MAX = 128  # the width of customer_id columns in carts and checkouts


def saas_token_error(message: str) -> ApiError:
    return ApiError(
        401,
        ErrorType.UNAUTHORIZED,
        message,
        details=[ErrorDetail(SAAS_TOKEN_HEADER, DetailType.INVALID_HEADER, message)],
        headers={"WWW-Authenticate": SAAS_TOKEN_HEADER},
    )


def saas_customer_id(*, tenant: Tenant, token: str) -> str:
    """The customer id (`sub`) of a valid saas-token of `tenant`; ApiError(401) saying why not."""
    token = (token or "").strip()
    if not token:
        raise saas_token_error("saas-token is empty")
    try:
        claims = jwt.decode(
            token,
            tenant.saas_passphrase,
            algorithms=[SAAS_TOKEN_ALGORITHM],
            options={"require": ["exp", "sub"]},
        )
    except jwt_errors.ExpiredSignatureError:
        raise saas_token_error("saas-token has expired") from None
    except jwt_errors.MissingRequiredClaimError as exc:
        raise saas_token_error(f"saas-token is missing the required {exc.claim!r} claim") from None
    except jwt_errors.InvalidAlgorithmError:
        raise saas_token_error("saas-token must be signed with HS256") from None
    except jwt_errors.InvalidSignatureError:
        raise saas_token_error("saas-token signature does not match this tenant's saas passphrase") from None
    except jwt_errors.ImmatureSignatureError:
        raise saas_token_error("saas-token is not valid yet") from None
    except jwt_errors.InvalidSubjectError:
        raise saas_token_error("saas-token 'sub' claim must be the customer id as a string") from None
    except jwt_errors.InvalidTokenError:
        raise saas_token_error("saas-token is not a valid JWT") from None
    customer_id = claims["sub"]
    if not customer_id or len(customer_id) > CUSTOMER_ID_MAX:
        raise saas_token_error(f"saas-token 'sub' claim must be 1 to {CUSTOMER_ID_MAX} characters")
    return customer_id


def mint_saas_token(*, tenant: Tenant, customer_id: str, ttl_seconds: int) -> tuple[str, datetime]:
    """Sign a saas-token for `customer_id`, as a merchant's login flow would. Returns (token, expiry)."""
    if not customer_id or len(customer_id) > CUSTOMER_ID_MAX:
        raise validation_error(
            [ErrorDetail("customerId", DetailType.INVALID_VALUE, f"must be 1 to {CUSTOMER_ID_MAX} characters")]
        )
    if ttl_seconds <= 0:
        raise validation_error([ErrorDetail("ttl", DetailType.INVALID_VALUE, "must be a positive number of seconds")])
    issued_at = int(timezone.now().timestamp())
    expires_at = issued_at + ttl_seconds
    token = jwt.encode(
        {"sub": customer_id, "iat": issued_at, "exp": expires_at},
        tenant.saas_passphrase,
        algorithm=SAAS_TOKEN_ALGORITHM,
    )
    return token, datetime.fromtimestamp(expires_at, tz=UTC)
