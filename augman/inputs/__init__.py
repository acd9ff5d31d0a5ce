"""Manifest bytes in: files, stdin, S3 objects (gzip detected), S3 URIs, and line orders."""
