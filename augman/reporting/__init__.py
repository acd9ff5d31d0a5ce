"""Every output format: validation reports, stats reports, dump rows."""
