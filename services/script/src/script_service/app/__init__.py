"""Application layer: load → decide → append, around the pure domain."""
