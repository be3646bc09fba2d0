"""The ``Assignment`` kind's home (with its Builds): model, differ, mapping and operations."""
