from . import drift_views, file_views  # noqa: F401 (their routes join the blueprint)
from .views import bp

__all__ = ["bp"]
