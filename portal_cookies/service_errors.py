"""The one exception services raise for a refused change; views show its message."""


class ServiceError(ValueError):
    """A change the rules refuse. ``field`` names the form field to show the message on."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
