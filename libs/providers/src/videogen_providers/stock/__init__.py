"""Stock footage: Pexels (the vendor option; procedural backgrounds are the default)."""
