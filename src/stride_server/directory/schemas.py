"""What the directory API (§4) takes and gives: Pydantic models of people, groups, memberships, pages
and import results; the opaque keyset cursors of its lists; and the import file (CSV with a header,
or JSON lines) read into numbered rows."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import orjson
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict
from pydantic import Field as PydanticField

from stride_server.core.problems import BadRequest, Unprocessable, UnsupportedMediaType

AccessLevel = Literal["employee", "lead", "manager", "head", "executive"]
PersonStatus = Literal["active", "inactive"]
GroupKind = Literal["squad", "department", "team", "cohort"]
MemberRole = Literal["member", "lead", "head"]

ACCESS_LEVELS: tuple[str, ...] = ("employee", "lead", "manager", "head", "executive")
PERSON_STATUSES: tuple[str, ...] = ("active", "inactive")
NAME_MAX, EMAIL_MAX, TEXT_MAX, ID_MAX = 200, 320, 500, 64
# Deliberately plain: one @, a dot in the domain, no whitespace or control characters.
EMAIL_PATTERN = r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$"
EMAIL = re.compile(EMAIL_PATTERN)


# The schema states every rule a value is checked against, so generated clients (and schemathesis)
# know what is valid: no NUL (PostgreSQL text cannot hold it), names with a visible character, ids
# in their prefixed-ULID shape.
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"
ULID = "[0-9A-HJKMNP-TV-Z]{26}"
PERSON_ID, GROUP_ID, TEMPLATE_ID = (f"^{prefix}_{ULID}$" for prefix in ("usr", "grp", "tpl"))
CURSOR = r"^[A-Za-z0-9_-]*$"


def _trim(value: str) -> str:
    return value.strip(" \t\r\n")  # never empty: NOT_BLANK needs a non-space character


def _integral(value: Any) -> int:
    """A JSON integer, which JSON Schema lets be written 3.0; never a string or a boolean."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be an integer")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("must be an integer")
    return int(value)


Name = Annotated[str, PydanticField(strict=True, min_length=1, max_length=NAME_MAX, pattern=NOT_BLANK),
                 AfterValidator(_trim)]
Email = Annotated[str, PydanticField(strict=True, max_length=EMAIL_MAX, pattern=EMAIL_PATTERN)]
ShortText = Annotated[str, PydanticField(strict=True, max_length=TEXT_MAX, pattern=NO_NUL)]
PersonRef = Annotated[str, PydanticField(strict=True, pattern=PERSON_ID)]
GroupRef = Annotated[str, PydanticField(strict=True, pattern=GROUP_ID)]
TemplateRef = Annotated[str, PydanticField(strict=True, pattern=TEMPLATE_ID)]
Version = Annotated[int, BeforeValidator(_integral), PydanticField(
    ge=1, description="Expected current version: a mismatch answers 409 with the current record in `current`.")]

_FORBID = ConfigDict(extra="forbid")


def _read_only(description: str) -> Any:
    """Read-only keys may be sent back as they were read (GET, edit, PATCH) and are ignored."""
    return PydanticField(None, description=f"Read-only, ignored when sent. {description}",
                         json_schema_extra={"readOnly": True})


class _Stamps(BaseModel):
    id: Any = _read_only("Server-assigned id.")
    created_at: Any = _read_only("Server stamp.")
    updated_at: Any = _read_only("Server stamp.")


# ------------------------------------------------------------------------------------------ people
class PersonCreate(_Stamps):
    model_config = _FORBID

    name: Name
    email: Email = PydanticField(description="Unique within the tenant, case-insensitively.")
    access_level: AccessLevel
    manager_id: PersonRef | None = PydanticField(None, description="An active person; no reporting cycles.")
    job_title: ShortText | None = None
    review_template_id: TemplateRef | None = None
    status: PersonStatus = "active"
    external_id: ShortText | None = PydanticField(None, description="The person's id in an HR system.")
    version: Any = _read_only("Starts at 1.")


class PersonUpdate(_Stamps):
    """Partial: only the keys sent change; `null` clears a nullable field."""

    model_config = _FORBID

    name: Name = None  # type: ignore[assignment]  # absent is fine, an explicit null is 422
    email: Email = None  # type: ignore[assignment]
    access_level: AccessLevel = None  # type: ignore[assignment]
    manager_id: PersonRef | None = None
    job_title: ShortText | None = None
    review_template_id: TemplateRef | None = None
    status: PersonStatus = PydanticField(None, description="`inactive` deactivates; history is kept.")  # type: ignore[assignment,arg-type]
    external_id: ShortText | None = None
    version: Version | None = None


class Person(BaseModel):
    id: str = PydanticField(description="usr_ + ULID.")
    name: str
    email: str
    access_level: AccessLevel
    manager_id: str | None
    job_title: str | None
    review_template_id: str | None
    status: PersonStatus
    external_id: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class PersonPage(BaseModel):
    data: list[Person]
    next_cursor: str | None
    has_more: bool


# ------------------------------------------------------------------------------------------ groups
class GroupCreate(_Stamps):
    model_config = _FORBID

    kind: GroupKind
    name: Name = PydanticField(description="Unique among the tenant's live groups of the same kind.")
    parent_id: GroupRef | None = PydanticField(None, description="A live group; no cycles.")
    version: Any = _read_only("Starts at 1.")


class GroupUpdate(_Stamps):
    model_config = _FORBID

    kind: GroupKind = None  # type: ignore[assignment]
    name: Name = None  # type: ignore[assignment]
    parent_id: GroupRef | None = None
    version: Version | None = None


class Group(BaseModel):
    id: str = PydanticField(description="grp_ + ULID.")
    kind: GroupKind
    name: str
    parent_id: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class GroupPage(BaseModel):
    data: list[Group]
    next_cursor: str | None
    has_more: bool


class MemberAdd(BaseModel):
    model_config = _FORBID

    person_id: PersonRef = PydanticField(description="An active person of the tenant.")
    role: MemberRole = PydanticField("member", description="A squad's `lead` members are its leads; a "
                                     "department's `head` members are its heads.")


class Member(BaseModel):
    group_id: str
    person_id: str
    role: MemberRole
    name: str
    email: str
    access_level: AccessLevel
    status: PersonStatus
    created_at: datetime


class MemberPage(BaseModel):
    data: list[Member]
    next_cursor: str | None
    has_more: bool


class ImportResult(BaseModel):
    rows: int = PydanticField(description="Data rows read.")
    created: int
    updated: int
    unchanged: int
    groups_created: int
    memberships_added: int
    memberships_removed: int
    dry_run: bool


# ---------------------------------------------------------------------------------------- cursors
def fingerprint(kind: str, filters: dict[str, Any]) -> str:
    """A cursor remembers the list it came from, so replaying it with other filters is a 400."""
    shape = repr([kind, sorted((k, repr(v)) for k, v in filters.items() if v is not None)])
    return hashlib.blake2s(shape.encode(), digest_size=8).hexdigest()


def encode_cursor(print_: str, last_key: str) -> str:
    payload = orjson.dumps({"h": print_, "v": last_key})
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(raw: str | None, print_: str) -> str | None:
    """The key of the last row of the previous page (keyset pagination), or None for page one."""
    if not raw:
        return None
    try:
        payload = orjson.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        value = payload["v"]
        if not isinstance(value, str) or "\x00" in value or len(value) > ID_MAX:
            raise ValueError
    except Exception:
        raise BadRequest("Malformed cursor: pass next_cursor from the previous page unchanged.") from None
    if payload.get("h") != print_:
        raise BadRequest("This cursor belongs to a list with other filters; start again without it.")
    return value


# ------------------------------------------------------------------------- the import file (§4)
COLUMNS = ("id", "name", "email", "access_level", "manager_email", "squad", "department", "job_title",
           "status", "external_id")
GROUP_COLUMNS = ("squad", "department")
JSON_MEDIA_TYPES = ("application/json", "application/x-ndjson", "application/ndjson", "application/jsonl",
                    "application/x-jsonlines", "application/json-lines", "application/jsonlines")


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
    raise UnsupportedMediaType("Send the file as text/csv (with a header) or application/x-ndjson (JSON lines).")


def format_from_path(path: str, data: bytes) -> str:
    suffix = Path(path).suffix.lower()
    return {".csv": "csv", ".jsonl": "json", ".ndjson": "json", ".json": "json"}.get(suffix) or _sniff(data)


def parse(data: bytes, fmt: str) -> list[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unprocessable(f"The file is not valid UTF-8 (byte {exc.start}).", slug="malformed-file") from None
    if "\x00" in text:
        raise Unprocessable("The file must not contain NUL characters.", slug="malformed-file")
    rows = _parse_csv(text) if fmt == "csv" else _parse_json(text)
    if not rows:
        raise Unprocessable("The file has no rows to import.", slug="malformed-file")
    return rows


def _header(record: list[str], line: int) -> list[str]:
    names = [cell.strip().lower().replace(" ", "_").replace("-", "_") for cell in record]
    errors = [{"row": line, "field": name or "(blank)", "message": "unknown column"}
              for name in names if name not in COLUMNS]
    errors += [{"row": line, "field": name, "message": "column given twice"}
               for i, name in enumerate(names) if name in COLUMNS and name in names[:i]]
    if "email" not in names:
        errors.append({"row": line, "field": "email", "message": "the header needs an email column"})
    if errors:
        raise Unprocessable(f"The header (line {line}) is invalid; the columns are {', '.join(COLUMNS)}.",
                            slug="import-rejected", errors=errors)
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
                row.problems.append(("row", f"has {len(record)} cells but the header has {len(header)} columns"))
            rows.append(row)
    except csv.Error as exc:
        raise Unprocessable(f"Malformed CSV at line {reader.line_num}: {exc}.", slug="malformed-file") from None
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
