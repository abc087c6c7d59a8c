"""Read trade records, registries and watchlists into canonical, resolved pandas frames."""


class LoaderError(Exception):
    """Base of the loaders' errors: a file or a profile that cannot be used at all."""
