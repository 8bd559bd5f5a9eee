"""The demo's social map: worker.noord searches "schulden", finds the debt services of Zwolle
with how to refer, and links a plan action to one."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.models import Action, Household, Plan
from directory.models import Service
from teams.models import Organisation, User


@pytest.mark.django_db
def test_the_demo_directory_and_the_worker_s_journey(client, demo):
    assert 38 <= Service.objects.count() <= 45
    assert Service.objects.stale().count() == 2
    assert Service.objects.values("organisation").distinct().count() == Organisation.objects.count() == 14
    referred = Action.objects.filter(service__isnull=False)
    assert referred.exists() and referred.filter(service_outcome="helped").exists()
    count = Service.objects.count()
    call_command("seed_demo", allow_without_debug=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Service.objects.count() == count  # idempotent

    worker = User.objects.get(username="worker.noord")
    client.force_login(worker)
    found = client.get(reverse("directory:search"), {"q": "schulden"})
    names = [service.name for service in found.context["page"].object_list]
    assert "Schuldhulpverlening" in names and "Thuisadministratie" in names
    debt = Service.objects.get(name="Schuldhulpverlening")
    assert "online formulier" in client.get(reverse("directory:service", args=[debt.pk])).text
    household = Household.objects.visible_to(worker).filter(lead_worker=worker, status="open").first()
    action = household.plans.get(status=Plan.Status.CURRENT).actions.filter(service__isnull=True).first()
    response = client.post(
        reverse("directory:action_refer", args=[household.pk, action.pk]), {"service": str(debt.pk)}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.service == debt
