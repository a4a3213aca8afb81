import { useRef, useState } from 'preact/hooks';
import type { RefObject } from 'preact';
import type { ApiError } from './api';
import { t } from './i18n';
import { CODE_PATTERN, cleanCode } from '../../plugin/src/rules';

/** The state of a form with one or more security code fields, named as the API names them. */
export interface CodeForm<F extends string> {
  readonly values: Record<F, string>;
  readonly errors: Partial<Record<F, string>>;
  readonly refs: Record<F, RefObject<HTMLInputElement>>;
  /** What the Problem alert names first: which codes were refused, when there are several fields. */
  readonly lead: string | undefined;
  set(field: F, value: string): void;
  /** The cleaned codes, or undefined after marking and focusing each that is not six digits. */
  checked(): Record<F, string> | undefined;
  /** Marks, clears and focuses the fields a refusal names; leaves the others as typed. */
  refused(error: ApiError): void;
}

/**
 * Security code fields with their own errors: an empty or non-digit entry is caught here
 * (never sent, never the clock-drift hint), and a refusal clears only the field it names.
 * `names` says what each field is where there are several, e.g. `{ code: 'the code from the new device' }`.
 */
export function useCodeForm<F extends string>(names: Record<F, string>): CodeForm<F> {
  const fields = Object.keys(names) as F[];
  const blank = () => Object.fromEntries(fields.map((f) => [f, ''])) as Record<F, string>;
  const [values, setValues] = useState(blank);
  const [errors, setErrors] = useState<Partial<Record<F, string>>>({});
  const [lead, setLead] = useState<string | undefined>();
  const refs = Object.fromEntries(fields.map((f) => [f, useRef<HTMLInputElement>(null)])) as Record<
    F,
    RefObject<HTMLInputElement>
  >;
  const mark = (bad: Partial<Record<F, string>>, clear: boolean) => {
    const named = fields.filter((f) => bad[f] !== undefined);
    setErrors(bad);
    const [one, two] = named;
    setLead(
      fields.length < 2 || one === undefined
        ? undefined
        : two === undefined
          ? t('code.notAcceptedOne', { code: names[one] })
          : t('code.notAcceptedTwo', { first: names[one], second: names[two] }),
    );
    if (clear) setValues((old) => ({ ...old, ...Object.fromEntries(named.map((f) => [f, ''])) }));
    const first = named[0];
    if (first !== undefined) setTimeout(() => refs[first].current?.focus());
  };
  return {
    values,
    errors,
    refs,
    lead,
    set: (field, value) => setValues((old) => ({ ...old, [field]: value })),
    checked() {
      const clean = Object.fromEntries(fields.map((f) => [f, cleanCode(values[f])])) as Record<F, string>;
      const bad = Object.fromEntries(
        fields.filter((f) => !CODE_PATTERN.test(clean[f])).map((f) => [f, t('code.malformed')]),
      ) as Partial<Record<F, string>>;
      mark(bad, false);
      return Object.keys(bad).length === 0 ? clean : undefined;
    },
    refused(error) {
      const text = error.code === 'CODE_REPLAYED' ? t('code.fieldReplayed') : t('code.fieldRefused');
      const named = error.fields.filter((f): f is F => fields.includes(f as F));
      mark(Object.fromEntries(named.map((f) => [f, text])) as Partial<Record<F, string>>, true);
    },
  };
}
