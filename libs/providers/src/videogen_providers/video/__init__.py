"""Hosted video generation for the inside of a region edit's box (doc 002's AI half)."""
