"""``stats``: a manifest folded into a :class:`~augman.statistics.fold.Stats` value."""
