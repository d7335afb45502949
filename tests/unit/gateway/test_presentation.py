"""A production's look from each surface's words and options (videogen_gateway.presentation),
and doc 004's POST /generate options: each bad value a 400 naming its field, in the exact
`{"error": ...}` shape of that surface."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
import pytest
from litestar import Litestar, Request, post
from litestar.testing import TestClient
from videogen_contracts.media.events import CaptionOptions, SoundOptions
from videogen_gateway.errors import EXCEPTION_HANDLERS, ApiError
from videogen_gateway.presentation import (
    CaptionsBody,
    SoundBody,
    caption_options,
    named_style,
    sound_request,
    style_from_words,
)
from videogen_gateway.surfaces.aura.job_requests import job_request
from videogen_gateway.surfaces.text2video import schemas as shapes

ASSET = "7d3f0f0e-9a55-4a43-8b1e-6f1f2b1f9c11"


@pytest.mark.parametrize(("words", "style"), [
    (("Friendly",), "playful"), (("fun and casual",), "playful"),
    (("Professional",), "clean"), (("corporate",), "clean"), (("neutral",), "clean"),
    (("Energetic!",), "bold"), (("bold",), "bold"), (("exciting",), "bold"),
    (("dramatic",), "bold"),
    (("serious",), "documentary"), (("Informative",), "documentary"),
    (("educational",), "documentary"), (("calm",), "documentary"),
    (("whatever",), "clean"), ((None,), "clean"), (("",), "clean"), ((), "clean"),
    # the first word that names a look wins; the first text before the second
    (("friendly but professional",), "playful"),
    (("Documentary", "Friendly"), "documentary"),
    ((None, "Energetic"), "bold"), (("noir", "calm"), "documentary"),
])
def test_tone_and_style_words_map_to_a_look(words: tuple[str | None, ...], style: str) -> None:
    assert style_from_words(*words) == style


@pytest.mark.parametrize(("raw", "style"), [
    (None, "clean"), ("bold", "bold"), ("documentary", "documentary"), ("playful", "playful"),
])
def test_text2video_names_one_of_the_four_looks(raw: str | None, style: str) -> None:
    assert named_style(raw) == style


@pytest.mark.parametrize("raw", ["cinematic", "", 5, ["bold"], True, "Bold", " clean"])
def test_any_other_style_is_a_400_listing_the_looks(raw: object) -> None:
    with pytest.raises(ApiError) as refused:
        named_style(raw)
    assert refused.value.status == 400
    assert refused.value.field == "style"
    assert refused.value.detail == (
        'style must be one of "clean", "bold", "documentary", "playful"'
    )


def test_every_caption_option_is_kept() -> None:
    raw = {"style": "karaoke", "position": "top", "size": 1.5, "color": "#FFFFFF",
           "highlight_color": "#ff00aa", "outline": 3, "max_words": 4}
    assert caption_options(raw) == CaptionOptions(**raw)  # type: ignore[arg-type]
    assert caption_options(None) == CaptionOptions()
    assert caption_options({"size": 1, "outline": 2.0, "style": None}) == CaptionOptions(
        size=1.0, outline=2)


@pytest.mark.parametrize(("raw", "field", "message"), [
    ("big", "captions", "captions must be an object with any of: style, position, size,"
     " color, highlight_color, outline, max_words"),
    ({"style": "fancy"}, "captions.style",
     'captions.style must be one of "classic", "karaoke", "word_by_word", "highlight"'),
    ({"position": "left"}, "captions.position",
     'captions.position must be one of "bottom", "center", "top"'),
    ({"size": 2.5}, "captions.size", "captions.size must be a number from 0.5 to 2"),
    ({"size": "1"}, "captions.size", "captions.size must be a number from 0.5 to 2"),
    ({"size": True}, "captions.size", "captions.size must be a number from 0.5 to 2"),
    ({"color": "white"}, "captions.color", 'captions.color must be a colour as "#rrggbb"'),
    ({"highlight_color": "#fff"}, "captions.highlight_color",
     'captions.highlight_color must be a colour as "#rrggbb"'),
    ({"outline": 9}, "captions.outline", "captions.outline must be an integer from 0 to 8"),
    ({"outline": 1.5}, "captions.outline", "captions.outline must be an integer from 0 to 8"),
    ({"max_words": 0}, "captions.max_words",
     "captions.max_words must be an integer from 1 to 12"),
    ({"colour": "#ffffff"}, "captions.colour", "captions.colour is not an option of captions:"
     " use any of style, position, size, color, highlight_color, outline, max_words"),
])
def test_a_bad_caption_option_is_named(raw: object, field: str, message: str) -> None:
    with pytest.raises(ApiError) as refused:
        caption_options(raw)
    assert (refused.value.status, refused.value.field, refused.value.detail) == (
        400, field, message)


def test_sound_options_and_the_music_asset() -> None:
    assert sound_request(None).options == SoundOptions()
    asked = sound_request({"loudness_lufs": -16, "music": "procedural"})
    assert (asked.options, asked.music_asset_id) == (
        SoundOptions(loudness_lufs=-16.0, music="procedural"), None)
    # An asset named alone is the upload.
    upload = sound_request({"music_asset_id": ASSET})
    assert (upload.options.music, upload.music_asset_id) == ("upload", UUID(ASSET))
    assert upload.options.music_key is None  # the route resolves the asset's blob


@pytest.mark.parametrize(("raw", "field", "message"), [
    ({"loudness_lufs": -30}, "sound.loudness_lufs",
     "sound.loudness_lufs must be a number from -23 to -9"),
    ({"loudness_lufs": "loud"}, "sound.loudness_lufs",
     "sound.loudness_lufs must be a number from -23 to -9"),
    ({"music": "jazz"}, "sound.music",
     'sound.music must be one of "none", "procedural", "package", "upload"'),
    ({"music": "upload"}, "sound.music_asset_id",
     'sound.music_asset_id is required with music "upload": the id of an audio asset'
     " uploaded to the editor"),
    ({"music": "package", "music_asset_id": ASSET}, "sound.music_asset_id",
     'sound.music_asset_id is only for music "upload" (got music "package")'),
    ({"music_asset_id": "song.mp3"}, "sound.music_asset_id",
     "sound.music_asset_id must be the id of an audio asset uploaded to the editor"
     " (POST /api/project/{id}/upload)"),
    ([], "sound", "sound must be an object with any of: loudness_lufs, music, music_asset_id"),
])
def test_a_bad_sound_option_is_named(raw: object, field: str, message: str) -> None:
    with pytest.raises(ApiError) as refused:
        sound_request(raw)
    assert (refused.value.status, refused.value.field, refused.value.detail) == (
        400, field, message)


def test_the_openapi_shapes_accept_what_the_checks_accept() -> None:
    """The bodies the OpenAPI declares and the checks that run agree on the edges."""
    for raw in ({"size": 0.5, "outline": 0, "max_words": 12, "color": "#a0B1c2"},
                {"size": 2, "outline": 8, "max_words": 1}):
        msgspec.convert(raw, CaptionsBody)
        caption_options(raw)
    for bad in ({"size": 2.01}, {"outline": -1}, {"max_words": 13}, {"color": "#12345g"}):
        with pytest.raises(msgspec.ValidationError):
            msgspec.convert(bad, CaptionsBody)
        with pytest.raises(ApiError):
            caption_options(bad)
    for edge in ({"loudness_lufs": -23}, {"loudness_lufs": -9}):
        msgspec.convert(edge, SoundBody)
        sound_request(edge)


def generate(**options: Any) -> shapes.GenerateOptions:
    body = msgspec.json.encode({"text": "Bees dance.", **options})
    return shapes.generate_request(body, 1000)[1]


def test_generate_takes_style_captions_and_sound() -> None:
    options = generate(style="bold", captions={"style": "word_by_word", "max_words": 2},
                       sound={"loudness_lufs": -16, "music": "package"})
    assert options.style == "bold"
    assert options.captions == CaptionOptions(style="word_by_word", max_words=2)
    assert options.sound.options == SoundOptions(loudness_lufs=-16.0, music="package")
    plain = generate()
    assert (plain.style, plain.captions, plain.sound.options) == (
        "clean", CaptionOptions(), SoundOptions())


def test_the_text_is_checked_before_the_options() -> None:
    with pytest.raises(ApiError) as refused:
        shapes.generate_request(b'{"text": " ", "style": "noir"}', 1000)
    assert refused.value.detail == shapes.NO_TEXT


def test_an_aura_job_takes_its_look_from_the_plan_style_then_the_tone() -> None:
    def look(**parts: Any) -> str:
        body = msgspec.json.encode({"brief": {"topic": "Bees", **parts.pop("brief", {})},
                                    **parts})
        return job_request(body).presentation.style

    assert look() == "clean"
    assert look(brief={"tone": "Energetic"}) == "bold"
    assert look(brief={"tone": "Friendly"}, planSpec={"style": "Documentary"}) == "documentary"
    assert look(preset="sample-hello-youtube") == "playful"  # its brief's tone is Friendly
    assert look(preset="default", inputs={"topic": "x", "tone": "serious"}) == "documentary"


@post("/api/v1/generate")
async def _generate(request: Request[Any, Any, Any]) -> dict[str, Any]:
    options = shapes.generate_request(await request.body(), 1000)[1]
    return {"style": options.style}


def test_a_bad_option_answers_exactly_doc_004_s_error_shape() -> None:
    app = Litestar([_generate], exception_handlers=EXCEPTION_HANDLERS)
    with TestClient(app) as client:
        response = client.post("/api/v1/generate",
                               json={"text": "Bees.", "captions": {"size": 9}})
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {"error": "captions.size must be a number from 0.5 to 2"}
        # problem+json when the client asks for it, the field named
        asked = client.post("/api/v1/generate", json={"text": "Bees.", "sound": {"music": 1}},
                            headers={"Accept": "application/problem+json"})
        assert asked.headers["content-type"] == "application/problem+json"
        assert asked.json()["field"] == "sound.music"
