"""The directory import file (§4): CSV with a header, or JSON lines (or a JSON array), read into
numbered rows whose cells the importer then checks."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from stride_server.core.problems import Unprocessable, UnsupportedMediaType

COLUMNS = (
    "id",
    "name",
    "email",
    "access_level",
    "manager_email",
    "squad",
    "department",
    "job_title",
    "status",
    "external_id",
)
GROUP_COLUMNS = ("squad", "department")
JSON_MEDIA_TYPES = (
    "application/json",
    "application/x-ndjson",
    "application/ndjson",
    "application/jsonl",
    "application/x-jsonlines",
    "application/json-lines",
    "application/jsonlines",
)


@dataclass
class Row:
    number: int  # the line of the file it starts on (CSV header = line 1), or its position in a JSON array
    cells: dict[str, str | None]
    problems: list[tuple[str, str]] = field(default_factory=list)


def _sniff(data: bytes) -> str:
    return "json" if data.lstrip()[:1] in (b"{", b"[") else "csv"


def format_from_media_type(content_type: str | None, data: bytes) -> str:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in ("text/csv", "application/csv"):
        return "csv"
    if media in JSON_MEDIA_TYPES or media.endswith("+json"):
        return "json"
    if media in ("", "text/plain", "application/octet-stream"):
        return _sniff(data)
    raise UnsupportedMediaType(
        "Send the file as text/csv (with a header) or application/x-ndjson (JSON lines)."
    )


def format_from_path(path: str, data: bytes) -> str:
    suffix = Path(path).suffix.lower()
    return {".csv": "csv", ".jsonl": "json", ".ndjson": "json", ".json": "json"}.get(suffix) or _sniff(data)


def parse(data: bytes, fmt: str) -> list[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unprocessable(
            f"The file is not valid UTF-8 (byte {exc.start}).", slug="malformed-file"
        ) from None
    if "\x00" in text:
        raise Unprocessable("The file must not contain NUL characters.", slug="malformed-file")
    rows = _parse_csv(text) if fmt == "csv" else _parse_json(text)
    if not rows:
        raise Unprocessable("The file has no rows to import.", slug="malformed-file")
    return rows


def _header(record: list[str], line: int) -> list[str]:
    names = [cell.strip().lower().replace(" ", "_").replace("-", "_") for cell in record]
    errors = [
        {"row": line, "field": name or "(blank)", "message": "unknown column"}
        for name in names
        if name not in COLUMNS
    ]
    errors += [
        {"row": line, "field": name, "message": "column given twice"}
        for i, name in enumerate(names)
        if name in COLUMNS and name in names[:i]
    ]
    if "email" not in names:
        errors.append({"row": line, "field": "email", "message": "the header needs an email column"})
    if errors:
        raise Unprocessable(
            f"The header (line {line}) is invalid; the columns are {', '.join(COLUMNS)}.",
            slug="import-rejected",
            errors=errors,
        )
    return names


def _parse_csv(text: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[Row] = []
    line = 0
    try:
        for record in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = _header(record, start)
                continue
            row = Row(start, dict(zip(header, record + [""] * (len(header) - len(record)), strict=False)))
            if len(record) > len(header):
                row.problems.append(
                    ("row", f"has {len(record)} cells but the header has {len(header)} columns")
                )
            rows.append(row)
    except csv.Error as exc:
        raise Unprocessable(
            f"Malformed CSV at line {reader.line_num}: {exc}.", slug="malformed-file"
        ) from None
    return rows


class _Malformed(str):
    """A JSON line that did not parse: its row carries the parser's message."""


def _parse_json(text: str) -> list[Row]:
    numbered: list[tuple[int, Any]] = []
    if text.lstrip().startswith("["):
        try:
            items = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise Unprocessable(f"Malformed JSON: {exc}", slug="malformed-file") from None
        numbered = list(enumerate(items, 1))
    else:
        for number, line in enumerate(text.split("\n"), 1):
            if line.strip():
                try:
                    numbered.append((number, orjson.loads(line)))
                except orjson.JSONDecodeError as exc:
                    numbered.append((number, _Malformed(f"malformed JSON: {exc}")))
    rows = []
    for number, item in numbered:
        row = Row(number, {})
        if not isinstance(item, dict):
            row.problems.append(("row", item if isinstance(item, _Malformed) else "must be a JSON object"))
        else:
            for key, value in item.items():
                if key not in COLUMNS:
                    row.problems.append((key, "unknown column"))
                elif value is None or isinstance(value, str):
                    row.cells[key] = value
                else:
                    row.problems.append((key, "must be a string or null"))
        rows.append(row)
    return rows
