"""The demo's API client (seed_demo): OBS De Regenboog's system, with a published secret."""

from django.contrib.auth.hashers import check_password

from api.models import ApiClient
from api.services import client_create
from teams.models import Organisation

CLIENT_ID = "regenboog-demo"
SECRET = "wijkteam-demo"  # noqa: S105 - the demo's, published in the README like its passwords
ORGANISATION = "OBS De Regenboog"


def seed_api_client(organisations: dict[str, Organisation]) -> ApiClient:
    """Idempotent: the client exists once, active, with the published secret."""
    client = ApiClient.objects.select_related("application").filter(application__client_id=CLIENT_ID).first()
    if client is None:
        client, _secret = client_create(
            name="Leerlingvolgsysteem",
            organisation=organisations[ORGANISATION],
            by=None,
            client_id=CLIENT_ID,
            secret=SECRET,
        )
    elif not check_password(SECRET, client.application.client_secret):
        client.application.client_secret = SECRET
        client.application.save()
    return client
