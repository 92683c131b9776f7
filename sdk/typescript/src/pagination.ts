// Cursor pagination (CONTRACT §2.5) as async iteration: `await list()` is the first page, and
// `for await (const record of list())` walks every record across `next_cursor`s.
import type { PageBody } from "./schema.js";

export type PageFetcher<T> = (cursor: string | undefined) => Promise<PageBody<T>>;

/** One page of records; iterating it with `for await` continues through the following pages. */
export class Page<T> implements AsyncIterable<T> {
  readonly data: T[];
  readonly nextCursor: string | null;
  readonly hasMore: boolean;
  /** Present when the list was called with `count: true`. */
  readonly total: number | null | undefined;

  constructor(private readonly fetchPage: PageFetcher<T>, body: PageBody<T>) {
    this.data = body.data;
    this.nextCursor = body.next_cursor ?? null;
    this.hasMore = Boolean(body.has_more && body.next_cursor);
    this.total = body.total;
  }

  hasNextPage(): boolean {
    return this.hasMore;
  }

  /** The following page, or null after the last one. */
  async nextPage(): Promise<Page<T> | null> {
    if (!this.hasMore || !this.nextCursor) return null;
    return new Page(this.fetchPage, await this.fetchPage(this.nextCursor));
  }

  /** This page and every following one. */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let page: Page<T> | null = this;
    while (page) {
      yield page;
      page = await page.nextPage();
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.data;
  }
}

/**
 * What `list()` returns: awaitable (→ the first Page) and async-iterable (→ every record). Nothing
 * is fetched until it is awaited or iterated; the first page is fetched once however it is used.
 */
export class PageRequest<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  private first: Promise<Page<T>> | undefined;

  constructor(private readonly fetchPage: PageFetcher<T>) {}

  /** The first page (`data`, `nextCursor`, `hasMore`, `total`). */
  firstPage(): Promise<Page<T>> {
    this.first ??= this.fetchPage(undefined).then((body) => new Page(this.fetchPage, body));
    return this.first;
  }

  then<A = Page<T>, B = never>(
    onFulfilled?: ((page: Page<T>) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.firstPage().then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<Page<T> | B> {
    return this.firstPage().catch(onRejected);
  }

  /** Every page in turn. */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    yield* (await this.firstPage()).pages();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    yield* await this.firstPage();
  }

  /** Every record (up to `max`) in one array. */
  async toArray(max = Infinity): Promise<T[]> {
    const records: T[] = [];
    if (max <= 0) return records;
    for await (const record of this) {
      records.push(record);
      if (records.length >= max) break;
    }
    return records;
  }
}
