"""Widgets every app's forms share."""

from django import forms


class DateInput(forms.DateInput):
    """The phone's own date picker; it posts ISO dates, which the nl input formats accept."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
