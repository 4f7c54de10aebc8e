"""Planning: database <-> solver: build the day's problem, run the planner, store and explain."""
