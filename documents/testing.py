"""Real parts for the tests of documents: a clamd with a one-signature database, an S3 server.

clamd: `/usr/sbin/clamd` (Debian's clamav-daemon) started in a temporary folder with its own
clamd.conf (a Unix socket there, no TCP, in the foreground) and a database of one `.hdb` line,
the MD5 and size of the EICAR test file. No signatures are downloaded (production runs
freshclam). Without clamd the tests that need it skip, or fail with REQUIRE_CLAMD=1 (CI).

S3: moto's server mode on 127.0.0.1 and a free port, the same API a MinIO or AWS bucket speaks.
"""

import contextlib
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

CLAMD = os.environ.get("CLAMD_BINARY", "/usr/sbin/clamd")
# The EICAR anti-virus test file: harmless, detected by every scanner (and by ours, below).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
# clamd's StreamMaxLength in the tests: small, so a file above it is cheap to make.
STREAM_MAX_LENGTH = 2 * 1024 * 1024


def _missing(what: str):
    if os.environ.get("REQUIRE_CLAMD") == "1":
        pytest.fail(f"REQUIRE_CLAMD=1 but {what} (apt-get install clamav-daemon)")
    pytest.skip(what)


@contextlib.contextmanager
def running_clamd():
    """Start clamd with the EICAR-only database; yields the path of its socket."""
    binary = CLAMD if os.path.exists(CLAMD) else shutil.which("clamd")
    if not binary:
        _missing("clamd is not installed")
    folder = Path(tempfile.mkdtemp(prefix="wijkteam-clamd."))
    database = folder / "db"
    database.mkdir()
    (database / "wijkteam-eicar.hdb").write_text(
        f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:Wijkteam.Test.EICAR\n"  # noqa: S324
    )
    sock = folder / "clamd.sock"
    conf = folder / "clamd.conf"
    conf.write_text(
        "\n".join(
            [
                f"LocalSocket {sock}",
                "Foreground yes",
                f"DatabaseDirectory {database}",
                f"TemporaryDirectory {folder}",
                f"StreamMaxLength {STREAM_MAX_LENGTH}",
                "LogTime yes",
                f"LogFile {folder / 'clamd.log'}",
                "",
            ]
        )
    )
    process = subprocess.Popen(  # noqa: S603
        [binary, "--config-file", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not _answers(sock):
            if process.poll() is not None or time.monotonic() > deadline:
                log = (folder / "clamd.log").read_text() if (folder / "clamd.log").exists() else ""
                pytest.fail(f"clamd did not start: {log[-2000:]}")
            time.sleep(0.1)
        yield str(sock)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)


def _answers(path: Path) -> bool:
    if not path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(2)
            conn.connect(str(path))
            conn.sendall(b"nPING\n")
            return conn.recv(16).strip() == b"PONG"
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_s3():
    """moto's S3 server on 127.0.0.1; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def s3_storage_settings(endpoint: str, bucket: str) -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": "eu-west-1",
            "access_key": "wijkteam-test",
            "secret_key": "wijkteam-test-secret",  # noqa: S106
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    }


def stored_document(household, by, content: bytes = b"Brief van de woningcorporatie\n", **fields):
    """A document with its file in the storage, as if uploaded and found clean."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from documents import services
    from documents.models import Document

    key = services.storage().save(services.new_key(), ContentFile(content))
    values = {
        "title": "Brief woningcorporatie",
        "kind": "letter_in",
        "date": timezone.localdate(),
        "file_name": "brief.txt",
        "content_type": "text/plain",
        "size": len(content),
        "scan_status": "clean",
        **fields,
    }
    document = Document(household=household, added_by=by, storage_key=key, **values)
    document.save()
    return document
