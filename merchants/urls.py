from django.urls import path

from .views import AccessTokenView

urlpatterns = [
    path("oauth/token", AccessTokenView.as_view(), name="oauth-token"),
]
