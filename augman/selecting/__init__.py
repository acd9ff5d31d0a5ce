"""``select``: where, projection, sample, fraction, shuffle, shard, split and head."""
