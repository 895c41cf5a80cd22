"""Exceptions of the BragerOne client, all under one root: `BragerOneError`.

Hierarchy::

    BragerOneError
    ├── AuthenticationError        the cloud refused the e-mail/password
    ├── BragerOneConnectionError   the cloud could not be reached or the socket broke
    │   └── BragerOneTimeoutError  a call did not finish within its time limit
    ├── ApiError                   the cloud answered with an error status (status, code)
    └── InvalidResponseError       the cloud answered 2xx with a body we cannot read

The connection and timeout classes carry a ``BragerOne`` prefix so that they never shadow
Python's built-in ``ConnectionError`` and ``TimeoutError`` in a module that imports them.
"""

from __future__ import annotations


class BragerOneError(Exception):
    """Root of every error raised by the BragerOne client."""


class AuthenticationError(BragerOneError):
    """The cloud refused the credentials (wrong e-mail or password, account blocked).

    Raised by login only; a caller should ask the user for new credentials rather than retry.
    """


class BragerOneConnectionError(BragerOneError):
    """The cloud could not be reached, or the realtime socket failed or closed."""


class BragerOneTimeoutError(BragerOneConnectionError):
    """A request, a socket connect or a teardown did not finish within its time limit."""


class ApiError(BragerOneError):
    """The cloud answered with an HTTP error status.

    Attributes:
        status:
            The HTTP status (e.g. 400, 408, 503).
        code:
            The server's error code when the body carried one, e.g. ``E_DISPATCH_EVENT_TIMEOUT``
            (PROTOCOL.md §2.9) or ``ER_DUP_ENTRY``; ``None`` for HTML or empty bodies.
        message:
            The server's message, shortened; never a whole HTML page.

    """

    def __init__(self, status: int, code: str | None = None, message: str = "") -> None:
        """Build the error from the HTTP status, the server code and a short message."""
        self.status = status
        self.code = code
        self.message = message
        text = f"HTTP {status}"
        if code:
            text += f" {code}"
        if message:
            text += f": {message}"
        super().__init__(text)

    @property
    def transient(self) -> bool:
        """Return True for errors that usually heal by themselves (408, 429, 5xx)."""
        return self.status in {408, 429} or self.status >= 500


class InvalidResponseError(BragerOneError):
    """The cloud answered with a success status but a body of an unexpected shape."""
