"""Domain operations: each takes a session first, flushes, never commits (the caller commits)."""
