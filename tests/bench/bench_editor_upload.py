"""Benchmark: a 1 GiB editor upload (doc 002) through the whole stack, and the gateway's memory.

Prints, for a raw `PUT` to the upload URL and for a multipart `POST` (field `file`):
the throughput, and how much the gateway's RSS grew (sampled every 20 ms) over what it
was before; the issue's bound is under 50 MB for 1 GiB. The bytes are not media (the
media service rejects them after its probe), which changes nothing on the gateway's side:
it streams, hashes and stores them the same way.

Run: .venv/bin/python tests/bench/bench_editor_upload.py [GiB]   (starts its own NATS +
PostgreSQL)
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from videogen_local.infra import free_port, start_nats, start_postgres
from videogen_local.stack import Stack, stack_env

BLOCK = hashlib.sha512(b"bench").digest() * 16384  # 1 MiB, not one repeated byte


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


class Peak(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stopped = pid, rss(pid), threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak = max(self.peak, rss(self.pid))
            time.sleep(0.02)


def raw(mib: int) -> Iterator[bytes]:
    for _ in range(mib):
        yield BLOCK


def multipart(mib: int) -> Iterator[bytes]:
    yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n\r\n'
    yield from raw(mib)
    yield b"\r\n--b--\r\n"


def upload(client: httpx.Client, gateway_pid: int, mib: int, how: str) -> None:
    project = client.post("/api/project", json={"name": f"bench {how}"}).json()["id"]
    url = client.post(f"/api/project/{project}/upload", json={"file_name": "big.mp4"}).json()[
        "upload_url"]
    before = rss(gateway_pid)
    peak = Peak(gateway_pid)
    peak.start()
    started = time.perf_counter()
    if how == "PUT":
        answer = client.put(url, content=raw(mib), headers={"Content-Length": str(mib << 20)})
    else:
        answer = client.post(url, content=multipart(mib),
                             headers={"Content-Type": "multipart/form-data; boundary=b"})
    took = time.perf_counter() - started
    peak.stopped.set()
    peak.join()
    print(f"{how:>4} {mib} MiB: {answer.status_code} in {took:.1f} s ({mib / took:.0f} MiB/s);"
          f" gateway RSS {before / 2**20:.0f} MiB, +{(peak.peak - before) / 2**20:.1f} MiB at"
          " the most")


def main() -> None:
    mib = int(float(sys.argv[1]) * 1024) if len(sys.argv) > 1 else 1024
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pg, nats = start_postgres(work / "pg", durable=True), start_nats(work / "nats")
        stack = Stack(stack_env(pg.url, nats.url, free_port(), "bench",
                                VIDEOGEN_DATA_DIR=str(work / "data")), log_dir=work)
        try:
            stack.start_all()
            stack.wait_ready()
            gateway = stack.children["gateway"].proc
            assert gateway is not None
            with httpx.Client(base_url=stack.base_url, timeout=600) as client:
                for how in ("PUT", "POST"):
                    upload(client, gateway.pid, mib, how)
        finally:
            stack.stop()
            nats.stop()
            pg.stop()


if __name__ == "__main__":
    main()
