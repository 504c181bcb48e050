from django.contrib.admin.apps import AdminConfig


class BackOfficeAdminConfig(AdminConfig):
    """django.contrib.admin with our site (tenant dashboard on the index) as `admin.site`."""

    default_site = "checkout_project.admin.BackOfficeSite"
