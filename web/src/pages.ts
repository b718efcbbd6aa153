// W2: the API's lists come a page at a time: `{ items, nextCursor }`, with `limit` and `cursor` in
// the query. Screens that show a whole range (a calendar's week) read every page; long lists (the
// till's tickets, the activity log) read one and offer "Show more" (LoadMore).
import { api, query } from "./api.js";

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The most rows the API gives in one page. */
export const MOST_PER_PAGE = 200;

type Params = Record<string, string | number | undefined | null>;

/** Every row of a list, page after page. */
export async function allPages<T>(path: string, params: Params = {}): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await api.get<Page<T>>(
      `${path}${query({ ...params, limit: MOST_PER_PAGE, cursor })}`,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** One page of a list, for useInfiniteQuery: `pagedQuery(path, params)` gives queryFn and its cursor. */
export function pagedQuery<T>(path: string, params: Params, limit = 50) {
  return {
    queryFn: ({ pageParam }: { pageParam: string | null }) =>
      api.get<Page<T>>(`${path}${query({ ...params, limit, cursor: pageParam })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last: Page<T>) => last.nextCursor,
  };
}
