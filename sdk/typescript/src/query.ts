// Query strings in the API's filter grammar (CONTRACT §2.5): `field=v`, `field=a,b` (any of),
// `field[op]=v`; booleans as true/false, dates as ISO 8601, `sort` as a comma-separated list.

type Scalar = string | number | boolean | Date;
export type QueryValue = Scalar | null | undefined | readonly Scalar[] | { readonly [op: string]: unknown };
export type Query = Record<string, unknown>;

function scalar(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(scalar).join(",");
  return String(value);
}

export function appendQuery(search: URLSearchParams, query: Query | undefined): void {
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    if (typeof value === "object" && !Array.isArray(value) && !(value instanceof Date)) {
      for (const [op, operand] of Object.entries(value)) {
        if (operand !== undefined) search.append(`${name}[${op}]`, scalar(operand));
      }
    } else {
      search.append(name, scalar(value));
    }
  }
}
