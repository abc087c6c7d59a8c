"""The workbench's pages, one module each; every module lists its routes in ``routes()``."""
