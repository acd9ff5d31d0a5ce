"""Where output goes: stdout, files written atomically, FIFOs, and the ``/opt/ml`` tree."""
