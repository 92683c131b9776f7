"""List query parameters of §2.5 parsed into SQL: filters, `q`, sort and keyset cursors.

A cursor carries the sort values of the last row returned and a fingerprint of the query it came
from, so a page costs the same at any depth (an index range scan, no OFFSET) and a cursor replayed
with other filters or another sort is refused with 400.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ClauseElement, ColumnElement, and_, false, func, literal, or_, tuple_
from sqlalchemy.dialects.postgresql import JSONB, REGCONFIG

from stride_server.core import pages
from stride_server.core.problems import BadRequest
from stride_server.edm.registry import Entity, Field
from stride_server.edm.schemas import INT_MAX, parse_datetime

RESERVED = {"limit", "cursor", "sort", "q", "mine", "include_deleted", "count"}
OPERATORS = {"eq", "ne", "gt", "gte", "lt", "lte", "in", "contains", "is_null"}
_PARAM = re.compile(r"^([a-z_]+)(?:\[([a-z_]+)\])?$")
_WORD = re.compile(r"\w+", re.UNICODE)
DEFAULT_LIMIT, MAX_LIMIT = 50, 200
MAX_FILTERS, MAX_SEARCH_LENGTH = 20, 200


@dataclass(frozen=True)
class SortKey:
    name: str  # a field name, or "_rank" for relevance
    descending: bool
    nullable: bool


@dataclass
class ListQuery:
    filters: list[tuple[str, str, Any]] = field(default_factory=list)  # (field, op, parsed value)
    search: str | None = None  # a to_tsquery expression
    sort: list[SortKey] = field(default_factory=list)
    limit: int = DEFAULT_LIMIT
    after: list[Any] | None = None  # sort values of the last row of the previous page
    mine: bool = False
    include_deleted: bool = False
    count: bool = False
    entity_name: str = ""
    _fingerprint: str | None = None

    @property
    def fingerprint(self) -> str:
        """What a cursor must match: the entity, filters, search and sort (computed when a cursor is
        read or written, not for every list)."""
        if self._fingerprint is None:
            shape = [
                self.entity_name,
                sorted(map(repr, self.filters)),
                self.search,
                [(k.name, k.descending) for k in self.sort],
                self.mine,
                self.include_deleted,
            ]
            self._fingerprint = hashlib.blake2s(repr(shape).encode(), digest_size=8).hexdigest()
        return self._fingerprint


def _flag(name: str, value: str) -> bool:
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise BadRequest(f"Query parameter {name} must be true or false.")


def _scalar(f: Field, raw: str, param: str) -> Any:
    try:
        if f.kind in ("number", "pct"):
            value: Any = float(raw)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
            return value
        if f.kind == "integer":
            return _integer(int(raw))
        if f.kind == "boolean":
            return _flag(param, raw)
        if f.kind == "datetime":
            return parse_datetime(raw, clamp=True)
    except (ValueError, TypeError):
        raise BadRequest(f"Query parameter {param}: {raw!r} is not a valid {f.seed_type}.") from None
    if f.enum and raw not in f.enum:
        raise BadRequest(f"Query parameter {param}: {raw!r} is not one of {', '.join(f.enum)}.")
    return raw


def _integer(value: int | None) -> int:
    """Integer columns are int4: anything outside cannot match and must not reach the driver."""
    if value is None or not -INT_MAX - 1 <= value <= INT_MAX:
        raise ValueError("out of range")
    return value


def check_list_bounds(items: list[tuple[str, str]]) -> None:
    """CONTRACT §2.5: "At most 20 filter parameters and a `q` of at most 200 characters per request, else
    400". Checked before any parsing, since each filter costs a parse and a SQL predicate. A filter is any
    parameter that is not one of RESERVED (`field=…` or `field[op]=…`, known or not), and a repeated one
    counts each time; `q` is measured in characters, once percent-decoded."""
    filters = 0
    for name, raw in items:
        if name not in RESERVED:
            filters += 1
        elif name == "q" and len(raw) > MAX_SEARCH_LENGTH:
            raise BadRequest(
                f"Query parameter q is {len(raw)} characters long; at most {MAX_SEARCH_LENGTH} are allowed."
            )
    if filters > MAX_FILTERS:
        raise BadRequest(
            f"{filters} filter parameters given; at most {MAX_FILTERS} are allowed per request "
            "(a repeated parameter counts each time)."
        )


def parse_list_query(entity: Entity, items: list[tuple[str, str]]) -> ListQuery:
    check_list_bounds(items)
    query = ListQuery(entity_name=entity.name)
    seen: dict[str, str] = {}
    for name, raw in items:
        if "\x00" in raw or "\x00" in name:
            raise BadRequest("Query parameters must not contain NUL characters.")
        if name in seen and name in RESERVED:
            raise BadRequest(f"Query parameter {name} given more than once.")
        seen[name] = raw
        if name in RESERVED:
            continue
        match = _PARAM.match(name)
        fields = entity.field_map
        if not match or match.group(1) not in fields or not fields[match.group(1)].filterable:
            raise BadRequest(f"Unknown query parameter {name!r}.")
        f, op = fields[match.group(1)], match.group(2) or "eq"
        if op not in OPERATORS:
            raise BadRequest(f"Unknown filter operator {op!r} in {name!r}.")
        query.filters.append(_filter(f, op, raw, name))

    query.limit = _limit(seen.get("limit"))
    query.mine = _flag("mine", seen["mine"]) if "mine" in seen else False
    query.include_deleted = (
        _flag("include_deleted", seen["include_deleted"]) if "include_deleted" in seen else False
    )
    query.count = _flag("count", seen["count"]) if "count" in seen else False
    if seen.get("q", "").strip():
        words = _WORD.findall(seen["q"].lower())[:16]
        if words:
            query.search = " & ".join(f"{w}:*" for w in words)
        else:
            query.search = ""  # only punctuation: matches nothing rather than everything
    query.sort = _sort(entity, seen.get("sort"), ranked=bool(query.search) and "sort" not in seen)
    if seen.get("cursor"):
        query.after = decode_cursor(seen["cursor"], query)
    return query


def _limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 3 or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequest(f"Query parameter limit must be an integer from 1 to {MAX_LIMIT}.")
    return int(raw)


def _filter(f: Field, op: str, raw: str, param: str) -> tuple[str, str, Any]:
    if op == "is_null":
        return (f.name, op, _flag(param, raw))
    if f.kind == "json_strings":
        if op not in ("eq", "contains", "in"):
            raise BadRequest(f"Filter {param}: arrays support contains, in and is_null.")
        return (f.name, "contains", [v for v in raw.split(",") if v])
    if op == "contains":
        raise BadRequest(f"Filter {param}: contains applies to json arrays only.")
    if op in ("eq", "in") and ("," in raw or op == "in"):
        return (f.name, "in", [_scalar(f, v, param) for v in raw.split(",")])
    if op in ("gt", "gte", "lt", "lte") and f.kind in ("boolean", "json_strings"):
        raise BadRequest(f"Filter {param}: {op} does not apply to {f.seed_type} fields.")
    return (f.name, op, _scalar(f, raw, param))


def _sort(entity: Entity, raw: str | None, *, ranked: bool) -> list[SortKey]:
    if ranked:
        return [SortKey("_rank", True, False), SortKey("id", True, False)]
    keys: list[SortKey] = []
    for part in ("-created_at" if raw is None else raw).split(","):
        name = part.removeprefix("-")  # exactly the documented pattern: no spaces, one '-'
        f = entity.field_map.get(name)
        if f is None or not f.is_scalar:
            raise BadRequest(f"Cannot sort by {name!r}: sort takes scalar field names, '-' for descending.")
        if any(k.name == name for k in keys):
            continue  # a repeat cannot change the order: the first mention decides
        keys.append(SortKey(name, part.startswith("-"), f.nullable))
    if keys[-1].name != "id":
        keys.append(SortKey("id", keys[-1].descending, False))
    return keys


def encode_cursor(query: ListQuery, values: list[Any]) -> str:
    return pages.encode_cursor(query.fingerprint, values)


def decode_cursor(raw: str, query: ListQuery) -> list[Any]:
    return pages.decode_cursor(
        raw,
        query.fingerprint,  # type: ignore[no-any-return]
        lambda v: isinstance(v, list) and len(v) == len(query.sort),
    )


def filter_clause(column: Any, f: Field, op: str, value: Any) -> ColumnElement[bool]:
    if op == "is_null":
        return column.is_(None) if value else column.is_not(None)
    if op == "contains":  # any of the given strings is in the array
        return or_(*(column.contains(_json_array(v)) for v in value)) if value else false()
    operations = {
        "eq": column.__eq__,
        "ne": lambda v: or_(column != v, column.is_(None)),
        "gt": column.__gt__,
        "gte": column.__ge__,
        "lt": column.__lt__,
        "lte": column.__le__,
        "in": column.in_,
    }
    return operations[op](value)  # type: ignore[no-any-return]


def _json_array(value: Any) -> Any:
    """A one-string JSON array, or a bind parameter that carries one."""
    return value if isinstance(value, ClauseElement) else literal([value], JSONB)


def search_condition(search_column: Any, search: Any) -> tuple[ColumnElement[bool], Any]:
    """`q`: prefix full-text match over the entity's text fields, and its rank."""
    if isinstance(search, str) and not search:
        return false(), literal(0.0)
    tsquery = func.to_tsquery(literal("simple").cast(REGCONFIG), search)
    return search_column.op("@@")(tsquery), func.ts_rank(search_column, tsquery)


def keyset_clause(keys: list[SortKey], columns: list[Any], values: list[Any]) -> ColumnElement[bool]:
    """Rows strictly after `values` in the order of `keys` (PostgreSQL puts NULL last ascending,
    first descending). Uniform non-null keys use a row comparison, which an index range-scans."""
    if all(not k.nullable for k in keys) and len({k.descending for k in keys}) == 1:
        row = tuple_(*columns)
        bound = tuple_(
            *[
                v if isinstance(v, ClauseElement) else literal(v, c.type)
                for v, c in zip(values, columns, strict=True)
            ]
        )
        return row < bound if keys[0].descending else row > bound
    branches = []
    for i, key in enumerate(keys):
        equal = [_equal(columns[j], values[j]) for j in range(i)]
        branches.append(and_(*equal, _after(key, columns[i], values[i])))
    return or_(*branches)


def _equal(column: Any, value: Any) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _after(key: SortKey, column: Any, value: Any) -> ColumnElement[bool]:
    if key.descending:
        return column.is_not(None) if value is None else column < value
    return (
        false()
        if value is None
        else or_(column > value, column.is_(None))
        if key.nullable
        else column > value
    )


def order_by(keys: list[SortKey], columns: list[Any]) -> list[Any]:
    return [c.desc() if k.descending else c.asc() for k, c in zip(keys, columns, strict=True)]


def typed_cursor_values(entity: Entity, keys: list[SortKey], values: list[Any]) -> list[Any]:
    """Cursor values back to the column types (date-times from ISO strings)."""
    out: list[Any] = []
    for key, value in zip(keys, values, strict=True):
        kind = "number" if key.name == "_rank" else entity.field_map[key.name].kind
        if value is None:
            if not key.nullable:
                raise BadRequest("Malformed cursor.")
            out.append(None)
            continue
        try:
            if kind == "datetime":
                value = parse_datetime(value)
            elif kind in ("number", "pct"):
                value = float(value)
            elif kind == "integer":
                value = _integer(value if isinstance(value, int) and not isinstance(value, bool) else None)
            elif kind in ("string", "text", "id", "enum") and (not isinstance(value, str) or "\x00" in value):
                raise TypeError
            elif kind == "boolean" and not isinstance(value, bool):
                raise TypeError
        except (TypeError, ValueError):
            raise BadRequest("Malformed cursor.") from None
        out.append(value)
    return out
