from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import token, views

app_name = "api"


def _public(view):
    """The description and its docs show no data: readable before a partner has a client."""
    view.login_required = False
    return view


urlpatterns = [
    path("api/oauth/token/", token.token, name="token"),
    path("api/v1/signals/", views.signals, name="signals"),
    path("api/v1/signals/<uuid:pk>/", views.signal, name="signal"),
    path("api/schema/", _public(SpectacularAPIView.as_view()), name="schema"),
    path(
        "api/docs/",
        _public(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html")
        ),
        name="docs",
    ),
    re_path(r"^api/", csrf_exempt(views.not_found), name="not_found"),
]
