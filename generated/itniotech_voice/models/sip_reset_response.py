from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.sip_reset_data import SipResetData


T = TypeVar("T", bound="SipResetResponse")


@_attrs_define
class SipResetResponse:
    """The response envelope of sipReset."""

    status: str
    """ `"0"` means success; any other value is a failure. Documented codes (the server may add others):

    | code | meaning |
    |---|---|
    | 0 | success |
    | -1 | Authentication error |
    | -2 | Restricted IP access |
    | -16 | Timestamp expires |
    | -18 | Port program unusual (system exception) |
    | -22 | Parameter exception |
    | -24 | Data unexisting |
     """
    reason: str | Unset = UNSET
    """ Failure reason description (`success` on success). """
    data: None | SipResetData | Unset = UNSET
    """ Resetting information; null or absent on failure. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        reason = self.reason

        data: dict[str, Any] | None | Unset
        if isinstance(self.data, Unset):
            data = UNSET
        elif isinstance(self.data, SipResetData):
            data = self.data.to_dict()
        else:
            data = self.data

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        status = d.pop("status")

        reason = d.pop("reason", UNSET)

        def _parse_data(data: object) -> None | SipResetData | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_0 = SipResetData.from_dict(data)

                return data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SipResetData | Unset, data)

        data = _parse_data(d.pop("data", UNSET))

        sip_reset_response = cls(
            status=status,
            reason=reason,
            data=data,
        )

        sip_reset_response.additional_properties = d
        return sip_reset_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


# Imported after the class, so that models referring to each other can import each other.
from ..models.sip_reset_data import SipResetData
