import pytest
from django.core.exceptions import ValidationError

from checkout_project.errors import ApiError
from merchants.models import Tenant
from merchants.services import tenant_create
from merchants.validators import tenant_code_problem, validate_tenant_code


@pytest.mark.parametrize("code", ["abc", "demoshop", "a1b2c3", "abcdefghijklmnop"])
def test_valid_tenant_codes(code):
    assert tenant_code_problem(code) is None
    validate_tenant_code(code)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ab", "size must be between 3 and 16"),
        ("abcdefghijklmnopq", "size must be between 3 and 16"),
        ("", "size must be between 3 and 16"),
        ("Abc", "must be lowercase letters and digits, starting with a letter"),
        ("1abc", "must be lowercase letters and digits, starting with a letter"),
        ("ab_c", "must be lowercase letters and digits, starting with a letter"),
        ("abé", "must be lowercase letters and digits, starting with a letter"),
    ],
)
def test_invalid_tenant_codes(code, message):
    problem = tenant_code_problem(code)
    assert problem is not None
    assert problem.field == "tenant"
    assert problem.message == message
    with pytest.raises(ValidationError):
        validate_tenant_code(code)


@pytest.mark.django_db
def test_tenant_create_refuses_duplicates_and_bad_codes():
    tenant = tenant_create(code="shop", name="Shop")
    assert len(tenant.saas_passphrase) >= 32
    with pytest.raises(ApiError):
        tenant_create(code="shop", name="Again")
    with pytest.raises(ApiError):
        tenant_create(code="SHOP", name="Upper")
    assert Tenant.objects.count() == 1
