"""Long work: the LLM calls of generation runs, consumed from a durable work queue."""
