"""Routes of the checkout link API and the hosted checkout page (included from the root urls)."""

from django.urls import path

from . import link_views, page_views

urlpatterns = [
    path("api/v1/checkout-link/<str:customer_id>", link_views.CheckoutLinkView.as_view(), name="checkout-link"),
    path("pay/<str:token>/", page_views.checkout_page, name="checkout-page"),
    path("pay/<str:token>/coupon/apply/", page_views.checkout_coupon_apply, name="checkout-page-coupon-apply"),
    path("pay/<str:token>/coupon/remove/", page_views.checkout_coupon_remove, name="checkout-page-coupon-remove"),
]
