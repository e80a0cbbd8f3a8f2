"""A declared service has one owner, or is every municipality's and names none."""

from __future__ import annotations

from dataclasses import replace

import pytest

from felles.services.barnetrygd import SERVICE as BARNETRYGD
from felles.services.declaration import MUNICIPALITIES, PublicService
from felles.services.flytting import NY_KOMMUNE, TIDLIGERE_KOMMUNE
from felles.services.foedsel import HELSESTASJON


def test_a_service_of_one_agency_names_its_owner() -> None:
    assert BARNETRYGD.orgnr == "889640782"


@pytest.mark.parametrize("service", [NY_KOMMUNE, TIDLIGERE_KOMMUNE, HELSESTASJON])
def test_every_municipalitys_service_names_no_one_owner(service: PublicService) -> None:
    assert service.owner_orgnr is None and service.owner_orgform == MUNICIPALITIES
    with pytest.raises(ValueError, match="no one owner"):
        service.orgnr  # noqa: B018


def test_an_owner_is_an_organisation_number_or_an_organisation_form_not_both() -> None:
    with pytest.raises(ValueError, match="not both"):
        replace(BARNETRYGD, owner_orgform=MUNICIPALITIES)
    with pytest.raises(ValueError, match="an owner_orgnr or an owner_orgform"):
        replace(BARNETRYGD, owner_orgnr=None)
    with pytest.raises(ValueError, match="9 digits"):
        replace(BARNETRYGD, owner_orgnr="12345")
