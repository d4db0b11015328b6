"""Extensions, created unbound and attached to the app in ``create_app``."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, exc
from sqlalchemy.orm import DeclarativeBase

# Alembic's batch mode on SQLite recreates tables and needs every constraint to have a name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The errors that say the database could not answer (down, unreachable, a connection cut, a
# pool exhausted, a lock held too long), as opposed to a statement it refused: worth trying
# again in a moment.
DATABASE_UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.TimeoutError)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)
