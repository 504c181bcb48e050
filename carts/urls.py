"""Catalog (products, shipping methods, coupons) and cart routes. `{tenant}` is checked by TenantScopedMixin."""

from django.urls import path

from . import views

urlpatterns = [
    path("product/<str:tenant>/products", views.ProductListView.as_view(), name="product-list"),
    path("product/<str:tenant>/products/<str:product_id>", views.ProductDetailView.as_view(), name="product-detail"),
    path(
        "product/<str:tenant>/products/<str:product_id>/stock", views.ProductStockView.as_view(), name="product-stock"
    ),
    path("shipping/<str:tenant>/methods", views.ShippingMethodListView.as_view(), name="shipping-method-list"),
    path(
        "shipping/<str:tenant>/methods/<str:method_id>/zones/<str:zone_id>",
        views.ShippingMethodDetailView.as_view(),
        name="shipping-method-detail",
    ),
    path("coupon/<str:tenant>/coupons", views.CouponListView.as_view(), name="coupon-list"),
    path("coupon/<str:tenant>/coupons/<str:code>", views.CouponDetailView.as_view(), name="coupon-detail"),
    path("cart/<str:tenant>/carts", views.CartListView.as_view(), name="cart-list"),
    path("cart/<str:tenant>/carts/<str:cart_id>", views.CartDetailView.as_view(), name="cart-detail"),
    path("cart/<str:tenant>/carts/<str:cart_id>/items", views.CartItemListView.as_view(), name="cart-item-list"),
    path(
        "cart/<str:tenant>/carts/<str:cart_id>/items/<str:item_id>",
        views.CartItemDetailView.as_view(),
        name="cart-item-detail",
    ),
    path(
        "cart/<str:tenant>/carts/<str:cart_id>/discounts",
        views.CartDiscountListView.as_view(),
        name="cart-discount-list",
    ),
    path(
        "cart/<str:tenant>/carts/<str:cart_id>/discounts/<str:code>",
        views.CartDiscountDetailView.as_view(),
        name="cart-discount-detail",
    ),
    path("cart/<str:tenant>/carts/<str:cart_id>/shipping", views.CartShippingView.as_view(), name="cart-shipping"),
]
