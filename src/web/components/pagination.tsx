/** Page controls under a list: "1–100 of 12,345", page size, first/previous/next/last. Pages count from 1. */
export const PAGE_SIZES = [25, 50, 100, 250, 500] as const;

export function Pagination({
  page,
  perPage,
  total,
  onPage,
  onPerPage,
}: {
  page: number;
  perPage: number;
  total: number | undefined;
  onPage(page: number): void;
  onPerPage(perPage: number): void;
}) {
  const pages = total === undefined ? undefined : Math.max(1, Math.ceil(total / perPage));
  const first = total === 0 ? 0 : (page - 1) * perPage + 1;
  const last = total === undefined ? page * perPage : Math.min(total, page * perPage);
  return (
    <nav className="pagination" aria-label="Pages">
      <span aria-live="polite">
        {total === undefined
          ? '…'
          : `${first.toLocaleString()}–${last.toLocaleString()} of ${total.toLocaleString()}`}
      </span>
      <div className="pages">
        <label className="muted" htmlFor="per-page">
          Per page
        </label>
        <select
          id="per-page"
          className="select"
          value={perPage}
          onChange={(e) => onPerPage(Number(e.target.value))}
        >
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn btn-sm"
          disabled={page <= 1}
          onClick={() => onPage(1)}
          aria-label="First page"
        >
          «
        </button>
        <button
          type="button"
          className="btn btn-sm"
          disabled={page <= 1}
          onClick={() => onPage(page - 1)}
          aria-label="Previous page"
        >
          ‹ Prev
        </button>
        <span>
          Page {page.toLocaleString()}
          {pages !== undefined && ` of ${pages.toLocaleString()}`}
        </span>
        <button
          type="button"
          className="btn btn-sm"
          disabled={pages !== undefined && page >= pages}
          onClick={() => onPage(page + 1)}
          aria-label="Next page"
        >
          Next ›
        </button>
        <button
          type="button"
          className="btn btn-sm"
          disabled={pages === undefined || page >= pages}
          onClick={() => pages !== undefined && onPage(pages)}
          aria-label="Last page"
        >
          »
        </button>
      </div>
    </nav>
  );
}
