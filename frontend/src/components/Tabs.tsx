import type { ComponentChildren } from 'preact';

/** One tab: its id (also the URL hash), label and panel. */
export interface TabDef {
  id: string;
  label: string;
}

/** WAI-ARIA tabs with Bootstrap's nav-tabs look; arrow keys, Home and End move between tabs. */
export function Tabs(props: {
  tabs: TabDef[];
  active: string;
  onSelect: (id: string) => void;
  children: ComponentChildren;
}) {
  const move = (e: KeyboardEvent, index: number) => {
    const count = props.tabs.length;
    // The arrows move the way the tabs are drawn: right to left (Arabic), the next tab is on the left.
    const rtl = (e.currentTarget as HTMLElement).closest('[dir]')?.getAttribute('dir') === 'rtl';
    const forward = rtl ? 'ArrowLeft' : 'ArrowRight';
    const back = rtl ? 'ArrowRight' : 'ArrowLeft';
    const next =
      e.key === forward
        ? (index + 1) % count
        : e.key === back
          ? (index - 1 + count) % count
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? count - 1
              : -1;
    const tab = props.tabs[next];
    if (tab === undefined) return;
    e.preventDefault();
    props.onSelect(tab.id);
    document.getElementById(`whm2fa-tab-${tab.id}`)?.focus();
  };
  return (
    <div>
      <ul class="nav nav-tabs" role="tablist">
        {props.tabs.map((tab, index) => (
          <li role="presentation" class={tab.id === props.active ? 'active' : ''} key={tab.id}>
            <button
              type="button"
              role="tab"
              id={`whm2fa-tab-${tab.id}`}
              aria-selected={tab.id === props.active}
              aria-controls={`whm2fa-panel-${tab.id}`}
              tabIndex={tab.id === props.active ? 0 : -1}
              onClick={() => props.onSelect(tab.id)}
              onKeyDown={(e) => move(e, index)}
            >
              {tab.label}
            </button>
          </li>
        ))}
      </ul>
      <div
        class="tab-content"
        role="tabpanel"
        id={`whm2fa-panel-${props.active}`}
        aria-labelledby={`whm2fa-tab-${props.active}`}
        tabIndex={0}
      >
        {props.children}
      </div>
    </div>
  );
}
