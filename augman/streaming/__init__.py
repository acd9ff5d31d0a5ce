"""``stream``: the bytes SageMaker Pipe mode puts on a channel's pipe, epoch by epoch."""
