from django.apps import AppConfig


class WijkteamConfig(AppConfig):
    """The project's own app: management commands, and the words other packages leave out."""

    name = "wijkteam"

    def ready(self):
        from wijkteam.voice import name_what_has_no_name

        name_what_has_no_name()
