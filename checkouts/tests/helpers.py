"""Request bodies for the placement tests."""


def order_body(cart_id: str, token: str = "tok_visa", provider: str = "payment-gateway", amount=10.0) -> dict:
    """The reference trigger-checkout request: cart, customer, two addresses, shipping, one payment method."""
    address = {
        "contactName": "Peter Priceless",
        "companyName": "Hybris",
        "street": "Maisonneuve",
        "streetNumber": "999",
        "streetAppendix": "west",
        "zipCode": "H3A 3L4",
        "city": "Montreal",
        "country": "CA",
        "state": "QC",
        "contactPhone": "1-976-334-3398",
    }
    return {
        "cartId": cart_id,
        "customer": {
            "title": "Mr.",
            "firstName": "Peter",
            "middleName": "O.",
            "lastName": "Priceless",
            "email": "user@example.com",
            "company": "Hybris",
        },
        "addresses": [address | {"type": "BILLING"}, address | {"type": "SHIPPING"}],
        "shipping": {"methodId": "UPS", "zoneId": "CA", "methodName": "UPS Standard", "amount": amount},
        "paymentMethods": [
            {
                "provider": provider,
                "method": "creditcard",
                "customAttributes": {"token": token},
            }
        ],
    }
