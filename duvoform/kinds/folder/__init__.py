"""The ``Folder`` kind's home: its manifest model, differ, mapping and operations."""
