/** The account filter and the bulk removal button, which counts exactly the checked accounts. */
export function Toolbar(props: {
  filter: string;
  onFilter: (value: string) => void;
  checked: string[];
  onRemove: (users: string[]) => void;
}) {
  return (
    <div class="whm2fa-toolbar">
      <div class="form-group">
        <label for="whm2fa-filter" class="control-label">
          Filter accounts
        </label>
        <input
          id="whm2fa-filter"
          class="form-control"
          type="search"
          value={props.filter}
          onInput={(e) => props.onFilter((e.currentTarget as HTMLInputElement).value)}
        />
      </div>
      <button
        type="button"
        class="btn btn-danger"
        disabled={props.checked.length === 0}
        onClick={() => props.onRemove(props.checked)}
      >
        Remove Two-Factor Authentication ({props.checked.length} selected)
      </button>
    </div>
  );
}
