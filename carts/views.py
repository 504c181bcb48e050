"""Catalog and cart API views: parse, call one service or selector, render."""

from __future__ import annotations

import re
from dataclasses import asdict

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from checkout_project.api import TenantAPIView
from checkout_project.errors import DetailType, ErrorDetail, not_found, validation_error
from checkout_project.filters import BooleanQueryFilter, QueryFilterSet
from checkout_project.pagination import LinkHeaderPagination
from merchants.models import Scope
from merchants.permissions import HasScope

from . import serializers as s
from . import services
from .models import CartStatus
from .schema import CartSchema, CouponSchema, ProductSchema, ShippingMethodSchema
from .selectors import (
    cart_detail,
    cart_json,
    cart_queryset,
    carts_priced,
    coupon_get,
    coupon_json,
    coupon_queryset,
    product_get,
    product_json,
    product_queryset,
    shipping_method_get,
    shipping_method_json,
    shipping_method_queryset,
)

_CATALOG_ID = re.compile(services.CATALOG_ID_PATTERN)
_CART_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_ITEM_ID = re.compile(r"^[0-9]{1,18}$")


def path_id(value: str, pattern: re.Pattern, field: str) -> str:
    """A path parameter that cannot name anything is 400 naming it, not a 404."""
    if not pattern.fullmatch(value):
        raise validation_error([ErrorDetail(field, DetailType.INVALID_PATH_PARAMETER, "malformed id")])
    return value


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    text = {
        400: "Validation problems; `details` names each field (bean notation) or query parameter",
        401: "Missing or invalid credentials",
        403: "Missing scope, or another tenant in the path",
        404: "Not found (also another tenant's or mode's resource)",
        409: "Conflict with the resource's state (see `message` and `details`)",
    }
    # The `Error` component is added by checkout_project.schema.add_error_responses.
    error = {"$ref": "#/components/schemas/Error"}
    return {code: OpenApiResponse(response=error, description=text[code]) for code in codes}


def _parse(serializer_class, request, *, partial: bool = False) -> dict:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _changes(data_class, data: dict, *, partial: bool) -> dict:
    """PATCH changes what was sent; PUT replaces every field, omitted ones taking their defaults."""
    return data if partial else asdict(data_class(**data))


def _page(view, request, queryset, render) -> Response:
    paginator = LinkHeaderPagination()
    rows = paginator.paginate_queryset(queryset, request, view)
    return paginator.get_paginated_response(render(rows))


class ActiveFilter(QueryFilterSet):
    active = BooleanQueryFilter(field_name="active", help_text="Only active (true) or inactive (false) rows")


# ---------------------------------------------------------------------------------------------
# Products


class ProductListView(TenantAPIView):
    permission_classes = [HasScope(Scope.PRODUCT_MANAGE)]
    sort_fields = {
        "id": "sku",
        "sku": "sku",
        "name": "name",
        "unitPrice": "unit_price",
        "stockOnHand": "stock_on_hand",
        "metadata.createdAt": "created_at",
        "metadata.modifiedAt": "modified_at",
    }
    default_sort = ("sku",)

    @extend_schema(
        operation_id="listProducts",
        summary="List the tenant's products (shared by live and test mode)",
        parameters=[*ActiveFilter.openapi_parameters(), *LinkHeaderPagination.openapi_parameters(sort_fields, ["sku"])],
        responses={200: ProductSchema(many=True), **_errors(400, 401, 403)},
    )
    def get(self, request, tenant):
        queryset = ActiveFilter.apply(request, product_queryset(tenant=self.tenant))
        return _page(self, request, queryset, lambda rows: [product_json(p) for p in rows])

    @extend_schema(
        operation_id="createProduct",
        summary="Create a product",
        description="`sku` is the product id in every path. `unitPrice` is in whole minor units of "
        "`currency` (ISO 4217). The initial `stockOnHand` is set here; later changes go through "
        "`POST .../products/{id}/stock`. A sku the tenant already has → 409.",
        request=s.ProductCreateSerializer,
        responses={201: ProductSchema, **_errors(400, 401, 403, 409)},
    )
    def post(self, request, tenant):
        data = _parse(s.ProductCreateSerializer, request)
        sku, stock = data.pop("sku"), data.pop("stock_on_hand", 0)
        product = services.product_create(
            tenant=self.tenant, sku=sku, data=services.ProductData(**data), stock_on_hand=stock
        )
        return Response(product_json(product), status=201)


PRODUCT_ID = OpenApiParameter("product_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="The sku")


class ProductDetailView(TenantAPIView):
    permission_classes = [HasScope(Scope.PRODUCT_MANAGE)]

    def _sku(self, product_id: str) -> str:
        return path_id(product_id, _CATALOG_ID, "productId")

    @extend_schema(
        operation_id="getProduct",
        parameters=[PRODUCT_ID],
        responses={200: ProductSchema, **_errors(400, 401, 403, 404)},
    )
    def get(self, request, tenant, product_id):
        product = product_get(tenant=self.tenant, sku=self._sku(product_id))
        if product is None:
            raise not_found(f"Product {product_id} not found")
        return Response(product_json(product))

    @extend_schema(
        operation_id="replaceProduct",
        summary="Replace a product's fields",
        description="Every field except `sku` and `stockOnHand`; omitted optional fields take their "
        "defaults. Items already in carts keep the price captured when they were added "
        "(placement refuses a cart whose prices no longer match the catalog).",
        parameters=[PRODUCT_ID],
        request=s.ProductUpdateSerializer,
        responses={200: ProductSchema, **_errors(400, 401, 403, 404)},
    )
    def put(self, request, tenant, product_id):
        return self._update(request, product_id, partial=False)

    @extend_schema(
        operation_id="updateProduct",
        summary="Change some of a product's fields",
        parameters=[PRODUCT_ID],
        request=s.ProductUpdateSerializer(partial=True),
        responses={200: ProductSchema, **_errors(400, 401, 403, 404)},
    )
    def patch(self, request, tenant, product_id):
        return self._update(request, product_id, partial=True)

    def _update(self, request, product_id, *, partial):
        sku = self._sku(product_id)
        data = _parse(s.ProductUpdateSerializer, request, partial=partial)
        changes = _changes(services.ProductData, data, partial=partial)
        return Response(product_json(services.product_update(tenant=self.tenant, sku=sku, changes=changes)))

    @extend_schema(
        operation_id="deleteProduct",
        summary="Delete a product that no cart has held",
        description="A product that is in an open cart, or that was ordered (it is in a closed "
        "cart), is not deleted: 409 `product_in_use`. Retire it with `active: false` instead; "
        "inactive products cannot be added to carts or checked out.",
        parameters=[PRODUCT_ID],
        responses={204: None, **_errors(400, 401, 403, 404, 409)},
    )
    def delete(self, request, tenant, product_id):
        services.product_delete(tenant=self.tenant, sku=self._sku(product_id))
        return Response(status=204)


class ProductStockView(TenantAPIView):
    permission_classes = [HasScope(Scope.PRODUCT_MANAGE)]

    @extend_schema(
        operation_id="adjustProductStock",
        summary="Adjust the stock on hand by a signed delta",
        description="One guarded update (`stock = stock + delta WHERE stock + delta >= 0`): safe under "
        "concurrent adjustments and orders. A delta that would take the stock below zero → 409 "
        "`insufficient_stock`, nothing changes. Carts never reserve stock; placing an order takes it.",
        parameters=[PRODUCT_ID],
        request=s.StockAdjustSerializer,
        responses={200: ProductSchema, **_errors(400, 401, 403, 404, 409)},
        examples=[OpenApiExample("Take two", value={"delta": -2}, request_only=True)],
    )
    def post(self, request, tenant, product_id):
        sku = path_id(product_id, _CATALOG_ID, "productId")
        data = _parse(s.StockAdjustSerializer, request)
        return Response(product_json(services.product_stock_adjust(tenant=self.tenant, sku=sku, delta=data["delta"])))


# ---------------------------------------------------------------------------------------------
# Shipping methods (scope product.product_manage: they are part of the catalog)


class ShippingMethodFilter(ActiveFilter):
    zoneId = django_filters.CharFilter(field_name="zone_id", help_text="Only methods of this zone")  # noqa: N815
    methodId = django_filters.CharFilter(field_name="method_id", help_text="Only this method id")  # noqa: N815


class ShippingMethodListView(TenantAPIView):
    permission_classes = [HasScope(Scope.PRODUCT_MANAGE)]
    sort_fields = {
        "methodId": "method_id",
        "zoneId": "zone_id",
        "amount": "amount",
        "metadata.createdAt": "created_at",
    }
    default_sort = ("method_id", "zone_id")

    @extend_schema(
        operation_id="listShippingMethods",
        summary="List shipping methods (scope product.product_manage)",
        parameters=[
            *ShippingMethodFilter.openapi_parameters(),
            *LinkHeaderPagination.openapi_parameters(sort_fields, ["methodId", "zoneId"]),
        ],
        responses={200: ShippingMethodSchema(many=True), **_errors(400, 401, 403)},
    )
    def get(self, request, tenant):
        queryset = ShippingMethodFilter.apply(request, shipping_method_queryset(tenant=self.tenant))
        return _page(self, request, queryset, lambda rows: [shipping_method_json(m) for m in rows])

    @extend_schema(
        operation_id="createShippingMethod",
        summary="Create a shipping method for a zone",
        description="A method is identified by `methodId` and `zoneId` together. `amount` is charged "
        "untaxed, and nothing when the cart subtotal reaches `freeAbove`.",
        request=s.ShippingMethodCreateSerializer,
        responses={201: ShippingMethodSchema, **_errors(400, 401, 403, 409)},
    )
    def post(self, request, tenant):
        data = _parse(s.ShippingMethodCreateSerializer, request)
        method_id, zone_id = data.pop("method_id"), data.pop("zone_id")
        method = services.shipping_method_create(
            tenant=self.tenant, method_id=method_id, zone_id=zone_id, data=services.ShippingMethodData(**data)
        )
        return Response(shipping_method_json(method), status=201)


METHOD_PATH = [
    OpenApiParameter("method_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="e.g. UPS"),
    OpenApiParameter("zone_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="e.g. US"),
]


class ShippingMethodDetailView(TenantAPIView):
    permission_classes = [HasScope(Scope.PRODUCT_MANAGE)]

    def _ids(self, method_id: str, zone_id: str) -> dict[str, str]:
        return {
            "method_id": path_id(method_id, _CATALOG_ID, "methodId"),
            "zone_id": path_id(zone_id, _CATALOG_ID, "zoneId"),
        }

    @extend_schema(
        operation_id="getShippingMethod",
        parameters=METHOD_PATH,
        responses={200: ShippingMethodSchema, **_errors(400, 401, 403, 404)},
    )
    def get(self, request, tenant, method_id, zone_id):
        method = shipping_method_get(tenant=self.tenant, **self._ids(method_id, zone_id))
        if method is None:
            raise not_found(f"Shipping method {method_id} for zone {zone_id} not found")
        return Response(shipping_method_json(method))

    @extend_schema(
        operation_id="replaceShippingMethod",
        parameters=METHOD_PATH,
        request=s.ShippingMethodUpdateSerializer,
        responses={200: ShippingMethodSchema, **_errors(400, 401, 403, 404)},
    )
    def put(self, request, tenant, method_id, zone_id):
        return self._update(request, method_id, zone_id, partial=False)

    @extend_schema(
        operation_id="updateShippingMethod",
        parameters=METHOD_PATH,
        request=s.ShippingMethodUpdateSerializer(partial=True),
        responses={200: ShippingMethodSchema, **_errors(400, 401, 403, 404)},
    )
    def patch(self, request, tenant, method_id, zone_id):
        return self._update(request, method_id, zone_id, partial=True)

    def _update(self, request, method_id, zone_id, *, partial):
        ids = self._ids(method_id, zone_id)
        data = _parse(s.ShippingMethodUpdateSerializer, request, partial=partial)
        changes = _changes(services.ShippingMethodData, data, partial=partial)
        method = services.shipping_method_update(tenant=self.tenant, changes=changes, **ids)
        return Response(shipping_method_json(method))

    @extend_schema(
        operation_id="deleteShippingMethod",
        description="Open carts that had chosen the method are left without a shipping method.",
        parameters=METHOD_PATH,
        responses={204: None, **_errors(400, 401, 403, 404)},
    )
    def delete(self, request, tenant, method_id, zone_id):
        services.shipping_method_delete(tenant=self.tenant, **self._ids(method_id, zone_id))
        return Response(status=204)


# ---------------------------------------------------------------------------------------------
# Coupons (scope product.product_manage)


class CouponListView(TenantAPIView):
    permission_classes = [HasScope(Scope.PRODUCT_MANAGE)]
    sort_fields = {
        "code": "code",
        "validFrom": "valid_from",
        "validTo": "valid_to",
        "redemptions": "redemptions",
        "metadata.createdAt": "created_at",
    }
    default_sort = ("code",)

    @extend_schema(
        operation_id="listCoupons",
        summary="List coupons (scope product.product_manage)",
        parameters=[
            *ActiveFilter.openapi_parameters(),
            *LinkHeaderPagination.openapi_parameters(sort_fields, ["code"]),
        ],
        responses={200: CouponSchema(many=True), **_errors(400, 401, 403)},
    )
    def get(self, request, tenant):
        queryset = ActiveFilter.apply(request, coupon_queryset(tenant=self.tenant))
        return _page(self, request, queryset, lambda rows: [coupon_json(c) for c in rows])

    @extend_schema(
        operation_id="createCoupon",
        summary="Create a coupon",
        description="`PERCENT` coupons take `value` percent (0-100) off; `FIXED` coupons take `value` "
        "in `currency` (required) off, and apply only to carts in that currency. "
        "`calculationType` decides whether tax is computed on the discounted amount "
        "(`ApplyDiscountBeforeTax`, default) or the discount comes off the gross "
        "(`ApplyDiscountAfterTax`). `redemptions` counts placed orders and is read-only.",
        request=s.CouponCreateSerializer,
        responses={201: CouponSchema, **_errors(400, 401, 403, 409)},
    )
    def post(self, request, tenant):
        data = _parse(s.CouponCreateSerializer, request)
        code = data.pop("code")
        coupon = services.coupon_create(tenant=self.tenant, code=code, data=services.CouponData(**data))
        return Response(coupon_json(coupon), status=201)


COUPON_CODE = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="The coupon code")


class CouponDetailView(TenantAPIView):
    permission_classes = [HasScope(Scope.PRODUCT_MANAGE)]

    @extend_schema(
        operation_id="getCoupon", parameters=[COUPON_CODE], responses={200: CouponSchema, **_errors(400, 401, 403, 404)}
    )
    def get(self, request, tenant, code):
        coupon = coupon_get(tenant=self.tenant, code=path_id(code, _CATALOG_ID, "code"))
        if coupon is None:
            raise not_found(f"Coupon {code} not found")
        return Response(coupon_json(coupon))

    @extend_schema(
        operation_id="replaceCoupon",
        parameters=[COUPON_CODE],
        request=s.CouponUpdateSerializer,
        responses={200: CouponSchema, **_errors(400, 401, 403, 404)},
    )
    def put(self, request, tenant, code):
        return self._update(request, code, partial=False)

    @extend_schema(
        operation_id="updateCoupon",
        parameters=[COUPON_CODE],
        request=s.CouponUpdateSerializer(partial=True),
        responses={200: CouponSchema, **_errors(400, 401, 403, 404)},
    )
    def patch(self, request, tenant, code):
        return self._update(request, code, partial=True)

    def _update(self, request, code, *, partial):
        code = path_id(code, _CATALOG_ID, "code")
        data = _parse(s.CouponUpdateSerializer, request, partial=partial)
        changes = _changes(services.CouponData, data, partial=partial)
        return Response(coupon_json(services.coupon_update(tenant=self.tenant, code=code, changes=changes)))

    @extend_schema(
        operation_id="deleteCoupon",
        description="Also takes the coupon off every open cart of the tenant. Closed carts and "
        "checkouts keep their snapshots. To stop a coupon but keep it on record, set `active: false`.",
        parameters=[COUPON_CODE],
        responses={204: None, **_errors(400, 401, 403, 404)},
    )
    def delete(self, request, tenant, code):
        services.coupon_delete(tenant=self.tenant, code=path_id(code, _CATALOG_ID, "code"))
        return Response(status=204)


# ---------------------------------------------------------------------------------------------
# Carts (scope cart.cart_manage; carts belong to the credential's mode)


CART_ID = OpenApiParameter("cart_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="The cart id")
ITEM_ID = OpenApiParameter("item_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="`cartItems[].id`")
CART_WRITE = {200: CartSchema, **_errors(400, 401, 403, 404, 409)}
CLOSED_409 = "A closed (checked-out) cart refuses every change with 409 `conflict` (`cart_closed`)."


class CartFilter(QueryFilterSet):
    customerId = django_filters.CharFilter(field_name="customer_id", help_text="Only this customer's carts")  # noqa: N815
    status = django_filters.ChoiceFilter(choices=CartStatus.choices, help_text="OPEN or CLOSED")


class CartView(TenantAPIView):
    """Base of the cart views: answers with the freshly priced cart."""

    permission_classes = [HasScope(Scope.CART_MANAGE)]

    def cart_id(self, cart_id: str) -> str:
        return path_id(cart_id, _CART_ID, "cartId")

    def cart_response(self, cart_id: str, status: int = 200) -> Response:
        priced = cart_detail(tenant=self.tenant, mode=self.mode, cart_id=cart_id)
        if priced is None:
            raise not_found(f"Cart {cart_id} not found")
        return Response(cart_json(priced), status=status)


class CartListView(CartView):
    sort_fields = {
        "id": "id",
        "customerId": "customer_id",
        "status": "status",
        "metadata.createdAt": "created_at",
        "metadata.modifiedAt": "modified_at",
    }
    default_sort = ("-created_at",)

    @extend_schema(
        operation_id="listCarts",
        summary="List carts of the credential's mode",
        parameters=[
            *CartFilter.openapi_parameters(),
            *LinkHeaderPagination.openapi_parameters(sort_fields, ["metadata.createdAt:desc"]),
        ],
        responses={200: CartSchema(many=True), **_errors(400, 401, 403)},
    )
    def get(self, request, tenant):
        queryset = CartFilter.apply(request, cart_queryset(tenant=self.tenant, mode=self.mode))
        return _page(self, request, queryset, lambda rows: [cart_json(p) for p in carts_priced(carts=rows)])

    @extend_schema(
        operation_id="createCart",
        summary="Create the customer's cart, or get the open one",
        description="A customer has at most one OPEN cart per tenant and mode. When there is none it "
        "is created (201); otherwise the open one is answered (200). Asking for another `currency` "
        "than the open cart's → 409 `cart_open_in_other_currency`. `currency` defaults to the "
        "tenant's default currency, `siteCode` to `main`.",
        request=s.CartCreateSerializer,
        responses={201: CartSchema, 200: CartSchema, **_errors(400, 401, 403, 409)},
    )
    def post(self, request, tenant):
        data = _parse(s.CartCreateSerializer, request)
        cart, created = services.cart_get_or_create(tenant=self.tenant, mode=self.mode, **data)
        return self.cart_response(cart.pk, status=201 if created else 200)


class CartDetailView(CartView):
    @extend_schema(
        operation_id="getCart", parameters=[CART_ID], responses={200: CartSchema, **_errors(400, 401, 403, 404)}
    )
    def get(self, request, tenant, cart_id):
        return self.cart_response(self.cart_id(cart_id))


class CartItemListView(CartView):
    @extend_schema(
        operation_id="addCartItem",
        summary="Add a product to the cart",
        description="The line takes the product's current catalog price. A product already in the "
        "cart gets the quantity added (and the current price). A line holds at most "
        f"{services.MAX_ITEM_QUANTITY} units; a cart at most {services.MAX_CART_LINES} lines. Inactive "
        "products and products in another currency are refused (400 naming `productId`). Stock is "
        f"not reserved. {CLOSED_409}",
        parameters=[CART_ID],
        request=s.CartItemAddSerializer,
        responses=CART_WRITE,
    )
    def post(self, request, tenant, cart_id):
        cart_id = self.cart_id(cart_id)
        data = _parse(s.CartItemAddSerializer, request)
        services.cart_item_add(tenant=self.tenant, mode=self.mode, cart_id=cart_id, **data)
        return self.cart_response(cart_id)


class CartItemDetailView(CartView):
    def _ids(self, cart_id: str, item_id: str) -> tuple[str, int]:
        return self.cart_id(cart_id), int(path_id(item_id, _ITEM_ID, "itemId"))

    @extend_schema(
        operation_id="replaceCartItem",
        summary="Set a line's quantity",
        description=f"Quantity 1..{services.MAX_ITEM_QUANTITY}; the captured price is kept. {CLOSED_409}",
        parameters=[CART_ID, ITEM_ID],
        request=s.CartItemQuantitySerializer,
        responses=CART_WRITE,
    )
    def put(self, request, tenant, cart_id, item_id):
        return self._set(request, cart_id, item_id)

    @extend_schema(
        operation_id="updateCartItem",
        summary="Set a line's quantity",
        description=f"Same as PUT. {CLOSED_409}",
        parameters=[CART_ID, ITEM_ID],
        request=s.CartItemQuantitySerializer,
        responses=CART_WRITE,
    )
    def patch(self, request, tenant, cart_id, item_id):
        return self._set(request, cart_id, item_id)

    def _set(self, request, cart_id, item_id):
        cart_id, item = self._ids(cart_id, item_id)
        data = _parse(s.CartItemQuantitySerializer, request)
        services.cart_item_set_quantity(tenant=self.tenant, mode=self.mode, cart_id=cart_id, item_id=item, **data)
        return self.cart_response(cart_id)

    @extend_schema(
        operation_id="removeCartItem",
        summary="Remove a line; answers the cart",
        description=CLOSED_409,
        parameters=[CART_ID, ITEM_ID],
        request=None,
        responses=CART_WRITE,
    )
    def delete(self, request, tenant, cart_id, item_id):
        cart_id, item = self._ids(cart_id, item_id)
        services.cart_item_remove(tenant=self.tenant, mode=self.mode, cart_id=cart_id, item_id=item)
        return self.cart_response(cart_id)


class CartDiscountListView(CartView):
    @extend_schema(
        operation_id="applyCartCoupon",
        summary="Apply a coupon",
        description="The coupon must be active, within its dates, not fully redeemed, in the cart's "
        "currency (FIXED) and its minimum met by the current subtotal; otherwise 400 naming `code` "
        "with the reason as `type`. Idempotent: applying a code already on the cart changes nothing "
        f"and answers 200. At most {services.MAX_CART_COUPONS} coupons per cart. Coupons are checked "
        f"again at checkout. {CLOSED_409}",
        parameters=[CART_ID],
        request=s.CartCouponSerializer,
        responses=CART_WRITE,
    )
    def post(self, request, tenant, cart_id):
        cart_id = self.cart_id(cart_id)
        data = _parse(s.CartCouponSerializer, request)
        services.cart_coupon_apply(tenant=self.tenant, mode=self.mode, cart_id=cart_id, **data)
        return self.cart_response(cart_id)


class CartDiscountDetailView(CartView):
    @extend_schema(
        operation_id="removeCartCoupon",
        summary="Take a coupon off the cart",
        description=f"404 when the code is not on the cart. {CLOSED_409}",
        parameters=[CART_ID, COUPON_CODE],
        request=None,
        responses=CART_WRITE,
    )
    def delete(self, request, tenant, cart_id, code):
        cart_id = self.cart_id(cart_id)
        code = path_id(code, _CATALOG_ID, "code")
        services.cart_coupon_remove(tenant=self.tenant, mode=self.mode, cart_id=cart_id, code=code)
        return self.cart_response(cart_id)


class CartShippingView(CartView):
    @extend_schema(
        operation_id="setCartShipping",
        summary="Choose the shipping method",
        description="An active method of the tenant in the cart's currency (400 naming `methodId` "
        f"otherwise). {CLOSED_409}",
        parameters=[CART_ID],
        request=s.CartShippingSerializer,
        responses=CART_WRITE,
    )
    def put(self, request, tenant, cart_id):
        cart_id = self.cart_id(cart_id)
        data = _parse(s.CartShippingSerializer, request)
        services.cart_shipping_set(tenant=self.tenant, mode=self.mode, cart_id=cart_id, **data)
        return self.cart_response(cart_id)
