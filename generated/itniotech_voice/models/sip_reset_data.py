from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SipResetData")


@_attrs_define
class SipResetData:
    """The phone account and its new password."""

    account: str | Unset = UNSET
    """ Phone account. """
    password: str | Unset = UNSET
    """ The new phone password. A secret. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def __repr__(self) -> str:
        """The attrs repr, with the spec's secret (``format: password``) fields masked."""
        secret = ["password"]
        shown = []
        for attribute in self.__attrs_attrs__:
            value = getattr(self, attribute.name)
            masked = attribute.name in secret and not isinstance(value, Unset)
            shown.append(f"{attribute.name}={'***' if masked else repr(value)}")
        return f"{type(self).__name__}({', '.join(shown)})"

    def to_dict(self) -> dict[str, Any]:
        account = self.account

        password = self.password

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if account is not UNSET:
            field_dict["account"] = account
        if password is not UNSET:
            field_dict["password"] = password

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        account = d.pop("account", UNSET)

        password = d.pop("password", UNSET)

        sip_reset_data = cls(
            account=account,
            password=password,
        )

        sip_reset_data.additional_properties = d
        return sip_reset_data

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
