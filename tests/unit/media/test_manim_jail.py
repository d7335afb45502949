"""The sandbox's mount order: a read-only tree under /tmp (the venv of a clone checked out
there, as CI may do) must be mounted after the sandbox's own /tmp, or /tmp hides it and
no render can start (found on a fresh clone in /tmp: `prlimit: failed to execute
/tmp/…/.venv/bin/python`)."""

from __future__ import annotations

from videogen_media.manim.jail import Caps, Jail, bwrap_command, unshare_command

VENV = "/tmp/clone/.venv"
CAPS = Caps(address_space_bytes=1 << 30, cpu_seconds=10, file_bytes=1 << 20, processes=64)


BWRAP = Jail(kind="bwrap", launcher="/usr/bin/bwrap", read_only=(VENV, "/opt/python"))
UNSHARE = Jail(kind="unshare", launcher="/usr/bin/unshare", read_only=(VENV, "/opt/python"))


def test_bwrap_binds_tmp_before_the_trees_under_it() -> None:
    command = bwrap_command(BWRAP, "/srv/w", {}, CAPS, ["python", "-V"], 200000)
    tmp = command.index("/tmp", command.index("/srv/w/.tmp"))
    venv = command.index(VENV, command.index("--ro-bind", tmp))
    assert command[tmp - 2:tmp + 1] == ["--bind", "/srv/w/.tmp", "/tmp"]
    assert tmp < venv


def test_the_unshare_fallback_mounts_tmp_before_the_trees_under_it() -> None:
    script = unshare_command(UNSHARE, "/srv/w", {}, CAPS, ["python", "-V"], 200000,
                             "/srv/root")[-1]
    assert script.index('"$R/tmp"') < script.index(f"ro {VENV}")
