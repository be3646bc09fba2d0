"""The planning engine: manifests and live state in, an ordered plan out (DESIGN §1).

The stages, each a function from values to values, in pipeline order (see ARCHITECTURE.md)."""
