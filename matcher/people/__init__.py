"""People: riders, drivers and coordinators; their accounts, places, phones, links and erasure."""
