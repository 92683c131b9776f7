"""Permissions `{action}:{area}` (view ⊂ update ⊂ manage) and the defaults per access level (§1.3)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Literal, get_args

# §1.3, lowest to highest: declared once, as the type the schemas use and as the tuple code iterates.
AccessLevel = Literal["employee", "lead", "manager", "head", "executive"]
ACCESS_LEVELS: tuple[str, ...] = get_args(AccessLevel)
ACTIONS = ("view", "update", "manage")
AREAS = ("performance", "okr", "learning", "directory", "platform")

_DEFAULTS: dict[str, tuple[str, ...]] = {
    "employee": ("view:performance", "view:okr", "update:okr", "view:learning", "view:directory"),
}
_DEFAULTS["lead"] = _DEFAULTS["employee"] + ("update:performance", "update:learning")
_DEFAULTS["manager"] = _DEFAULTS["lead"]
_DEFAULTS["head"] = _DEFAULTS["manager"] + ("manage:performance", "manage:okr", "manage:learning")
_DEFAULTS["executive"] = _DEFAULTS["head"] + ("manage:directory", "manage:platform")


def default_permissions(access_level: str) -> tuple[str, ...]:
    return _DEFAULTS.get(access_level, ())


def expand(permissions: Iterable[str]) -> frozenset[str]:
    """Close a permission list under implication: manage:x grants update:x grants view:x."""
    if isinstance(permissions, tuple):
        return _expand_tuple(
            permissions
        )  # the defaults and token claims: the same few lists, again and again
    return _expand(permissions)


@lru_cache(maxsize=1024)
def _expand_tuple(permissions: tuple[str, ...]) -> frozenset[str]:
    return _expand(permissions)


def _expand(permissions: Iterable[str]) -> frozenset[str]:
    granted: set[str] = set()
    for permission in permissions:
        action, _, area = permission.partition(":")
        if action not in ACTIONS or area not in AREAS:
            continue
        for implied in ACTIONS[: ACTIONS.index(action) + 1]:
            granted.add(f"{implied}:{area}")
    return frozenset(granted)
