from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLength
from django.utils.translation import ngettext


class MinimumLengthValidator(DjangoMinimumLength):
    """Django's check, with a message that Django 6.1's Dutch catalogue does not translate yet."""

    def get_error_message(self):
        return ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
