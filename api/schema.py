"""The OpenAPI description of the client's authentication: OAuth 2 client credentials."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ClientCredentialsScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.ClientAuthentication"
    name = "oauth2"
    priority = 1

    def get_security_requirement(self, auto_schema):
        for permission in auto_schema.view.get_permissions():
            scope = getattr(permission, "required_scopes", {}).get(auto_schema.method)
            if scope:
                return {self.name: [scope]}
        return {self.name: []}

    def get_security_definition(self, auto_schema):
        from api.models import SCOPES

        return {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/api/oauth/token/",
                    "scopes": {scope: str(label) for scope, label in SCOPES.items()},
                }
            },
        }
