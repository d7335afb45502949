"""What the text2video routes share: finding a job, checking a voice, sending a command.

A job is a production of kind "text2video", or of kind "project" (a studio project's render,
POST /api/v1/projects/{id}/render): this surface serves both. An ApiError raised here
takes the shape of the path it is raised on (errors.py): doc 004's `{"error": ...}` under
/api/v1/jobs, the studio's problem+json under /api/v1/projects.
"""

from __future__ import annotations

import asyncio

import msgspec
from videogen_bus.correlation import current_correlation_id, new_correlation_id
from videogen_contracts.media.events import SoundOptions
from videogen_gateway.command_client import CommandRefused
from videogen_gateway.errors import REJECTION_STATUS, ApiError
from videogen_gateway.presentation import SoundRequest
from videogen_gateway.readmodels.editor.queries import EditorQueries
from videogen_gateway.readmodels.owners import visible
from videogen_gateway.readmodels.productions.readmodel import ProductionQueries, ProductionRow
from videogen_gateway.runtime import Runtime
from videogen_gateway.surfaces.text2video import schemas as shapes
from videogen_providers.tts.voices import UnknownVoice, installed_voice

SERVICE = "project"


# The productions this surface shows: its own jobs, and the renders of studio projects
# (POST /api/v1/projects/{id}/render); Aura's jobs ("brief") are Aura's.
KINDS = ("text2video", "project")


async def find_job(rt: Runtime, raw_id: str) -> ProductionRow:
    row = await ProductionQueries(rt.pool, rt.schema).get(shapes.job_id_of(raw_id))
    if row is None or row.kind not in KINDS:
        raise ApiError(404, shapes.JOB_NOT_FOUND)
    return row


async def require_voice(name: str | None) -> None:
    """A voice named by the client must be installed: else a 400 naming those that are."""
    if name is None:
        return
    try:
        # In a thread: the catalogue's first call lists espeak-ng's voices.
        await asyncio.to_thread(installed_voice, name)
    except UnknownVoice as error:
        raise ApiError(400, str(error), field="voice") from None


async def resolve_music(rt: Runtime, sound: SoundRequest, name: str = "sound") -> SoundOptions:
    """The sound with its uploaded music's blob key: the editor asset must be the caller's,
    stored, and hold audio; else a 400 naming `<name>.music_asset_id` (another user's
    asset is answered as one that does not exist)."""
    asset_id = sound.music_asset_id
    if asset_id is None:
        return sound.options
    field = f"{name}.music_asset_id"
    row = await EditorQueries(rt.pool, rt.schema).asset(asset_id)
    if row is None or not await visible(rt.pool, rt.schema, str(asset_id)):
        raise ApiError(400, f"{field}: no editor asset {asset_id} of yours", field=field)
    if row.status != "stored" or row.blob_key is None:
        raise ApiError(400, f"{field}: asset {asset_id} is {row.status}, not stored yet",
                       field=field)
    if not any(stream.kind == "audio" for stream in row.streams):
        raise ApiError(400, f"{field}: asset {asset_id} has no audio", field=field)
    return msgspec.structs.replace(sound.options, music_key=row.blob_key)


async def send_production(rt: Runtime, name: str, command: msgspec.Struct) -> None:
    """Send a production command and wait for the read model; a refusal in doc 004's shape."""
    correlation_id = current_correlation_id() or new_correlation_id()
    try:
        await rt.dispatcher.send_and_wait(SERVICE, name, command, correlation_id)
    except CommandRefused as refused:
        rejection = refused.rejection
        raise ApiError(REJECTION_STATUS[rejection.code], rejection.message,
                       rejection.field) from None
