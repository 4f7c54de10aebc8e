"""The domain of Mitfahrnetz, grouped by area (people, demand, planning, plans, ...). No Flask."""
