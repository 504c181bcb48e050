"""Shared API plumbing: the `{tenant}` path rule applied before anything else."""

from __future__ import annotations

from rest_framework.views import APIView

from checkout_project.errors import validation_error
from merchants.principal import Principal
from merchants.validators import tenant_code_problem


class TenantScopedMixin:
    """For every view under `/<area>/{tenant}/...`.

    The tenant code is validated before authentication (400 naming `tenant`), then the
    permission classes check that it is the credential's tenant. Views read `self.principal`,
    `self.tenant` and `self.mode` and pass them to services and selectors.
    """

    def initial(self, request, *args, **kwargs):
        problem = tenant_code_problem(kwargs.get("tenant"))
        if problem:
            raise validation_error([problem])
        super().initial(request, *args, **kwargs)

    @property
    def principal(self) -> Principal:
        return self.request.auth

    @property
    def tenant(self):
        return self.principal.tenant

    @property
    def mode(self) -> str:
        return self.principal.mode


class TenantAPIView(TenantScopedMixin, APIView):
    pass
