from django.urls import path

from . import views

urlpatterns = [
    path("checkout/<str:tenant>/checkouts", views.CheckoutCollectionView.as_view(), name="checkout-list"),
    path("checkout/<str:tenant>/checkouts/order", views.CheckoutOrderView.as_view(), name="checkout-order"),
    path(
        "checkout/<str:tenant>/checkouts/<str:checkout_id>/retry",
        views.CheckoutRetryView.as_view(),
        name="checkout-retry",
    ),
    path(
        "checkout/<str:tenant>/checkouts/<str:checkout_id>", views.CheckoutDetailView.as_view(), name="checkout-detail"
    ),
]
