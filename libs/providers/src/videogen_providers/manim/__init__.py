"""Manim writers: the port the script service's Manim workers call (`writer`), the offline
default (`offline`, from `templates`, `scene_text`, `offline_plan`, `edits`), the adapter for
any OpenAI-compatible API (`openai_manim`), and `select`, which picks one."""
