"""The HSDS API's grants become scopes: every grant row of directory.ApiAccess ("directory:read",
"directory:contacts") is added to its API client's scopes, with a history row saying why. The
grant rows stay (retired, read by nothing); backwards, the directory scopes are taken off again."""

from django.db import migrations
from django.utils import timezone

DIRECTORY = ["directory:read", "directory:contacts"]
REASON = "Toegang tot de sociale kaart overgezet naar scopes"
BACK = "Scopes van de sociale kaart teruggezet naar toegangsrijen"


def _record(apps, client, reason: str) -> None:
    """What simple-history would write for this save (a historical model has no manager's save hook
    in a migration)."""
    ApiClient = apps.get_model("api", "ApiClient")
    Historical = apps.get_model("api", "HistoricalApiClient")
    names = {field.attname for field in Historical._meta.concrete_fields}
    values = {
        field.attname: getattr(client, field.attname)
        for field in ApiClient._meta.concrete_fields
        if field.attname in names
    }
    Historical.objects.create(
        **values, history_date=timezone.now(), history_type="~", history_change_reason=reason
    )


def grants_to_scopes(apps, schema_editor):
    ApiAccess = apps.get_model("directory", "ApiAccess")
    for access in ApiAccess.objects.select_related("client").order_by("pk"):
        client = access.client
        granted = access.scopes or []
        added = [scope for scope in DIRECTORY if scope in granted and scope not in client.scopes]
        if not added:
            continue
        client.scopes = [*client.scopes, *added]
        client.save(update_fields=["scopes"])
        _record(apps, client, REASON)


def scopes_to_grants(apps, schema_editor):
    ApiClient = apps.get_model("api", "ApiClient")
    for client in ApiClient.objects.order_by("pk"):
        if any(scope in DIRECTORY for scope in client.scopes):
            client.scopes = [scope for scope in client.scopes if scope not in DIRECTORY]
            client.save(update_fields=["scopes"])
            _record(apps, client, BACK)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0003_webhooks"),
        ("directory", "0005_api_access_append_only"),
    ]

    operations = [migrations.RunPython(grants_to_scopes, scopes_to_grants)]
