"""The `appeals` command. Each area adds its commands in a module of this package."""

import click


@click.group()
def cli() -> None:
    """Turn a denied imaging prior authorization into a cited appeal letter."""


def _register() -> None:
    # Imported for their side effect of adding commands to `cli`.
    from . import match  # noqa: F401
    from . import letters  # noqa: F401
    from . import accounts  # noqa: F401
    from . import service  # noqa: F401
    from . import bulk  # noqa: F401
    from . import templates  # noqa: F401


_register()
