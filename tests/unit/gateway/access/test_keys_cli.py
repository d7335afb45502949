"""The keys CLI without a deployment: its usage, and an unreachable database as exit 1
with a message (never a traceback). tests/e2e/test_api_keys.py runs it on a real stack."""

from __future__ import annotations

import socket

import pytest
from videogen_gateway.__main__ import main
from videogen_gateway.access.keys_cli import parser, run_keys
from videogen_runtime.settings import Settings


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_scopes_repeat_and_default_to_none() -> None:
    args = parser().parse_args(["create", "--user", "alice", "--scope", "read",
                                "--scope", "admin"])
    assert (args.user, args.scopes, args.name, args.json) == ("alice", ["read", "admin"], "",
                                                              False)
    assert parser().parse_args(["create", "--user", "bob"]).scopes is None


@pytest.mark.parametrize("argv", [["create"], ["create", "--user", "a", "--scope", "root"],
                                  ["revoke"], ["rotate"], []],
                         ids=["no-user", "bad-scope", "no-key-id", "unknown-action", "none"])
def test_bad_usage_exits_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parser().parse_args(argv)
    assert exited.value.code == 2


def test_serve_and_rebuild_take_no_arguments() -> None:
    with pytest.raises(SystemExit) as exited:
        main(["rebuild", "--user", "alice"])
    assert exited.value.code == 2


async def test_an_unreachable_database_is_exit_1_with_a_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = Settings(database_url=f"postgresql://videogen@127.0.0.1:{closed_port()}/none",
                        nats_url=f"nats://127.0.0.1:{closed_port()}")
    assert await run_keys(["list"], settings) == 1
    assert "cannot reach the deployment" in capsys.readouterr().err
