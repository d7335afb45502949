"""Which `video_url`s a new editor project may import: the allow-list and the import dir."""

from __future__ import annotations

from pathlib import Path

import pytest
from videogen_gateway.errors import ApiError
from videogen_gateway.surfaces.editor.video_imports import import_source, url_allowed

PREFIXES = ("https://cdn.example.com/clips", "http://10.0.0.5:8080/")


@pytest.mark.parametrize("url", [
    "https://cdn.example.com/clips/a.mp4", "https://CDN.example.com:443/clips/x/y.mp4",
    "https://cdn.example.com/clips", "http://10.0.0.5:8080/anything.mov",
])
def test_urls_under_a_prefix_are_allowed(url: str) -> None:
    assert url_allowed(url, PREFIXES)


@pytest.mark.parametrize("url", [
    "https://cdn.example.com.evil.test/clips/a.mp4", "https://cdn.example.com/clips-private/a",
    "http://cdn.example.com/clips/a.mp4", "https://cdn.example.com:8443/clips/a.mp4",
    "https://user@evil.test/clips/a.mp4", "http://10.0.0.5/a.mp4", "http://10.0.0.5:x/a",
    "https://cdn.example.com/", "https://cdn.example.com/other/clips/a.mp4",
    "https://cdn.example.com/clips/../private/a.mp4", "https://cdn.example.com/clips/%2e%2e/a",
])
def test_anything_else_is_not(url: str) -> None:
    assert not url_allowed(url, PREFIXES)


def test_no_prefix_allows_nothing() -> None:
    with pytest.raises(ApiError, match="none are configured") as caught:
        import_source("https://cdn.example.com/clips/a.mp4", (), None)
    assert (caught.value.status, caught.value.field) == (400, "video_url")


def test_files_under_the_import_dir(tmp_path: Path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    clip = tmp_path / "in" / "sub" / "clip.mp4"
    clip.write_bytes(b"x")
    (tmp_path / "outside.mp4").write_bytes(b"x")
    (tmp_path / "in" / "link.mp4").symlink_to(tmp_path / "outside.mp4")
    root = tmp_path / "in"
    for named in ("sub/clip.mp4", str(clip), f"file://{clip}"):
        source = import_source(named, (), root)
        assert source.path == clip.resolve()
        assert (source.file_name, source.content_type) == ("clip.mp4", "video/mp4")
    for escaping in ("../outside.mp4", str(tmp_path / "outside.mp4"), "link.mp4", "sub",
                     "missing.mp4", "ftp://host/clip.mp4", "data:video/mp4;base64,AAAA"):
        with pytest.raises(ApiError) as caught:
            import_source(escaping, (), root)
        assert (caught.value.status, caught.value.field) == (400, "video_url")
    with pytest.raises(ApiError, match="no import directory"):
        import_source(str(clip), (), None)
