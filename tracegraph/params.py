"""Click parameter types shared by commands."""

from __future__ import annotations

import click

__all__ = ["KeyValue", "KEY_VALUE", "KEY_NUMBER", "pairs_dict"]


class KeyValue(click.ParamType):
    """``KEY=VALUE`` into a ``(key, value)`` pair, the value converted by ``value_type``.

    Used with ``multiple=True``; :func:`pairs_dict` turns the pairs into a dict.
    """

    name = "KEY=VALUE"

    def __init__(self, value_type=str, what: str = "KEY=VALUE"):
        self.value_type = value_type
        self.what = what

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        key, sep, raw = str(value).partition("=")
        if not sep or not key.strip():
            self.fail(f"{value!r} is not {self.what}", param, ctx)
        try:
            return key.strip(), self.value_type(raw)
        except ValueError:
            self.fail(f"{value!r} is not {self.what}", param, ctx)


KEY_VALUE = KeyValue()
KEY_NUMBER = KeyValue(float, "NAME=NUMBER")


def pairs_dict(pairs) -> dict:
    """The ``(key, value)`` pairs of a repeated :class:`KeyValue` option as a dict (the last
    value of a key wins)."""
    return dict(pairs or ())
