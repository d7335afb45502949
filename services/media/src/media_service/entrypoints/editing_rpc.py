"""The editor's commands on NATS request/reply (doc 002), from the contract's EDITOR_COMMANDS.

Every reply comes once the events are stored: an upload's probe takes a moment (PyAV reads
the container's header, not the whole file), the edits none. The previews are queries,
served by their own table (preview_rpc.py).
"""

from __future__ import annotations

from videogen_bus.rpc import CommandHandler
from videogen_bus.serving import endpoints
from videogen_contracts.media.editing_commands import EDITOR_COMMANDS

from media_service.app.editing import EditingHandlers


def editing_handlers(editing: EditingHandlers) -> dict[str, CommandHandler]:
    return endpoints(EDITOR_COMMANDS, commands={
        "start_upload": editing.start_upload, "store_upload": editing.store_upload,
        "split_segment": editing.edit, "trim_segment": editing.edit,
        "delete_segment": editing.edit, "grade_segment": editing.edit,
    })
