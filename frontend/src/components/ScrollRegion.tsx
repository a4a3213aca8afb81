import type { ComponentChildren } from 'preact';

/**
 * A table too wide for its place scrolls inside this region (reachable by Tab and scrolled
 * with the arrow keys), never the whole page. On a phone the tables are a card per row
 * (app.css) and do not scroll at all.
 */
export function ScrollRegion(props: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-responsive" role="region" aria-label={props.label} tabIndex={0}>
      {props.children}
    </div>
  );
}
