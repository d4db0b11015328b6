"""The one exception services raise for a refused change, and the transaction they make
their changes in; views show the message."""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask_babel import gettext as _

from .extensions import db


class ServiceError(ValueError):
    """A change the rules refuse. ``field`` names the form field to show the message on."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@contextmanager
def one_change() -> Iterator[None]:
    """Commit what the block changes, or, if anything is refused, none of it.

    A constraint the database enforces (a unique name, a row someone deleted meanwhile) is
    refused like a rule: someone saved a conflicting change since the form was read.
    """
    try:
        yield
        db.session.commit()
    except ServiceError:
        db.session.rollback()
        raise
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        raise ServiceError(
            _("Someone saved a conflicting change meanwhile; nothing was saved. Try again.")
        ) from error
