"""Changes to a team's profile and to positions: who may is the policy's answer; history with who and why.

A position gives access to case data, so it is given under separation of duties: never by the
user it is for, and never to an administrator or a partner reporter (they hold no case roles).
"""

from typing import NoReturn

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import policy, security
from teams.models import Position, Team, User


@transaction.atomic
def team_profile_update(*, team: Team, by: User, organisations, reason: str) -> Team:
    policy.require(by, "team.manage", team)
    team._change_reason = reason or _("Team profile changed")
    team._history_user = by
    team.full_clean()
    team.save()
    team.participating_organisations.set(organisations)
    return team


# Administrators and partner reporters hold no case roles: no position in any team. (Team
# members are never given an organisation: their employer is on the position.)
MAY_HOLD_A_POSITION = Q(is_superuser=False, is_staff=False, organisation__isnull=True)


def may_hold_a_position(user: User) -> bool:
    """MAY_HOLD_A_POSITION, for one user in hand."""
    return not (user.is_superuser or user.is_staff or user.organisation_id is not None)


def _only_ends(previous: Position, position: Position) -> bool:
    """Whether a change only brings the position to an end (today at the latest)."""
    today = timezone.localdate()
    return (
        position.access_role == previous.access_role
        and position.active_from == previous.active_from
        and position.active_until is not None
        and position.active_until <= today
        and (previous.active_until is None or position.active_until <= previous.active_until)
    )


def _refuse(message, code: str) -> NoReturn:
    raise ValidationError({"user": ValidationError(message, code=code)})


def check_separation_of_duties(position: Position, by: User, previous: Position | None) -> None:
    if position.user_id is None:
        return  # full_clean says the user is missing
    if position.user_id == by.pk:
        _refuse(
            _("You cannot give, change or extend your own position. Ask another manager of the team."),
            "own_position",
        )
    if may_hold_a_position(position.user):
        return
    if previous is not None and _only_ends(previous, position):
        return  # one given before this rule (or in the Django admin) may still be ended
    if position.user.organisation_id is not None:
        _refuse(_("A partner reporter's account cannot hold a position in a team."), "no_case_roles")
    _refuse(
        _(
            "An administrator account cannot hold a position in a team. "
            "Give the person a position on their own account without administrator rights."
        ),
        "no_case_roles",
    )


@transaction.atomic
def position_save(*, position: Position, by: User, reason: str) -> Position:
    """Create or change a position in a team where `by` may grant positions (or as the
    installation's administrator, in the Django admin).

    Never moved to another team or user; never for oneself; never for an administrator or a
    partner reporter (ValidationError on `user`). A new position, or a change of its role or
    dates, is written to the security log once the transaction commits.
    """
    previous = None
    if position.pk:
        previous = Position.objects.select_for_update().get(pk=position.pk)
        position.team_id = previous.team_id
        position.user_id = previous.user_id
    if not by.is_superuser:  # the administrator sets teams up; everyone else: the team's manager
        policy.require(by, "position.grant", position)
    check_separation_of_duties(position, by, previous)
    position._change_reason = reason or (_("Position changed") if previous else _("Position added"))
    position._history_user = by
    position.full_clean()
    position.save()
    if previous is None or security.access_changed(previous, position):
        transaction.on_commit(
            lambda: security.log_position_change(position=position, by=by, previous=previous)
        )
    return position


@transaction.atomic
def notification_settings_save(*, user: User, by: User) -> User:
    """A user's own choice of e-mail about what is new: nobody sets it for another."""
    if user.pk != by.pk:
        raise ValidationError(_("Only the user themselves chooses their e-mail."))
    user._change_reason = _("E-mail settings changed")
    user._history_user = by
    user.full_clean(exclude=["password"])
    user.save(update_fields=["digest", "mail_language"])
    return user


# --- Expertise (issue 24) ---------------------------------------------------------------------


def expertise_editable_by(by: User):
    """The users whose expertise `by` may change: their own (where they hold "expertise.own")
    and, as a coordinator ("expertise.team"), their team's workers and coordinators today."""
    own = Q(pk=by.pk) if policy.can(by, "expertise.own") else Q(pk__in=[])
    teams = policy.teams_for(by, "expertise.team")
    members = Position.objects.active().filter(
        team_id__in=teams, access_role__in=policy.holders("expertise.own")
    )
    return User.objects.filter(own | Q(pk__in=members.values("user_id")), is_active=True)


@transaction.atomic
def expertise_save(*, user: User, by: User | None, **fields):
    """Change a team member's expertise profile (one per user), with history: who and why.
    `by` None: the system (the demo's seed), not a person."""
    from teams.models import Expertise

    if by is not None and not expertise_editable_by(by).filter(pk=user.pk).exists():
        raise policy.Refused(_("You may only change your own expertise, or as a coordinator your team's."))
    profile = Expertise.objects.select_for_update().filter(user=user).first() or Expertise(user=user)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.updated_at = timezone.now()
    profile._history_user = by
    if by is None:
        profile._change_reason = _("Expertise recorded")
    elif by.pk == user.pk:
        profile._change_reason = _("Expertise changed")
    else:
        profile._change_reason = _("Expertise changed by coordinator")
    profile.full_clean()
    profile.save()
    return profile
