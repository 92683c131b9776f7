"""Cursor pagination (CONTRACT §2.5): a list call answers with its first page (`data`, `next_cursor`,
`has_more`, `total`), and iterating the page walks every record across the following cursors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import Any, Generic, TypeVar

from stride._request import parse

__all__ = ["AsyncPage", "AsyncPageRequest", "Page"]

T = TypeVar("T")


class _PageBase(Generic[T]):
    data: list[T]
    """The records of this page only."""
    next_cursor: str | None
    has_more: bool
    total: int | None
    """Present when the list was called with `count=True`."""

    def __init__(self, body: Any, model: Any) -> None:
        self.data = parse(list[model], body.get("data") or [])
        self.next_cursor = body.get("next_cursor")
        self.has_more = bool(body.get("has_more") and self.next_cursor)
        self.total = body.get("total")
        self._model = model

    def has_next_page(self) -> bool:
        return self.has_more

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(data=[{len(self.data)} records], next_cursor={self.next_cursor!r}, "
                f"has_more={self.has_more})")


class Page(_PageBase[T]):
    """One page of records. `for record in page` walks this page and every following one;
    `page.data` is this page alone; `page.iter_pages()` yields the pages themselves."""

    def __init__(self, body: Any, model: Any, fetch: Callable[[str], Any]) -> None:
        super().__init__(body, model)
        self._fetch = fetch

    def next_page(self) -> Page[T] | None:
        """The following page, or None after the last one."""
        if not self.has_more or not self.next_cursor:
            return None
        return Page(self._fetch(self.next_cursor), self._model, self._fetch)

    def iter_pages(self) -> Iterator[Page[T]]:
        """This page and every following one."""
        page: Page[T] | None = self
        while page is not None:
            yield page
            page = page.next_page()

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data

    def to_list(self, max_items: int | None = None) -> list[T]:
        """Every record (up to `max_items`) across the pages, in one list."""
        records: list[T] = []
        if max_items is not None and max_items <= 0:
            return records
        for record in self:
            records.append(record)
            if max_items is not None and len(records) >= max_items:
                break
        return records


class AsyncPage(_PageBase[T]):
    """One page of records; `async for record in page` walks this page and every following one."""

    def __init__(self, body: Any, model: Any, fetch: Callable[[str], Awaitable[Any]]) -> None:
        super().__init__(body, model)
        self._fetch = fetch

    async def next_page(self) -> AsyncPage[T] | None:
        """The following page, or None after the last one."""
        if not self.has_more or not self.next_cursor:
            return None
        return AsyncPage(await self._fetch(self.next_cursor), self._model, self._fetch)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """This page and every following one."""
        page: AsyncPage[T] | None = self
        while page is not None:
            yield page
            page = await page.next_page()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for record in page.data:
                yield record

    async def to_list(self, max_items: int | None = None) -> list[T]:
        """Every record (up to `max_items`) across the pages, in one list."""
        records: list[T] = []
        if max_items is not None and max_items <= 0:
            return records
        async for record in self:
            records.append(record)
            if max_items is not None and len(records) >= max_items:
                break
        return records


class AsyncPageRequest(Generic[T]):
    """What an async `list()` returns: awaitable (→ the first `AsyncPage`) and async-iterable (→ every
    record across the pages). Nothing is fetched until it is awaited or iterated."""

    def __init__(self, model: Any, fetch: Callable[[str | None], Awaitable[Any]]) -> None:
        self._model = model
        self._fetch = fetch
        self._first: AsyncPage[T] | None = None

    async def first_page(self) -> AsyncPage[T]:
        """The first page (fetched once, however the request is then used)."""
        if self._first is None:
            self._first = AsyncPage(await self._fetch(None), self._model, self._fetch)
        return self._first

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self.first_page().__await__()

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """Every page in turn."""
        async for page in (await self.first_page()).iter_pages():
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        async for record in await self.first_page():
            yield record

    async def to_list(self, max_items: int | None = None) -> list[T]:
        """Every record (up to `max_items`) across the pages, in one list."""
        return await (await self.first_page()).to_list(max_items)
