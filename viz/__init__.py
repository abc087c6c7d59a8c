"""Self-contained HTML network maps of results and neighbourhoods."""


class VizError(Exception):
    """Base of the viz package's errors."""
