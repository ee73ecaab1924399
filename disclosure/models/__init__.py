from .calendar import Holiday
from .content import ErrorReport, Page
from .items import Attachment, DisclosureItem, ItemEvent, Publication
from .org import Channel, ChannelSection, ChecklistCategory, ChecklistEntry, Department
from .reports import AnnualReport, ChannelMetric, Complaint, DocumentCount
from .requests import (
    ConsultationPause,
    DisclosureRequest,
    ReplyLetter,
    ReplyLetterTemplate,
    RequestAttachment,
    RequestCounter,
    RequestEvent,
)
from .security import DeletionRecord, SecurityPolicy

__all__ = [
    "AnnualReport",
    "Attachment",
    "Channel",
    "ChannelMetric",
    "ChannelSection",
    "ChecklistCategory",
    "ChecklistEntry",
    "Complaint",
    "ConsultationPause",
    "Department",
    "DeletionRecord",
    "DisclosureItem",
    "DisclosureRequest",
    "DocumentCount",
    "ErrorReport",
    "Holiday",
    "ItemEvent",
    "Page",
    "Publication",
    "ReplyLetter",
    "ReplyLetterTemplate",
    "RequestAttachment",
    "RequestCounter",
    "RequestEvent",
    "SecurityPolicy",
]
