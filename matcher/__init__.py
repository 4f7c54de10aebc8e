"""The domain of Mitfahrnetz: models, services, plan lifecycle, jobs. No Flask here."""
