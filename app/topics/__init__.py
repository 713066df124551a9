"""Topic areas of common interest (Russia, Western Balkans, East Asia, ...)."""
