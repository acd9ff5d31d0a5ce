"""``augman validate --job``: a CreateTrainingJob request checked before any instance is billed.

``request`` reads the request file (and where each of its nodes is, ``locate``);
``servicemodel`` checks it against botocore's own model of the API; ``channels``
applies the augmented-manifest rules to each channel; ``manifests`` validates the
manifest of each AugmentedManifestFile channel and gathers what the algorithm rules
need; ``algorithms`` holds the built-in algorithms' profiles; ``check`` runs it all.
"""
