import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { Submit } from './Submit';
import { t } from '../i18n';

/**
 * A modal dialog: labelled by its title, focus moved in on open and back on close,
 * Tab kept inside, Escape closes. While it is open everything else on the page is made
 * inert and hidden from assistive technology, so the only "Remove Two-Factor
 * Authentication" button anyone can reach is the dialog's. A dialog taller than the window
 * (a phone, 400% zoom) focuses its title instead, so it opens at its top.
 */
export function Dialog(props: { title: string; onClose: () => void; children: ComponentChildren }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const hidden = box.current === null ? [] : hideOthers(box.current);
    // The safe choice (Cancel, Keep it on) first where there is one, not the dangerous button.
    const first =
      (box.current?.getBoundingClientRect().bottom ?? 0) > innerHeight
        ? box.current?.querySelector('h2')
        : (box.current?.querySelector<HTMLElement>('[data-safe]') ??
          box.current?.querySelector<HTMLElement>('input, textarea, select, button'));
    first?.focus();
    return () => {
      for (const el of hidden) {
        el.removeAttribute('aria-hidden');
        el.removeAttribute('inert');
      }
      opener?.focus();
    };
  }, []);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      props.onClose();
      return;
    }
    if (e.key !== 'Tab' || box.current === null) return;
    const items = Array.from(
      box.current.querySelectorAll<HTMLElement>('input, textarea, select, button, a[href]'),
    ).filter((el) => !(el as HTMLButtonElement).disabled);
    const first = items[0];
    const last = items[items.length - 1];
    if (first === undefined || last === undefined) return;
    if (e.shiftKey && (document.activeElement === first || document.activeElement?.tagName === 'H2')) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  return (
    <div class="whm2fa-backdrop">
      <div
        class="modal-dialog whm2fa-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="whm2fa-dialog-title"
        ref={box}
        onKeyDown={onKeyDown}
      >
        <div class="modal-content">
          <div class="modal-header">
            <h2 class="modal-title" id="whm2fa-dialog-title" tabIndex={-1}>
              {props.title}
            </h2>
          </div>
          <div class="modal-body">{props.children}</div>
        </div>
      </div>
    </div>
  );
}

/** Hides every element of the page that is not the dialog or one of its ancestors. */
function hideOthers(dialog: HTMLElement): HTMLElement[] {
  const hidden: HTMLElement[] = [];
  for (
    let node: HTMLElement = dialog;
    node.parentElement !== null && node !== document.body;
    node = node.parentElement
  ) {
    for (const sibling of Array.from(node.parentElement.children)) {
      if (sibling === node || !(sibling instanceof HTMLElement) || sibling.hasAttribute('aria-hidden')) continue;
      if (sibling.tagName === 'SCRIPT' || sibling.tagName === 'STYLE' || sibling.tagName === 'LINK') continue;
      sibling.setAttribute('aria-hidden', 'true');
      sibling.setAttribute('inert', '');
      hidden.push(sibling);
    }
  }
  return hidden;
}

/** The confirm and cancel buttons of a removal dialog; `disabled` while a lock lasts. */
export function RemoveActions(props: { busy: boolean; disabled?: boolean; onCancel: () => void }) {
  return (
    <p>
      <Submit class="btn-danger" busy={props.busy} busyText={t('remove.busy')} disabled={props.disabled}>
        {t('remove.button')}
      </Submit>{' '}
      <button type="button" class="btn btn-default" data-safe onClick={props.onCancel}>
        {t('common.cancel')}
      </button>
    </p>
  );
}
