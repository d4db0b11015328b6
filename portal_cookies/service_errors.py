"""The one exception services raise for a refused change, and the transaction they make
their changes in; views show the message."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from .extensions import db

# How many ``one_change`` blocks are open in the session: only the outermost commits.
_DEPTH = "one_change_depth"


@dataclass(frozen=True)
class Link:
    """What a refusal names and where a page can show it: an endpoint and its values, made
    an address only by a page (a command line has no addresses)."""

    text: str
    endpoint: str
    values: Mapping[str, Any] = field(default_factory=dict)


class ServiceError(ValueError):
    """A change the rules refuse. ``field`` names the form field to show the message on;
    ``link``, what the message is about (the entry that already declares a name)."""

    def __init__(self, message: str, field: str | None = None, link: Link | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.link = link


@contextmanager
def one_change(conflict: str | None = None) -> Iterator[None]:
    """Commit what the block changes, or, if anything is refused, none of it.

    A constraint the database enforces (a unique name, a row someone deleted meanwhile) is
    refused like a rule: someone saved a conflicting change since the form was read;
    ``conflict`` says so in the caller's words. A block inside another one commits with the
    outer one, so a change made of several services' changes (a rollback restoring the
    inventory, the texts and the settings, then publishing) is still one transaction, and a
    refusal anywhere in it leaves the database as it was.
    """
    depth = db.session.info.get(_DEPTH, 0)
    db.session.info[_DEPTH] = depth + 1
    try:
        yield
        if depth == 0:
            db.session.commit()
    except ServiceError:
        db.session.rollback()
        raise
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        raise ServiceError(
            conflict
            or _("Someone saved a conflicting change meanwhile; nothing was saved. Try again.")
        ) from error
    except Exception:
        db.session.rollback()
        raise
    finally:
        db.session.info[_DEPTH] = depth
