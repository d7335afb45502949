"""The API keys read model: one row per key, its hash and revocation (0011_api_keys.sql)."""
