"""``augman preview``: one self-contained HTML page of the labels drawn on the data.

``picking`` chooses the lines (with validate's findings on each), ``labels`` reads
each label kind, ``thumbnails`` fetches and downscales images and masks with Pillow,
``cards`` and ``page`` draw them, and ``build`` runs the whole.
"""
