"""The AI edit commands on NATS request/reply (AI_EDIT_COMMANDS, doc 002's AI half).

`request_ai_edit` answers as soon as the job is recorded; the variants are long work done
by the AI edit worker and reported as events. `accept_variant` answers once the timeline
has the variant (or refuses: the variant unknown, not rendered, its range gone).
"""

from __future__ import annotations

from videogen_bus.rpc import CommandHandler
from videogen_bus.serving import endpoints
from videogen_contracts.media.ai_edits import AI_EDIT_COMMANDS

from media_service.app.ai_edits import AiEditHandlers


def ai_edit_handlers(ai_edits: AiEditHandlers) -> dict[str, CommandHandler]:
    return endpoints(AI_EDIT_COMMANDS, commands={
        "request_ai_edit": ai_edits.request, "accept_variant": ai_edits.accept,
    })
