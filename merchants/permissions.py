"""Authorization: a merchant credential for the tenant in the path, with the scopes a view names.

A view declares what it needs in one line: `permission_classes = [HasScope(Scope.CART_MANAGE)]`.
"""

from __future__ import annotations

from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission

from checkout_project.errors import forbidden

from .principal import Principal


class IsMerchant(BasePermission):
    """Authenticated, and the `{tenant}` path segment (if any) is the credential's tenant."""

    required_scopes: tuple[str, ...] = ()

    def has_permission(self, request, view) -> bool:
        principal = request.auth
        if not isinstance(principal, Principal):
            raise NotAuthenticated()
        tenant_code = view.kwargs.get("tenant")
        if tenant_code is not None and tenant_code != principal.tenant.code:
            raise forbidden()
        if not all(principal.has_scope(scope) for scope in self.required_scopes):
            raise forbidden()
        return True


def HasScope(*scopes: str) -> type[IsMerchant]:  # noqa: N802 - reads as a class in permission_classes
    names = tuple(str(scope) for scope in scopes)
    return type(f"HasScope[{','.join(names)}]", (IsMerchant,), {"required_scopes": names})
