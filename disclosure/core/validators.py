"""Upload checks: an allow-list of extensions, a size limit, and content that matches the extension."""

from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

# Leading bytes of the allowed formats. Office documents are OLE2 (old) or ZIP (new) containers.
_SIGNATURES = {
    "pdf": [b"%PDF-"],
    "ofd": [b"PK\x03\x04"],
    "doc": [b"\xd0\xcf\x11\xe0"], "xls": [b"\xd0\xcf\x11\xe0"], "ppt": [b"\xd0\xcf\x11\xe0"],
    "wps": [b"\xd0\xcf\x11\xe0", b"PK\x03\x04"], "et": [b"\xd0\xcf\x11\xe0", b"PK\x03\x04"],
    "docx": [b"PK\x03\x04"], "xlsx": [b"PK\x03\x04"], "pptx": [b"PK\x03\x04"],
    "zip": [b"PK\x03\x04", b"PK\x05\x06"],
    "rar": [b"Rar!\x1a\x07"],
    "7z": [b"7z\xbc\xaf\x27\x1c"],
    "jpg": [b"\xff\xd8\xff"], "jpeg": [b"\xff\xd8\xff"],
    "png": [b"\x89PNG\r\n\x1a\n"],
    "gif": [b"GIF87a", b"GIF89a"],
}

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "wps": "application/vnd.ms-works",
    "et": "application/vnd.ms-excel",
    "ofd": "application/ofd",
    "txt": "text/plain; charset=utf-8",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "zip": "application/zip",
    "rar": "application/vnd.rar",
    "7z": "application/x-7z-compressed",
}


def content_type_for(name: str) -> str:
    return CONTENT_TYPES.get(PurePosixPath(name).suffix.lower().lstrip("."), "application/octet-stream")


def validate_attachment_file(file) -> None:
    """Refuse a file whose extension is not allowed, that is too large, or whose bytes do not match."""
    rules = settings.DISCLOSURE
    name = PurePosixPath(getattr(file, "name", "") or "").name
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    allowed = rules["ATTACHMENT_EXTENSIONS"]
    if extension not in allowed:
        raise ValidationError(
            "不允许上传该类型的文件（%(ext)s）。允许的类型：%(allowed)s。",
            code="extension",
            params={"ext": extension or "无扩展名", "allowed": "、".join(allowed)},
        )
    size = getattr(file, "size", 0) or 0
    if size > rules["ATTACHMENT_MAX_BYTES"]:
        raise ValidationError(
            "文件过大（%(size)s），单个附件不能超过 %(limit)s。",
            code="size",
            params={"size": filesizeformat(size), "limit": filesizeformat(rules["ATTACHMENT_MAX_BYTES"])},
        )
    if size == 0:
        raise ValidationError("文件为空。", code="empty")
    signatures = _SIGNATURES.get(extension)
    if signatures is None:
        if extension == "txt":
            _require_text(file)
        return
    head = _read_head(file)
    if not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            "文件内容与扩展名 .%(ext)s 不符，请上传真实的 %(ext)s 文件。",
            code="content", params={"ext": extension},
        )


def _read_head(file, size: int = 16) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(size)
    file.seek(position)
    return head


def _require_text(file) -> None:
    head = _read_head(file, 4096)
    if b"\x00" in head:
        raise ValidationError("文本文件中包含不允许的内容。", code="content")
