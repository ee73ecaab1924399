from .calendar import Holiday
from .items import Attachment, DisclosureItem, ItemEvent, Publication
from .org import Channel, ChannelSection, ChecklistCategory, ChecklistEntry, Department

__all__ = [
    "Attachment",
    "Channel",
    "ChannelSection",
    "ChecklistCategory",
    "ChecklistEntry",
    "Department",
    "DisclosureItem",
    "Holiday",
    "ItemEvent",
    "Publication",
]
