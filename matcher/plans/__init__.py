"""Plans: a plan version's lifecycle (approve, publish), edits, insertions, drivers' answers."""
