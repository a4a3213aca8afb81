import { useLayoutEffect, useRef } from 'preact/hooks';
import { t } from '../../i18n';

/**
 * Previous / Next through pages of accounts, with "Page N of M"; nothing when there is one
 * page. The button that disables itself at the first or last page hands focus to the
 * other one, so focus never drops to <body>.
 */
export function Pager(props: { current: number; pages: number; onPage: (page: number) => void }) {
  const { current, pages } = props;
  const prev = useRef<HTMLButtonElement>(null);
  const next = useRef<HTMLButtonElement>(null);
  const moved = useRef(false);
  useLayoutEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    if (current === 0) next.current?.focus();
    else if (current >= pages - 1) prev.current?.focus();
  }, [current]);
  if (pages <= 1) return null;
  const go = (page: number) => {
    moved.current = true;
    props.onPage(page);
  };
  return (
    <nav aria-label={t('pager.label')} class="whm2fa-pager">
      <button type="button" class="btn btn-default" ref={prev} disabled={current === 0} onClick={() => go(current - 1)}>
        {t('pager.previous')}
      </button>
      <span>{t('pager.page', { page: current + 1, pages })}</span>
      <button
        type="button"
        class="btn btn-default"
        ref={next}
        disabled={current >= pages - 1}
        onClick={() => go(current + 1)}
      >
        {t('pager.next')}
      </button>
    </nav>
  );
}
