"""Keys and tokens for the authentication tests: an HS256 secret, an RSA and a P-256 key
with their JWKS, and the forged tokens of the attacks (alg none, HS/RS confusion)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

SECRET = "test-jwt-secret-of-sufficient-length-32+"
ISSUER, AUDIENCE = "https://issuer.test", "videogen-test"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
OTHER_RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks() -> dict[str, Any]:
    rsa_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(RSA_KEY.public_key()))
    ec_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(EC_KEY.public_key()))
    return {"keys": [{**rsa_jwk, "kid": "rsa-1", "use": "sig"},
                     {**ec_jwk, "kid": "ec-1", "use": "sig"}]}


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {"sub": "alice", "name": "Alice", "iss": ISSUER, "aud": AUDIENCE,
                            "iat": now, "nbf": now, "exp": now + 600, "scope": "read write"}
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def hs256(secret: str = SECRET, **overrides: Any) -> str:
    return jwt.encode(claims(**overrides), secret, algorithm="HS256")


def rs256(key: rsa.RSAPrivateKey = RSA_KEY, kid: str = "rsa-1", **overrides: Any) -> str:
    return jwt.encode(claims(**overrides), key, algorithm="RS256", headers={"kid": kid})


def es256(**overrides: Any) -> str:
    return jwt.encode(claims(**overrides), EC_KEY, algorithm="ES256", headers={"kid": "ec-1"})


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unsigned(**overrides: Any) -> str:
    """`alg: none`: no signature at all."""
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(claims(**overrides)).encode())}."


def hs_with_rsa_public_key(kid: str = "rsa-1") -> str:
    """The HS/RS confusion: HS256 "signed" with the RSA public key (PEM) as the secret,
    which a verifier that takes `alg` from the token would accept."""
    pem = RSA_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    payload = _b64(json.dumps(claims()).encode())
    signature = hmac.new(pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def refused(answer: httpx.Response, detail: str) -> None:
    """A 401 for a credential that was sent and failed, saying why."""
    assert answer.status_code == 401, answer.text
    assert answer.json()["detail"] == detail
    assert answer.headers["www-authenticate"] == 'Bearer error="invalid_token"'
