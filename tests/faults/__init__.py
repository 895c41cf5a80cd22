"""The fault suite (issue 7): the integration against the simulator's faults."""
