"""The manifest of §6, read from the registry."""

from __future__ import annotations

from typing import Any

from stride_server import __version__
from stride_server.edm.registry import DOMAINS, ENTITIES, Field

_FORMATS = {
    "datetime": "date-time",
    "id": "id",
    "pct": "percent",
    "integer": "int32",
    "number": "double",
    "text": "text",
    "json_strings": "string-array",
    "json_array": "array",
    "json_object": "object",
    "json_questions": "questions",
}


def _field(f: Field) -> dict[str, Any]:
    return {
        "name": f.name,
        "type": f.seed_type,
        "format": _FORMATS.get(f.kind),
        "required": f.required or f.name in ("id", "tenant_id", "created_at", "updated_at"),
        "read_only": f.read_only,
        "description": f.description,
        "enum": list(f.enum) if f.enum else None,
        "pattern": f.pattern,
        "reference": f.ref,
        "computed": f.computed,
    }


def build_manifest() -> dict[str, Any]:
    domains = []
    for name, (title, description) in DOMAINS.items():
        entities = [
            {
                "name": e.name,
                "description": e.description,
                "path": e.path,
                "sdk": {"typescript": f"client.{e.sdk_ts}", "python": f"client.{e.sdk_py}"},
                "operations": list(e.operations),
                "id_prefix": e.prefix,
                "fields": [_field(f) for f in e.fields],
            }
            for e in ENTITIES
            if e.domain == name
        ]
        domains.append({"name": name, "title": title, "description": description, "entities": entities})
    return {"version": __version__, "domains": domains}
