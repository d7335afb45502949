"""The AI timeline read model: the recent AI operations, newest first (0009_ai_timeline.sql)."""
