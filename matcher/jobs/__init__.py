"""Background work: the planner queue (embedded thread pool or Redis list)."""
