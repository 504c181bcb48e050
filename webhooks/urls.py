from django.urls import path

from . import views

urlpatterns = [
    path("webhook/<str:tenant>/endpoints", views.EndpointCollectionView.as_view(), name="webhook-endpoints"),
    path(
        "webhook/<str:tenant>/endpoints/<str:endpoint_id>",
        views.EndpointDetailView.as_view(),
        name="webhook-endpoint-detail",
    ),
]
