from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("", include("merchants.urls")),
    path("", include("carts.urls")),
    path("", include("checkouts.urls")),
    path("", include("webhooks.urls")),
    path("", include("checkouts.page_urls")),
]

handler400 = "checkout_project.views.handler400"
handler403 = "checkout_project.views.handler403"
handler404 = "checkout_project.views.handler404"
handler500 = "checkout_project.views.handler500"
