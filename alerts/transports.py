"""How an alert reaches a person: one transport class per channel, behind a registry (after
healthchecks' ``hc/api/transports.py``). The outbox claims a row, asks the channel's transport
to send it and records the outcome; a transport only sends.

A transport signals failure with ``TransportError``, which says whether trying again could
help: a mail server that refuses the recipient for good (SMTP 5xx) is permanent; a server that
cannot be reached, or answers "try later" (4xx), is transient.

What a mail says is rendered in ``alerts.emails``.
"""

from __future__ import annotations

import smtplib

from django.core.mail import get_connection

from .auditing import alert_email_sent_record
from .emails import alert_email_render
from .models import Alert, AlertChannel


class TransportError(Exception):
    """A delivery failed; ``permanent`` says that trying again will not help."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.message = message
        self.permanent = permanent


class Transport:
    """Sends alerts of one channel. One instance serves one batch: ``open`` before the first
    ``send`` (it may hold a connection), ``close`` after the last."""

    channel: str = ""
    #: Nothing leaves the portal: delivery is stamping the row, done for a whole batch at once.
    stored_in_portal = False

    def open(self) -> None:
        pass

    def send(self, alert: Alert) -> None:
        raise NotImplementedError

    def sent(self, alert: Alert) -> None:
        """Called once ``send`` succeeded, in the transaction that stamps the alert sent (what
        the channel records about a delivery goes in with the stamp, or not at all)."""

    def close(self) -> None:
        pass


_registry: dict[str, type[Transport]] = {}


def register(cls: type[Transport]) -> type[Transport]:
    """Class decorator: make ``cls`` the transport of its channel."""
    _registry[cls.channel] = cls
    return cls


def transport_for(channel: str) -> Transport:
    """A new transport for ``channel`` (``KeyError`` for a channel nobody registered)."""
    return _registry[channel]()


@register
class PortalTransport(Transport):
    """The in-portal notification is the alert row itself: the bell counts the sent ones."""

    channel = AlertChannel.PORTAL
    stored_in_portal = True

    def send(self, alert: Alert) -> None:
        return None


def _text(message) -> str:
    return message.decode(errors="replace") if isinstance(message, bytes) else str(message)


def _smtp_error(error: Exception) -> TransportError:
    """Classify an SMTP failure: 5xx answers are permanent, everything else transient."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        detail = "; ".join(
            f"{address}: {code} {_text(message)}"
            for address, (code, message) in error.recipients.items()
        )
        return TransportError(
            f"Recipient refused: {detail}", permanent=bool(codes) and min(codes) >= 500
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return TransportError(
            f"{error.smtp_code} {_text(error.smtp_error)}", permanent=error.smtp_code >= 500
        )
    return TransportError(f"{type(error).__name__}: {error}", permanent=False)


@register
class EmailTransport(Transport):
    """Mail over one SMTP connection per batch. A server that cannot be reached fails every
    alert of the batch (transiently) without trying to connect again for each."""

    channel = AlertChannel.EMAIL

    def __init__(self):
        self.connection = None
        self._open_error: TransportError | None = None

    def open(self) -> None:
        self.connection = get_connection()
        try:
            self.connection.open()
        except (OSError, smtplib.SMTPException) as error:
            self._open_error = _smtp_error(error)

    def send(self, alert: Alert) -> None:
        if self.connection is None:
            self.open()
        if self._open_error is not None:
            raise self._open_error
        message = alert_email_render(alert)
        message.connection = self.connection
        try:
            message.send(fail_silently=False)
        except (OSError, smtplib.SMTPException) as error:
            raise _smtp_error(error) from error

    def sent(self, alert: Alert) -> None:
        """A mail left the portal: ``alert.email_sent``, with its recipient."""
        alert_email_sent_record(alert=alert)

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except (OSError, smtplib.SMTPException):
                pass
