import uuid

import boto3
import pytest

from documents import testing


@pytest.fixture(scope="session")
def clamd_socket():
    """A real clamd for this test session (documents/testing.py), its socket's path."""
    with testing.running_clamd() as path:
        yield path


@pytest.fixture
def clamd(clamd_socket, settings):
    """Uploads are scanned by the real clamd; its StreamMaxLength is mirrored in the settings."""
    settings.CLAMD_SOCKET = clamd_socket
    settings.CLAMD_STREAM_MAX_LENGTH = testing.STREAM_MAX_LENGTH
    return clamd_socket


@pytest.fixture(scope="session")
def s3_endpoint():
    with testing.running_s3() as endpoint:
        yield endpoint


@pytest.fixture
def s3_documents(s3_endpoint, settings):
    """Document files go to a fresh bucket of the S3 server; yields (boto3 client, bucket)."""
    bucket = f"wijkteam-{uuid.uuid4().hex[:12]}"
    config = testing.s3_storage_settings(s3_endpoint, bucket)
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="eu-west-1",
        aws_access_key_id="wijkteam-test",
        aws_secret_access_key="wijkteam-test-secret",  # noqa: S106
    )
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    settings.STORAGES = {**settings.STORAGES, "documents": config}
    return client, bucket


@pytest.fixture(autouse=True)
def _own_documents_folder(settings, tmp_path):
    """Each test starts with an empty storage folder (what it stored is all there is)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "documents", "base_url": None},
        },
    }
