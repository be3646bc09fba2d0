"""The client's operations, grouped by resource (``DuvoClient`` combines them)."""
