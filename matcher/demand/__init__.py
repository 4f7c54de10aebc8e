"""Demand: the rides people need (recurring needs, one-off rides) and the drivers' shifts."""
