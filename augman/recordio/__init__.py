"""RecordIO: the codec SageMaker frames records with, and ``dump``'s reading of a stream.

The codec's public names are re-exported here: ``augman.recordio.encode(payload)``,
``augman.recordio.decode(stream)``.
"""

from augman.recordio.codec import (
    MAGIC,
    MAX_LENGTH,
    CorruptStream,
    Record,
    RecordTooLarge,
    decode,
    decode_bytes,
    encode,
)

__all__ = [
    "MAGIC", "MAX_LENGTH", "CorruptStream", "Record", "RecordTooLarge",
    "decode", "decode_bytes", "encode",
]  # fmt: skip
