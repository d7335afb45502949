"""Script writers: the LLM port the script service's workers call, and its adapters.

`base` holds the port and its typed inputs and results, `offline` the deterministic
default, `openai_writer` the adapter for any OpenAI-compatible API, and `select` picks one
from the environment.
"""
