from django.core.exceptions import PermissionDenied, ValidationError


class TransitionNotAllowed(ValidationError):
    """The object is not in a state from which this step may be taken."""


class ConflictError(ValidationError):
    """Someone else saved the object since it was read."""


class NotAllowed(PermissionDenied):
    """The user's role does not allow this step."""
