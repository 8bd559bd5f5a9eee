"""The virus scan: ClamAV's daemon (clamd) over its Unix socket, with INSTREAM.

clamav-client speaks the protocol. The answer is one of four:
- CLEAN: clamd read the whole file and found nothing;
- INFECTED: it found a signature (its name is in `signature`);
- TOO_LARGE: the file is larger than clamd reads (StreamMaxLength, mirrored in
  CLAMD_STREAM_MAX_LENGTH): refused, never let through unscanned;
- UNAVAILABLE: clamd could not be reached or answered nothing usable: the file waits in
  quarantine until a later scan (documents.tasks).
"""

import dataclasses
import logging

from clamav_client.clamd import BufferTooLongError, ClamdError, ClamdUnixSocket
from django.conf import settings

logger = logging.getLogger("wijkteam.documents")

CLEAN, INFECTED, TOO_LARGE, UNAVAILABLE = "clean", "infected", "too_large", "unavailable"


@dataclasses.dataclass(frozen=True)
class Verdict:
    result: str
    signature: str = ""


def client() -> ClamdUnixSocket:
    return ClamdUnixSocket(settings.CLAMD_SOCKET, timeout=settings.CLAMD_TIMEOUT)


def scan(stream, size: int) -> Verdict:
    """Scan a file-like object of `size` bytes from its start."""
    if size > settings.CLAMD_STREAM_MAX_LENGTH:
        return Verdict(TOO_LARGE)
    stream.seek(0)
    try:
        answer = client().instream(stream)
    except BufferTooLongError:
        return Verdict(TOO_LARGE)
    except BrokenPipeError:
        # clamd closes the stream when it passes StreamMaxLength: larger than the setting says.
        logger.warning("clamd stopped reading a stream of %d bytes: CLAMD_STREAM_MAX_LENGTH too high?", size)
        return Verdict(TOO_LARGE)
    except (TimeoutError, ClamdError, OSError) as error:
        logger.warning("clamd unreachable at %s: %s", settings.CLAMD_SOCKET, error)
        return Verdict(UNAVAILABLE)
    finally:
        stream.seek(0)
    status, signature = answer.get("stream", (None, None))
    if status == "OK":
        return Verdict(CLEAN)
    if status == "FOUND":
        return Verdict(INFECTED, signature or "")
    logger.warning("clamd answered %r", answer)
    return Verdict(UNAVAILABLE)
