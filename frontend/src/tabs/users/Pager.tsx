/** Previous / Next through pages of accounts, with "Page N of M"; nothing when there is one page. */
export function Pager(props: { current: number; pages: number; onPage: (page: number) => void }) {
  const { current, pages } = props;
  if (pages <= 1) return null;
  return (
    <nav aria-label="Account pages" class="whm2fa-pager">
      <button type="button" class="btn btn-default" disabled={current === 0} onClick={() => props.onPage(current - 1)}>
        Previous
      </button>
      <span>
        Page {current + 1} of {pages}
      </span>
      <button
        type="button"
        class="btn btn-default"
        disabled={current >= pages - 1}
        onClick={() => props.onPage(current + 1)}
      >
        Next
      </button>
    </nav>
  );
}
