"""Uploaded inventory files kept on the server between their preview and their confirmation.

The browser gets a random token naming the file; only its hash is stored, and only the person
who uploaded the file can use it, within an hour. The file never travels back through the
browser, so nothing it sends can change what was previewed, and any app instance can apply it.
"""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ..extensions import db
from ..models import PendingImport, User, utcnow
from ..service_errors import ServiceError

# How long an uploaded file waits for its uploader's confirmation.
HOLD_LIFETIME = timedelta(hours=1)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hold_file(data: bytes, filename: str, actor: User) -> str:
    """Keep an uploaded file for its uploader to confirm; the token that names it.

    A person's new upload replaces their previous one, and files older than an hour go.
    """
    db.session.execute(
        sa.delete(PendingImport).where(
            (PendingImport.user_id == actor.id)
            | (PendingImport.created_at < utcnow() - HOLD_LIFETIME)
        )
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        PendingImport(token_hash=_token_hash(token), user=actor, filename=filename[:255], data=data)
    )
    db.session.commit()
    return token


def held_file(token: str, actor: User) -> PendingImport:
    """The file ``actor`` uploaded under ``token``, if still kept; else ServiceError."""
    pending = db.session.scalar(
        db.select(PendingImport).where(
            PendingImport.token_hash == _token_hash(token or ""),
            PendingImport.user_id == actor.id,
            PendingImport.created_at >= utcnow() - HOLD_LIFETIME,
        )
    )
    if pending is None:
        raise ServiceError(
            _(
                "This import is no longer waiting (it was applied, or is over an hour old). "
                "Upload the file again."
            )
        )
    return pending


def drop_file(pending: PendingImport) -> None:
    db.session.delete(pending)
    db.session.commit()
