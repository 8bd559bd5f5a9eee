"""A mail server that is down is not an error (issue 15.3).

Every mail goes through the task queue (wijkteam/mail.py): the password-reset page answers the
same whether the mail server is up or not, the worker (`manage.py db_worker`) logs a failed
attempt without the mail's content and keeps the mail queued, and delivers it once the server
is back. The SMTP servers here are real sockets on 127.0.0.1: one that speaks just enough SMTP,
and a port with nothing listening.
"""

import copy
import datetime
import json
import logging
import re
import socket
import socketserver
import threading

import pytest
from django.core import mail
from django.db import transaction
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

import wijkteam.settings
from tests.worker import run_worker
from wijkteam.mail import deserialise, retry_delay, serialise

BODY = "Geheime inhoud 4711 over Familie Jansen"
SUBJECT = "Onderwerp met een naam: Jansen"
ADDRESS = "wim.jansen@example.org"


# --- A mail server on 127.0.0.1, and a port where none listens ---------------------------------


class _SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line: bytes) -> None:
        self.wfile.write(line + b"\r\n")

    def handle(self):
        self.reply(b"220 test ESMTP")
        lines: list[bytes] | None = None
        while raw := self.rfile.readline():
            if lines is not None:  # inside DATA
                if raw.rstrip(b"\r\n") == b".":
                    self.server.received.append(b"".join(lines))
                    lines = None
                    self.reply(b"250 OK queued")
                else:
                    lines.append(raw[1:] if raw.startswith(b"..") else raw)
                continue
            verb = raw[:4].upper()
            if verb == b"EHLO":
                self.reply(b"250-test")
                self.reply(b"250 8BITMIME")
            elif verb == b"DATA":
                lines = []
                self.reply(b"354 End data with <CR><LF>.<CR><LF>")
            elif verb == b"QUIT":
                self.reply(b"221 Bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self.reply(b"250 OK")


class _SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture
def smtp_server():
    server = _SMTPServer(("127.0.0.1", 0), _SMTPHandler)
    server.received = []
    server.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port():
    """Bound but not listening: a connection is refused, and no other test can take the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


def mailers(port: int) -> dict:
    """settings.MAILERS as wijkteam/settings.py makes it (the test run swaps every mailer for
    locmem), with the SMTP server on this port."""
    configured = copy.deepcopy(wijkteam.settings.MAILERS)
    configured["delivery"] = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
    }
    return configured


def waiting() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path="wijkteam.mail.deliver_mail")
    )


def queue_a_mail() -> None:
    sent = mail.EmailMultiAlternatives(SUBJECT, BODY, None, [ADDRESS])
    sent.attach_alternative(f"<p>{BODY}</p>", "text/html")
    assert sent.send() == 1


def mail_lines(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "wijkteam.mail"]


def assert_no_content_in(text: str) -> None:
    for secret in (BODY, SUBJECT, ADDRESS, "Jansen"):
        assert secret not in text, secret


# --- The page answers the same ------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_answers_the_same_whether_the_mail_server_is_up_or_down(
    client, settings, world, smtp_server, closed_port
):
    world.worker_a.email = ADDRESS
    world.worker_a.save()
    answers = []
    for port in (smtp_server.port, closed_port):
        settings.MAILERS = mailers(port)
        response = client.post(reverse("account_reset_password"), {"email": ADDRESS})
        page = client.get(response.url)
        # The page itself, less what differs on every request (the form token).
        text = re.sub(r"[A-Za-z0-9]{64}", "TOKEN", page.text)
        answers.append((response.status_code, response.url, page.status_code, text))
    up, down = answers
    assert up[:3] == (302, reverse("account_reset_password_done"), 200)
    assert down == up
    # Nothing was sent while the page waited: two mails queued, for the worker.
    assert smtp_server.received == []
    assert len(waiting()) == 2
    assert all("/accounts/password/reset/key/" in task.args_kwargs["args"][0]["body"] for task in waiting())


@pytest.mark.django_db
def test_a_mail_of_a_transaction_that_fails_is_never_queued(settings, closed_port):
    settings.MAILERS = mailers(closed_port)
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_a_mail()
        raise RuntimeError("the change failed")
    assert waiting() == []


# --- The worker -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_logs_a_failure_keeps_the_mail_and_delivers_it_when_the_server_is_back(
    settings, smtp_server, closed_port, caplog
):
    settings.MAILERS = mailers(closed_port)
    start = timezone.now()
    with caplog.at_level(logging.INFO):
        queue_a_mail()
        run_worker()

    failures = [record for record in mail_lines(caplog) if record.levelno == logging.WARNING]
    assert len(failures) == 1, "the failed attempt is logged"
    assert "ConnectionRefusedError" in failures[0].getMessage()
    assert_no_content_in(caplog.text)  # no subject, text or address, not even in a traceback
    [retry] = waiting()
    assert retry.run_after >= start + retry_delay(1)
    assert retry.args_kwargs["args"][0]["body"] == BODY
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    # The failed attempt's row keeps no copy of the mail.
    [failed] = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
    assert_no_content_in(json.dumps(failed.args_kwargs) + failed.traceback)

    # Not yet due: a worker now leaves it alone.
    settings.MAILERS = mailers(smtp_server.port)
    run_worker()
    assert smtp_server.received == [] and len(waiting()) == 1

    # The server is back and the retry is due: delivered, once, with the text and the html part.
    caplog.clear()
    due = timezone.now() + retry_delay(1) + datetime.timedelta(seconds=5)
    with freeze_time(due, tick=True), caplog.at_level(logging.INFO):
        run_worker()
    assert len(smtp_server.received) == 1
    delivered = smtp_server.received[0].decode()
    assert ADDRESS in delivered and "text/html" in delivered
    assert waiting() == []
    assert any("delivered" in record.getMessage() for record in mail_lines(caplog))
    assert all("Geheime" not in json.dumps(row.args_kwargs) for row in DBTaskResult.objects.all()), (
        "no finished row holds the mail"
    )


@pytest.mark.django_db(transaction=True)
def test_the_worker_gives_up_after_the_configured_hours_with_an_error(settings, closed_port, caplog):
    settings.MAILERS = mailers(closed_port)
    settings.WIJKTEAM_MAIL_GIVE_UP_HOURS = 0
    with caplog.at_level(logging.INFO):
        queue_a_mail()
        run_worker()
    errors = [record for record in mail_lines(caplog) if record.levelno == logging.ERROR]
    assert len(errors) == 1 and "given up" in errors[0].getMessage()
    assert waiting() == []
    assert_no_content_in(caplog.text)


# --- The message survives the queue -------------------------------------------------------------


def test_a_message_survives_the_round_trip_through_json(settings):
    message = mail.EmailMultiAlternatives(
        SUBJECT,
        BODY,
        "wijkteam@gemeente.example",
        [ADDRESS],
        cc=["cc@example.org"],
        bcc=["bcc@example.org"],
        reply_to=["antwoord@example.org"],
        headers={"X-Wijkteam": "ja"},
    )
    message.attach_alternative("<p>html</p>", "text/html")
    message.attach("bijlage.pdf", b"%PDF-1.4 \x00\xff", "application/pdf")
    message.attach("notitie.txt", "tekst", "text/plain")
    data = json.loads(json.dumps(serialise(message)))
    copy = deserialise(data)
    assert (copy.subject, copy.body, copy.from_email) == (SUBJECT, BODY, "wijkteam@gemeente.example")
    assert (copy.to, copy.cc, copy.bcc, copy.reply_to) == (
        [ADDRESS],
        ["cc@example.org"],
        ["bcc@example.org"],
        ["antwoord@example.org"],
    )
    assert [tuple(alternative) for alternative in copy.alternatives] == [("<p>html</p>", "text/html")]
    assert [tuple(attachment) for attachment in copy.attachments] == [
        ("bijlage.pdf", b"%PDF-1.4 \x00\xff", "application/pdf"),
        ("notitie.txt", "tekst", "text/plain"),
    ]
    # Written now, sent later: the Date and Message-ID are those of the moment it was queued.
    assert copy.extra_headers["X-Wijkteam"] == "ja"
    assert copy.extra_headers["Date"] == data["headers"]["Date"]
    assert copy.message()["Message-ID"] == data["headers"]["Message-ID"]


@pytest.mark.django_db
def test_the_administration_shows_the_queue_but_not_a_mails_text(client, settings, world, closed_port):
    settings.MAILERS = mailers(closed_port)
    queue_a_mail()
    [task] = waiting()
    client.force_login(world.admin)
    page = client.get(reverse("admin:django_tasks_database_dbtaskresult_change", args=[task.pk]))
    assert page.status_code == 200
    assert "deliver_mail" in page.text
    assert_no_content_in(page.text)
