"""What the command groups share: a refusal as Click's error, passwords, files written whole."""

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, NoReturn

import click

from ..service_errors import ServiceError


def read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def fail(error: ServiceError) -> NoReturn:
    raise click.ClickException(error.message)


@contextmanager
def complete_file(path: str) -> Iterator[BinaryIO]:
    """Write to a new file beside ``path`` (readable by its owner only) and put it in place
    once complete, so a failed write leaves an older file of that name intact; ``-`` is
    standard output. Click's own atomic files replace the target even after an error."""
    if path == "-":
        yield click.get_binary_stream("stdout")
        return
    target = Path(path)
    with tempfile.NamedTemporaryFile(
        dir=target.parent, prefix=f".{target.name}.", delete=False
    ) as file:
        try:
            yield file
        except BaseException:
            file.close()
            os.unlink(file.name)
            raise
    os.replace(file.name, target)
