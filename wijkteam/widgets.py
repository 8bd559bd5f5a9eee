"""Widgets every app's forms share."""

from django import forms


class DateInput(forms.DateInput):
    """The phone's own date picker; it posts ISO dates, which the nl input formats accept."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RadioSelect(forms.RadioSelect):
    """Radio buttons without the drop-down's empty choice ("— Kies —") as one of the answers.

    A model field with choices gets that empty choice first (Django's blank choice); in a
    drop-down it says nothing is chosen yet, but as a radio button it is an answer a user can
    pick. A group with no button checked says the same. An optional group that has a "none"
    answer names it itself (the walk-in visit's "No service").
    """

    def optgroups(self, name, value, attrs=None):
        from django.db.models.fields import BLANK_CHOICE_DASH
        from django.db.models.utils import get_blank_choice_label

        blank = {str(get_blank_choice_label()), BLANK_CHOICE_DASH[0][1]}
        groups = []
        for group, options, index in super().optgroups(name, value, attrs):
            options = [
                option for option in options if option["value"] != "" or str(option["label"]) not in blank
            ]
            if options:
                groups.append((group, options, index))
        return groups
