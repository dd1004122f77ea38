"""Golden question sets and the scoring behind `enroller eval`."""
