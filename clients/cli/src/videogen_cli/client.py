"""The gateway's public HTTP API, over sync httpx: JSON calls, downloads, uploads, SSE.

Every failure leaves as a `Problem` (problems.py): an error answer of any surface, or no
answer at all. Downloads go to `<dest>.part` first and resume with `Range` after a dropped
connection, so an interrupted download never leaves a truncated file under the final name.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import httpx
import msgspec
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from videogen_cli.problems import GATEWAY_FAILED, UNREACHABLE, Problem, problem_of
from videogen_cli.sse import SseMessage, read_events, reason_of

__all__ = ["Api", "Problem", "SseMessage"]

CHUNK = 256 * 1024
DOWNLOAD_ATTEMPTS = 5


def _user_agent() -> str:
    try:
        return f"videogen-cli/{version('videogen-cli')}"
    except PackageNotFoundError:
        return "videogen-cli"


class Api:
    def __init__(self, url: str, api_key: str | None, timeout: float = 30.0,
                 *, console: Console | None = None) -> None:
        self.url = url.rstrip("/")
        self.console = console or Console(stderr=True)
        headers = {"User-Agent": _user_agent(), "Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self._http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    # --- JSON calls ---------------------------------------------------------------------

    def get(self, path: str, **params: object) -> Any:
        query = {k: v for k, v in params.items() if v is not None}
        return self._call("GET", path, params=query)

    def post(self, path: str, json: object | None = None) -> Any:
        return self._call("POST", path, json=json)

    def put(self, path: str, json: object | None = None) -> Any:
        return self._call("PUT", path, json=json)

    def delete(self, path: str) -> Any:
        return self._call("DELETE", path)

    def _call(self, method: str, path: str, *, json: object | None = None,
              params: dict[str, Any] | None = None) -> Any:
        content = None if json is None else msgspec.json.encode(json)
        headers = {"Content-Type": "application/json"} if content is not None else None
        response = self._send(lambda: self._http.request(
            method, path, content=content, headers=headers, params=params))
        return _decoded(response)

    def _send(self, do: Any) -> httpx.Response:
        try:
            response: httpx.Response = do()
        except httpx.TransportError as error:
            raise self._no_answer(error) from None
        if response.status_code >= 400:
            raise problem_of(response.status_code, response.content)
        return response

    def _no_answer(self, error: httpx.TransportError) -> Problem:
        if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout):
            return Problem(None, "cannot reach the gateway", f"{self.url}: {reason_of(error)}",
                           exit_code=UNREACHABLE)
        if isinstance(error, httpx.TimeoutException):
            return Problem(None, "the gateway did not answer in time", self.url,
                           exit_code=GATEWAY_FAILED)
        return Problem(None, "the connection to the gateway broke",
                       f"{self.url}: {reason_of(error)}", exit_code=GATEWAY_FAILED)

    # --- streams ------------------------------------------------------------------------

    def events(self, path: str, last_event_id: str | None = None) -> Iterator[SseMessage]:
        """The SSE stream at `path`; reconnects with Last-Event-ID when the connection drops."""
        try:
            yield from read_events(self._http, path, last_event_id)
        except httpx.TransportError as error:  # pragma: no cover - read_events catches these
            raise self._no_answer(error) from None

    def download(self, path: str, dest: Path, *, quiet: bool) -> Path:
        """GET `path` into `dest` with a byte bar; a dropped connection resumes with Range."""
        part = dest.with_name(dest.name + ".part")
        dest.parent.mkdir(parents=True, exist_ok=True)
        with _byte_bar(self.console, dest.name, quiet) as bar:
            task = bar.add_task("download", total=None)
            for attempt in range(DOWNLOAD_ATTEMPTS):
                try:
                    if self._download_once(path, part, bar, task):
                        break
                except httpx.TransportError as error:
                    if attempt == DOWNLOAD_ATTEMPTS - 1:
                        raise self._no_answer(error) from None
            else:
                raise Problem(None, "the download did not complete",
                              f"{path}: tried {DOWNLOAD_ATTEMPTS} times", exit_code=GATEWAY_FAILED)
        part.replace(dest)
        return dest

    def _download_once(self, path: str, part: Path, bar: Progress, task: Any) -> bool:
        offset = part.stat().st_size if part.exists() else 0
        headers = {"Accept": "*/*"} | ({"Range": f"bytes={offset}-"} if offset else {})
        with self._http.stream("GET", path, headers=headers) as response:
            if response.status_code == 416 and offset:
                part.unlink()  # what we hold is not a prefix of this file: start over
                return False
            if response.status_code >= 400:
                raise problem_of(response.status_code, response.read())
            resumed = response.status_code == 206
            total = _total_size(response, offset if resumed else 0)
            bar.update(task, total=total, completed=offset if resumed else 0)
            with part.open("ab" if resumed else "wb") as out:
                for chunk in response.iter_bytes(CHUNK):
                    out.write(chunk)
                    bar.advance(task, len(chunk))
        return True

    def upload(self, path: str, source: Path, *, method: str = "PUT", quiet: bool) -> Any:
        """Send `source`: PUT its raw bytes, or POST it as the multipart field `file`."""
        size = source.stat().st_size
        media = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        with _byte_bar(self.console, source.name, quiet) as bar, source.open("rb") as file:
            task = bar.add_task("upload", total=size)

            def chunks() -> Iterator[bytes]:
                while block := file.read(CHUNK):
                    bar.advance(task, len(block))
                    yield block

            if method.upper() == "POST":
                files = {"file": (source.name, file, media)}
                response = self._send(lambda: self._http.post(path, files=files))
                bar.update(task, completed=size)
            else:
                headers = {"Content-Type": media, "Content-Length": str(size)}
                response = self._send(lambda: self._http.request(
                    method, path, content=chunks(), headers=headers))
        return _decoded(response)


def _decoded(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return msgspec.json.decode(response.content)
    except msgspec.DecodeError:
        return response.text


def _total_size(response: httpx.Response, offset: int) -> int | None:
    ranged = response.headers.get("content-range", "")
    if "/" in ranged and ranged.rsplit("/", 1)[1].isdigit():
        return int(ranged.rsplit("/", 1)[1])
    length = response.headers.get("content-length")
    return offset + int(length) if length and length.isdigit() else None


def _byte_bar(console: Console, name: str, quiet: bool) -> Progress:
    return Progress(
        TextColumn(f"[bold]{name}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
        TimeRemainingColumn(), console=console, disable=quiet or not console.is_terminal,
        transient=False,
    )
