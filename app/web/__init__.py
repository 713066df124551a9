"""Cross-cutting web pieces: health check, home page, error handlers."""
