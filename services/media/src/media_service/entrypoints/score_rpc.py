"""Scoring on NATS request/reply (AI_SCORE_COMMANDS): `score_variant` measures the variant
(seconds of decoding, in a thread), then records the score; the reply comes once it is
stored. Served apart from AI_EDIT_COMMANDS because its handler does slow work first."""

from __future__ import annotations

from videogen_bus.rpc import CommandHandler
from videogen_bus.serving import endpoints
from videogen_contracts.media.ai_edits import AI_SCORE_COMMANDS

from media_service.app.scoring import VariantScoring


def score_handlers(scoring: VariantScoring) -> dict[str, CommandHandler]:
    return endpoints(AI_SCORE_COMMANDS, commands={"score_variant": scoring.score})
