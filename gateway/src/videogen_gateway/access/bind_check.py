"""No authentication on a public address: refuse to start, unless the operator insists.

`VIDEOGEN_AUTH=none` makes every caller the local admin, which is right for a laptop's
loopback and wrong anywhere a network can reach. So binding anything but a loopback
address without an authentication mode stops the gateway before it listens, with the way
out in the message; `VIDEOGEN_INSECURE_ALLOW_NO_AUTH_ON_PUBLIC_ADDRESS=yes` starts it
anyway, with a warning in the log.
"""

from __future__ import annotations

import ipaddress

import structlog

from videogen_gateway.access.authn_options import AuthOptions

log = structlog.get_logger("videogen_gateway.bind_check")

LOOPBACK_NAMES = frozenset({"localhost", "ip6-localhost", "ip6-loopback"})


class UnsafeBind(SystemExit):
    """The gateway would serve everyone as admin on a reachable address."""


def is_loopback(host: str) -> bool:
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # a host name other than localhost: it may resolve to anything


def refuse_unsafe_bind(host: str, auth: AuthOptions) -> None:
    """Raise UnsafeBind when `host` is reachable and requests without credentials would be
    the local user (mode `none`), unless the override is set (then only warn)."""
    if not auth.open or is_loopback(host):
        return
    if auth.insecure_public:
        log.warning(
            "gateway.insecure_no_auth_on_public_address", host=host,
            warning="VIDEOGEN_AUTH includes none on a non-loopback address: ANYONE WHO CAN"
            " REACH THIS PORT IS ADMIN (VIDEOGEN_INSECURE_ALLOW_NO_AUTH_ON_PUBLIC_ADDRESS=yes)",
        )
        return
    raise UnsafeBind(
        f"refusing to start: VIDEOGEN_HOST={host} is not a loopback address and VIDEOGEN_AUTH"
        " includes 'none' (no authentication: every caller would be the local admin). Set"
        " VIDEOGEN_AUTH=apikey or jwt (see docs/security.md), bind 127.0.0.1, or, if a"
        " proxy in front authenticates, set VIDEOGEN_INSECURE_ALLOW_NO_AUTH_ON_PUBLIC_ADDRESS"
        "=yes."
    )
