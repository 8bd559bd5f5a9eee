"""Django's own form messages, in this project's catalogue so that they keep the project's words.

An installed library's catalogue outranks Django's own: Django REST framework says "Dit veld is
vereist." where the app has always said "Dit veld is verplicht." The project's catalogue
(LOCALE_PATHS) outranks both, so the messages a user sees at a field are listed here.
"""

from django.utils.translation import gettext_noop

DJANGO_FORM_MESSAGES = [
    gettext_noop("This field is required."),
]
