"""Mail goes through the task queue, so a mail server that is down is not an error page.

The default mailer (settings.MAILERS["default"]) is `QueuedEmailBackend`: sending a message
stores it as a task (django.tasks with the database backend, in the same transaction as the
request's own writes) and returns at once. The worker (`manage.py db_worker`) runs
`deliver_mail`, which hands the message to the real mailer (MAILERS["delivery"]: SMTP in
production). When that fails, the attempt is logged (without subject, body or addresses: mail
may hold personal data), and the message is queued again with a growing delay, until it is
delivered or WIJKTEAM_MAIL_GIVE_UP_HOURS have passed since it was first queued.
"""

import base64
import datetime
import logging
import smtplib
from email.utils import format_datetime, make_msgid

from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailAttachment, EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.tasks import TaskContext, task
from django.utils import timezone

logger = logging.getLogger("wijkteam.mail")

# The mailer that really sends (settings.MAILERS); the queue hands every message to it.
DELIVERY_MAILER = "delivery"
# Seconds before the next attempt: doubling from a minute, at most an hour apart.
FIRST_RETRY_SECONDS = 60
MAX_RETRY_SECONDS = 60 * 60


class MailNotDelivered(Exception):
    """An attempt failed. Says when the next one is, never what the mail or the server said."""


def serialise(message: mail.EmailMessage) -> dict:
    """The message as JSON for the task's arguments. Date and Message-ID are fixed now, so a
    mail sent an hour late says when it was written, and every attempt carries the same id."""
    headers = {str(name): str(value) for name, value in message.extra_headers.items()}
    names = {name.lower() for name in headers}
    if "date" not in names:
        headers["Date"] = format_datetime(timezone.now())
    if "message-id" not in names:
        headers["Message-ID"] = make_msgid(domain=DNS_NAME)
    attachments = []
    for attachment in message.attachments:
        if not isinstance(attachment, tuple):
            raise ValueError("The mail queue takes attachments as (filename, content, mimetype).")
        filename, content, mimetype = attachment
        if isinstance(content, bytes):
            attachments.append([filename, base64.b64encode(content).decode("ascii"), mimetype, "base64"])
        else:
            attachments.append([filename, str(content), mimetype, "text"])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "content_subtype": message.content_subtype,
        "from_email": str(message.from_email),
        "to": [str(address) for address in message.to],
        "cc": [str(address) for address in message.cc],
        "bcc": [str(address) for address in message.bcc],
        "reply_to": [str(address) for address in message.reply_to],
        "headers": headers,
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
        "encoding": message.encoding,
    }


def deserialise(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        alternatives=data["alternatives"],
    )
    message.content_subtype = data["content_subtype"]
    message.encoding = data["encoding"]
    for filename, content, mimetype, kind in data["attachments"]:
        payload = base64.b64decode(content) if kind == "base64" else content
        message.attachments.append(EmailAttachment(filename, payload, mimetype))
    return message


class QueuedEmailBackend(BaseEmailBackend):
    """Queues each message as a `deliver_mail` task; the request never waits for a mail server."""

    def __init__(self, *, deliver_using: str = DELIVERY_MAILER, **kwargs):
        super().__init__(**kwargs)
        self.deliver_using = deliver_using

    def send_messages(self, email_messages):
        queued = 0
        for message in email_messages:
            if not message.recipients():
                continue
            message.message()  # a bad header fails here, in the request, as with any backend
            result = deliver_mail.enqueue(
                serialise(message),
                using=self.deliver_using,
                first_queued_at=timezone.now().isoformat(),
            )
            logger.info("Mail %s queued for %d recipient(s)", result.id, len(message.recipients()))
            queued += 1
        return queued


def retry_delay(attempt: int) -> datetime.timedelta:
    """After the first failed attempt a minute, then doubling, at most an hour."""
    return datetime.timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** (attempt - 1), MAX_RETRY_SECONDS))


def _permanent(error: Exception) -> bool:
    """Every recipient refused for good (5xx): trying again cannot help."""
    return isinstance(error, smtplib.SMTPRecipientsRefused) and all(
        code >= 500 for code, _text in error.recipients.values()
    )


def _what_failed(error: Exception) -> str:
    """The kind of failure without the server's text, which may quote addresses."""
    code = getattr(error, "smtp_code", None) or getattr(error, "errno", None)
    return f"{type(error).__name__} {code}" if code else type(error).__name__


def _forget_content(context: TaskContext) -> None:
    """A finished attempt's row keeps no copy of the mail: only a waiting task holds it."""
    if apps.is_installed("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(id=context.task_result.id).update(
            args_kwargs={"args": [], "kwargs": {"removed": "mail content, after the attempt"}}
        )


@task(takes_context=True)
def deliver_mail(
    context: TaskContext,
    message: dict,
    *,
    using: str = DELIVERY_MAILER,
    first_queued_at: str,
    attempt: int = 1,
):
    """Send one queued message through the real mailer; on failure, queue it again later."""
    task_id = context.task_result.id
    try:
        mail.mailers[using].send_messages([deserialise(message)])
    except OSError as error:  # refused, timed out, or any SMTP error (smtplib's derive from it)
        _forget_content(context)
        failure = _what_failed(error)
        queued_at = datetime.datetime.fromisoformat(first_queued_at)
        give_up_at = queued_at + datetime.timedelta(hours=settings.WIJKTEAM_MAIL_GIVE_UP_HOURS)
        next_at = timezone.now() + retry_delay(attempt)
        if _permanent(error) or next_at > give_up_at:
            logger.error(
                "Mail %s not delivered, attempt %d (%s): given up, queued at %s",
                task_id,
                attempt,
                failure,
                first_queued_at,
            )
            raise MailNotDelivered(f"attempt {attempt} failed ({failure}); given up") from None
        retry = deliver_mail.using(run_after=next_at).enqueue(
            message, using=using, first_queued_at=first_queued_at, attempt=attempt + 1
        )
        logger.warning(
            "Mail %s not delivered, attempt %d (%s): trying again at %s as %s",
            task_id,
            attempt,
            failure,
            next_at.isoformat(timespec="seconds"),
            retry.id,
        )
        raise MailNotDelivered(f"attempt {attempt} failed ({failure}); next attempt {retry.id}") from None
    _forget_content(context)
    logger.info("Mail %s delivered, attempt %d", task_id, attempt)
    return {"delivered": True, "attempt": attempt}
