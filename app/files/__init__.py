"""Files kept in the database: content-addressed blobs stored in chunks (see storage.py)."""
