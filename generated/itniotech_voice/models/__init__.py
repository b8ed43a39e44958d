"""Contains all the data models used in inputs/outputs"""

from .sip_reset_data import SipResetData
from .sip_reset_request import SipResetRequest
from .sip_reset_response import SipResetResponse

__all__ = (
    "SipResetData",
    "SipResetRequest",
    "SipResetResponse",
)
