/**
 * A form's submit button. While its request runs it says so (`busyText`, e.g. "Removing…")
 * and is busy and disabled for assistive technology, yet keeps the focus it has (a
 * disabled button would drop it to <body>): the form ignores a submit while busy.
 */
export function Submit(props: {
  busy: boolean;
  busyText: string;
  disabled?: boolean | undefined;
  class: string;
  children: string;
}) {
  return (
    <button
      type="submit"
      class={`btn ${props.class}`}
      disabled={props.disabled}
      aria-disabled={props.busy}
      aria-busy={props.busy}
    >
      {props.busy ? props.busyText : props.children}
    </button>
  );
}
