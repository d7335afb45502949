"""Variant scorers that look: the port (`base`), and a vision model on any OpenAI-compatible
chat API (`openai_vision`: OpenAI, Gemini's OpenAI-compatible endpoint, local servers),
chosen in settings (`settings`)."""
