import { useEffect, useRef } from 'preact/hooks';

/**
 * A ref whose element takes focus when it appears and whenever `key` changes: after every
 * action, focus moves to the new step's heading or notice (give it `tabIndex={-1}`), so
 * keyboard and screen-reader users start where the page changed.
 */
export function useFocusHere<T extends HTMLElement>(key?: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [key]);
  return ref;
}
