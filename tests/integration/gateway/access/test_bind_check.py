"""`VIDEOGEN_AUTH=none` on a non-loopback address refuses to start (with the way out in
the message), unless the loudly named override is set; bad authentication options refuse
to start too. The bind refusal is checked on the real entry point, `python -m
videogen_gateway`, which stops before it connects to anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from structlog.testing import capture_logs
from videogen_gateway.access.authn_options import AuthMisconfigured, AuthOptions, JwtOptions
from videogen_gateway.access.bind_check import UnsafeBind, is_loopback, refuse_unsafe_bind
from videogen_gateway.access.jwt_auth import JwtVerifier


def serve(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VIDEOGEN_")}
    # Nothing listens there: a gateway that got past the checks would fail on connecting.
    clean.update(VIDEOGEN_DATABASE_URL="postgresql://127.0.0.1:9/none",
                 VIDEOGEN_NATS_URL="nats://127.0.0.1:9", **env)
    return subprocess.run([sys.executable, "-m", "videogen_gateway"], env=clean,
                          capture_output=True, text=True, timeout=240, check=False)


def test_none_on_a_public_address_refuses_to_start() -> None:
    done = serve(VIDEOGEN_HOST="0.0.0.0", VIDEOGEN_PORT="9")
    assert done.returncode == 1
    assert "refusing to start: VIDEOGEN_HOST=0.0.0.0 is not a loopback address" in done.stderr
    assert "VIDEOGEN_INSECURE_ALLOW_NO_AUTH_ON_PUBLIC_ADDRESS=yes" in done.stderr


@pytest.mark.parametrize(("env", "message"), [
    ({"VIDEOGEN_AUTH": "bogus"}, "VIDEOGEN_AUTH: unknown mode 'bogus'"),
    ({"VIDEOGEN_AUTH": "jwt"}, "VIDEOGEN_AUTH=jwt needs VIDEOGEN_JWT_SECRET"),
    ({"VIDEOGEN_AUTH": " , "}, "VIDEOGEN_AUTH names no mode"),
    ({"VIDEOGEN_AUTH": "jwt", "VIDEOGEN_JWT_SECRET": "short"}, "must be at least 32 bytes"),
])
def test_bad_auth_options_refuse_to_start(env: dict[str, str], message: str) -> None:
    # What `serve` (above) reads first; a SystemExit, so the process prints it and exits 1.
    with pytest.raises(AuthMisconfigured) as refused:
        AuthOptions.from_env(env)
    assert message in str(refused.value)


def test_the_override_starts_with_a_loud_warning() -> None:
    with capture_logs() as logs:
        refuse_unsafe_bind("0.0.0.0", AuthOptions(insecure_public=True))
    assert [entry["event"] for entry in logs] == ["gateway.insecure_no_auth_on_public_address"]
    assert "ANYONE WHO CAN REACH THIS PORT IS ADMIN" in logs[0]["warning"]
    assert AuthOptions.from_env(
        {"VIDEOGEN_INSECURE_ALLOW_NO_AUTH_ON_PUBLIC_ADDRESS": "yes"}
    ).insecure_public


def test_which_binds_are_safe() -> None:
    apikey = AuthOptions(modes=("apikey",))
    for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"):
        assert is_loopback(host), host
        refuse_unsafe_bind(host, AuthOptions())
    for host in ("0.0.0.0", "::", "10.0.0.5", "gateway.example.com"):
        assert not is_loopback(host), host
        refuse_unsafe_bind(host, apikey)
        with pytest.raises(UnsafeBind):
            refuse_unsafe_bind(host, AuthOptions())
        # `none` beside a real mode still lets a caller without credentials in: refused too.
        with pytest.raises(UnsafeBind):
            refuse_unsafe_bind(host, AuthOptions(modes=("none", "apikey")))
    with pytest.raises(AuthMisconfigured):
        AuthOptions(modes=("jwt",), jwt=JwtOptions())


def test_a_jwks_file_that_is_not_one_refuses_to_start(tmp_path: Path) -> None:
    (tmp_path / "empty.json").write_text("{}")
    for path in (tmp_path / "missing.json", tmp_path / "empty.json"):
        with pytest.raises(AuthMisconfigured, match="not a readable JWKS file"):
            JwtVerifier(JwtOptions(jwks=str(path)))
