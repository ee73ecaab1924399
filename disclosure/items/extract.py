"""Plain text out of an attachment, for search: PDF (pypdf), .docx (python-docx), .xlsx (openpyxl),
.txt and .html.

`extract_text` reads bytes and returns the text; it is pure Python without Django, so that
`extract_in_subprocess` can run it in a fresh process: a hostile file (a zip bomb, a PDF that makes the
parser loop or eat memory) is stopped there by the time limit and a memory ceiling and fails only its
own task, never the worker. Office files are ZIP containers: their declared unpacked size and
compression ratio are checked before anything is unpacked.
"""

from __future__ import annotations

import io
import multiprocessing
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser

SUPPORTED = ("pdf", "docx", "xlsx", "txt", "html", "htm")
# Compression ratio above which a member is taken for a bomb: text-heavy XML compresses about 10:1,
# never 1000:1.
MAX_RATIO = 200
# Address space of the extracting process (bytes): a parser that runs away fails, the worker lives.
MEMORY_LIMIT = 1024 * 1024 * 1024


class ExtractionError(Exception):
    """The file cannot be read; the message (Chinese) is recorded for the office."""


@dataclass(frozen=True)
class Limits:
    max_chars: int = 200_000
    max_unpacked: int = 100 * 1024 * 1024


def extract_text(data: bytes, extension: str, limits: Limits = Limits()) -> str:
    """The text of a file of type `extension`, whitespace collapsed, at most `limits.max_chars` long.

    Raises ExtractionError for a broken or hostile file.
    """
    extension = extension.lower().lstrip(".")
    reader = _READERS.get(extension)
    if reader is None:
        raise ExtractionError(f"不支持提取 .{extension} 文件的文字。")
    try:
        pieces = reader(data, limits)
        text, size = [], 0
        for piece in pieces:
            piece = " ".join(str(piece).split())
            if not piece:
                continue
            text.append(piece)
            size += len(piece) + 1
            if size >= limits.max_chars:
                break
    except ExtractionError:
        raise
    except MemoryError as error:
        raise ExtractionError("文件解析占用内存过多，已停止。") from error
    except Exception as error:  # noqa: BLE001 - any parser failure is this file's problem only
        raise ExtractionError(f"文件已损坏或格式不正确（{type(error).__name__}）。") from error
    return "\n".join(text)[: limits.max_chars]


def _pdf(data: bytes, limits: Limits):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception as error:  # noqa: BLE001
            raise ExtractionError("PDF 已加密，无法读取文字。") from error
    for page in reader.pages:
        yield page.extract_text() or ""


def _check_zip(data: bytes, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ExtractionError("文件已损坏：不是有效的 Office 文档（ZIP 结构错误）。") from error
    total = 0
    for member in archive.infolist():
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > MAX_RATIO and member.file_size > 1024 * 1024:
            raise ExtractionError(f"文件内容异常：压缩比过高（{ratio:.0f}:1），疑似压缩炸弹，已拒绝解析。")
    if total > limits.max_unpacked:
        raise ExtractionError(
            f"文件展开后过大（{total // (1024 * 1024)} MB，上限 {limits.max_unpacked // (1024 * 1024)} MB），"
            "疑似压缩炸弹，已拒绝解析。")


def _docx(data: bytes, limits: Limits):
    import docx

    _check_zip(data, limits)
    document = docx.Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        yield paragraph.text
    for table in document.tables:
        for row in table.rows:
            yield " ".join(cell.text for cell in row.cells)


def _xlsx(data: bytes, limits: Limits):
    import openpyxl

    _check_zip(data, limits)
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            yield sheet.title
            for row in sheet.iter_rows(values_only=True):
                yield " ".join(str(value) for value in row if value is not None)
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    # Chinese government text files are UTF-8 or GB18030 (a superset of GBK and GB2312).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _txt(data: bytes, limits: Limits):
    yield _decode(data)


class _TextParser(HTMLParser):
    _SKIP = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def _html(data: bytes, limits: Limits):
    text = _decode(data)
    match = re.search(r"<meta[^>]+charset=[\"']?([\w-]+)", text[:2048], re.IGNORECASE)
    if match and match.group(1).lower() in {"gbk", "gb2312", "gb18030"}:
        text = data.decode("gb18030", errors="replace")
    parser = _TextParser()
    parser.feed(text)
    parser.close()
    yield from parser.parts


_READERS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "txt": _txt, "html": _html, "htm": _html}


def _child(conn, data: bytes, extension: str, limits: Limits) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not on every platform
        pass
    try:
        conn.send(("ok", extract_text(data, extension, limits)))
    except ExtractionError as error:
        conn.send(("error", str(error)))
    except BaseException as error:  # noqa: BLE001 - reported to the parent, never raised here
        conn.send(("error", f"解析失败（{type(error).__name__}）。"))
    finally:
        conn.close()


def extract_in_subprocess(data: bytes, extension: str, *, seconds: float,
                          limits: Limits = Limits()) -> str:
    """`extract_text` in a fresh process stopped after `seconds`. Raises ExtractionError."""
    # A fork server: started once (a fresh interpreter with the parsers imported), then each file gets
    # a cheap fork of it; never a fork of the worker itself, with its database connection and threads.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["disclosure.items.extract", "pypdf", "docx", "openpyxl"])
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, data, extension, limits), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise ExtractionError(f"解析超过时间限制（{seconds:g} 秒），已停止。")
        try:
            outcome, value = receiver.recv()
        except EOFError as error:
            raise ExtractionError("解析进程异常退出（可能超出内存限制）。") from error
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    if outcome != "ok":
        raise ExtractionError(value)
    return value
