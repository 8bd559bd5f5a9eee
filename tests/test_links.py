"""wijkteam/links.py: a link reversed once per URL name is the link reverse() gives, for every
URL of one UUID, under any script prefix."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, get_script_prefix, reverse, set_script_prefix
from django.urls.converters import UUIDConverter

from wijkteam.links import object_url


def _names_of_one_uuid(patterns=None, namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            converters = list(entry.pattern.converters.values())
            if not converters:
                yield from _names_of_one_uuid(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            converters = list(entry.pattern.converters.values())
            if len(converters) == 1 and isinstance(converters[0], UUIDConverter):
                yield namespace + entry.name


NAMES = sorted(set(_names_of_one_uuid()))


def test_the_urls_of_one_uuid_are_found():
    assert {"cases:household_detail", "cases:referral_detail", "cases:contact_add"} <= set(NAMES)


@pytest.mark.parametrize("prefix", ["/", "/wijkteam/"])
def test_every_link_of_one_uuid_is_what_reverse_gives(prefix):
    before = get_script_prefix()
    set_script_prefix(prefix)
    try:
        for name in NAMES:
            for key in (uuid.uuid4(), uuid.UUID(int=0), uuid.UUID(int=2**128 - 1)):
                assert object_url(name, key) == reverse(name, args=[key]), name
    finally:
        set_script_prefix(before)


def test_a_key_that_is_no_uuid_goes_to_reverse():
    assert object_url("cases:user_access_log", 7) == reverse("cases:user_access_log", args=[7])
