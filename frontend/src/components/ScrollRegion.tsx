import type { ComponentChildren } from 'preact';

/**
 * A wide table on a narrow screen: it scrolls inside this region (reachable by Tab and
 * scrolled with the arrow keys), never the whole page, and a cue says there is more.
 */
export function ScrollRegion(props: { label: string; children: ComponentChildren }) {
  return (
    <div class="whm2fa-scroll">
      <p class="whm2fa-scroll-cue" aria-hidden="true">
        Scroll the table sideways for more columns →
      </p>
      <div class="table-responsive" role="region" aria-label={props.label} tabIndex={0}>
        {props.children}
      </div>
    </div>
  );
}
