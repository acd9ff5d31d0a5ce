"""``-ref`` objects: where their bytes come from (mirror folders, S3) and ordered prefetch.

``objects`` names what a fetch returns; ``resolvers`` fetches one object; ``prefetch``
runs many fetches ahead of a consumer that sees them in order.
"""

from augman.refs.objects import Fetched, RefError, Resolver
from augman.refs.prefetch import prefetch
from augman.refs.resolvers import Mirror, Mirrors, S3Resolver

__all__ = ["Fetched", "Mirror", "Mirrors", "RefError", "Resolver", "S3Resolver", "prefetch"]
