"""The AI jobs read model: jobs, their variants and scores (0008_ai_edits.sql)."""
