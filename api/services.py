"""Making and revoking API clients (the administration calls these; so does the demo)."""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken, Application, RefreshToken

from api.models import SCOPES, ApiClient
from teams.models import Organisation, User


@transaction.atomic
def client_create(
    *,
    name: str,
    organisation: Organisation,
    by: User | None,
    scopes=None,
    client_id: str = "",
    secret: str = "",
) -> tuple[ApiClient, str]:
    """A new client of a partner organisation; returns it and its secret, shown this once (the
    application keeps only a hash of it)."""
    secret = secret or secrets.token_urlsafe(32)
    application = Application(
        name=f"{organisation.name} – {name}"[:255],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
    )
    if client_id:
        application.client_id = client_id
    application.full_clean(exclude=["redirect_uris", "post_logout_redirect_uris", "user"])
    application.save()
    account = User(
        username=f"api-{slugify(application.client_id)}"[:150],
        first_name="API",
        last_name=name[:150],
        organisation=organisation,
    )
    account.set_unusable_password()
    account._change_reason = _("Account of API client %(name)s") % {"name": name}
    account._history_user = by
    account.save()
    client = ApiClient(
        name=name,
        organisation=organisation,
        application=application,
        user=account,
        scopes=[scope for scope in (scopes or SCOPES) if scope in SCOPES],
    )
    client._change_reason = _("API client made")
    client._history_user = by
    client.full_clean()
    client.save()
    return client, secret


@transaction.atomic
def client_revoke(*, client: ApiClient, by: User | None) -> ApiClient:
    """Revoke at once: its tokens are deleted, and no call or token request is accepted again."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client._change_reason = _("API client revoked")
        client._history_user = by
        client.save()
    RefreshToken.objects.filter(application_id=client.application_id).delete()
    AccessToken.objects.filter(application_id=client.application_id).delete()
    return client
