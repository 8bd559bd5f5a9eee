"""Making and revoking API clients (the administration calls these; so does the demo)."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oauth2_provider.models import AccessToken, Application, RefreshToken

from api import webhooks
from api.models import (
    SCOPE_DIRECTORY_CONTACTS,
    SCOPE_DIRECTORY_READ,
    SCOPES,
    ApiClient,
    default_scopes,
    organisations_managed_by,
)
from teams.models import Organisation, User

NOT_MANAGED = gettext_lazy("Only a manager of a team with a mandate of this partner can change this.")


@transaction.atomic
def client_create(
    *,
    name: str,
    organisation: Organisation,
    by: User | None,
    scopes=None,
    client_id: str = "",
    secret: str = "",
    webhook_url: str = "",
    reason: str = "",
) -> tuple[ApiClient, str]:
    """A new client of a partner organisation; returns it and its secret, shown this once (the
    application keeps only a hash of it). Its webhook secret (client.webhook_secret) is shown
    once too."""
    managed = organisations_managed_by(by, in_force=True) if by is not None and not by.is_superuser else None
    if managed is not None and not managed.filter(pk=organisation.pk).exists():
        raise PermissionDenied(NOT_MANAGED)
    if webhook_url:
        webhooks.check_url(webhook_url)
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
        scopes=check_scopes(scopes or default_scopes()),
        webhook_url=webhook_url,
        webhook_secret=webhooks.new_secret(),
    )
    client._change_reason = _why(_("API client made"), reason)
    client._history_user = by
    client.full_clean()
    client.save()
    return client, secret


def check_scopes(scopes) -> list[str]:
    """The scopes in SCOPES' order; ValidationError at "scopes" for an unknown one, or for the
    contact persons of the social map without the social map itself."""
    scopes = set(scopes)
    if not scopes <= set(SCOPES):
        raise ValidationError({"scopes": _("Choose from the listed permissions.")})
    if SCOPE_DIRECTORY_CONTACTS in scopes and SCOPE_DIRECTORY_READ not in scopes:
        raise ValidationError(
            {"scopes": _("The social map's contact persons only go with reading the social map.")}
        )
    return [scope for scope in SCOPES if scope in scopes]


@transaction.atomic
def scopes_set(*, client: ApiClient, scopes, by: User | None, reason: str = "") -> ApiClient:
    """What the client may do from now on. A scope taken away stops at once, also for the tokens
    issued before (api.auth.granted); a scope added needs a new token."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    _check_may_manage(by, client)
    if client.revoked_at is not None:
        raise ValidationError(_("This API client is revoked."))
    client.scopes = check_scopes(scopes)
    client._change_reason = _why(_("Permissions changed"), reason)
    client._history_user = by
    client.full_clean()
    client.save()
    return client


def _check_may_manage(by: User | None, client: ApiClient) -> None:
    """An administrator (the administration, the demo: by is a superuser or None) manages every
    client; a manager those of the partners their teams hold a mandate with."""
    if by is None or by.is_superuser:
        return
    if not ApiClient.objects.visible_to(by).filter(pk=client.pk).exists():
        raise PermissionDenied(NOT_MANAGED)


def _why(label: str, reason: str) -> str:
    return f"{label}: {reason}" if reason else label


@transaction.atomic
def client_revoke(*, client: ApiClient, by: User | None, reason: str = "") -> ApiClient:
    """Revoke at once: its tokens are deleted, and no call or token request is accepted again."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    _check_may_manage(by, client)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client._change_reason = _why(_("API client revoked"), reason)
        client._history_user = by
        client.save()
    _tokens_delete(client)
    return client


def _tokens_delete(client: ApiClient) -> None:
    RefreshToken.objects.filter(application_id=client.application_id).delete()
    AccessToken.objects.filter(application_id=client.application_id).delete()


@transaction.atomic
def client_secret_rotate(*, client: ApiClient, by: User | None, reason: str = "") -> str:
    """A new client secret, returned to be shown once; the old one and its tokens stop at once."""
    client = ApiClient.objects.select_for_update().select_related("application").get(pk=client.pk)
    _check_may_manage(by, client)
    if client.revoked_at is not None:
        raise ValidationError(_("This API client is revoked."))
    secret = secrets.token_urlsafe(32)
    application = client.application
    application.client_secret = secret  # hashed on save (hash_client_secret)
    application.save()
    _tokens_delete(client)
    client._change_reason = _why(_("Client secret rotated"), reason)
    client._history_user = by
    client.save()
    return secret


@transaction.atomic
def webhook_set(*, client: ApiClient, url: str, by: User | None, reason: str = "") -> ApiClient:
    """Set (or clear, with "") where the client's events go."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    _check_may_manage(by, client)
    if client.revoked_at is not None:
        raise ValidationError(_("This API client is revoked."))
    if url:
        try:
            webhooks.check_url(url)
        except ValidationError as error:
            raise ValidationError({"webhook_url": error.messages}) from None
    client.webhook_url = url
    client._change_reason = _why(_("Webhook URL changed") if url else _("Webhook URL removed"), reason)
    client._history_user = by
    client.full_clean()
    client.save()
    return client


@transaction.atomic
def webhook_secret_rotate(*, client: ApiClient, by: User | None, reason: str = "") -> str:
    """A new webhook secret, returned to be shown once; events are signed with it from now on."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    _check_may_manage(by, client)
    if client.revoked_at is not None:
        raise ValidationError(_("This API client is revoked."))
    client.webhook_secret = webhooks.new_secret()
    client._change_reason = _why(_("Webhook secret rotated"), reason)
    client._history_user = by
    client.save()
    return client.webhook_secret
