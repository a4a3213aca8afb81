import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Confirmed, type Label, type Status } from '../api';
import { LockNotice, Notice, Problem, useLockEnd, useSecondsLeft } from '../components/Problem';
import { entryName } from '../messages';
import { listen } from '../setupChannel';
import { AdminRemoved, LostDevice } from './account/Guidance';
import { OwnState } from './account/OwnState';
import { RemoveOwn } from './account/RemoveOwn';
import { CodesLeft, NewCodes, ShownCodes } from './account/RecoveryCodes';
import { t } from '../i18n';

type Mode = 'view' | 'setup' | 'reconfigure';
type SetupModule = typeof import('./Setup');

/** After a reconfigure: the old key's entry to delete, named as the app shows it, or said to be unknown. */
function replacedText(done: Confirmed, now: Label): string {
  const old = done.replaced;
  if (!old) return t('mine.replacedUnnamed');
  const name = entryName(old);
  return name === entryName(now) ? t('mine.replacedSameName', { name }) : t('mine.replacedNamed', { name });
}

/** "Manage my Account": the caller's own 2FA — set up, reconfigure, remove. */
export function MyAccount(props: { status: Status; onChanged: () => void }) {
  const { status } = props;
  const [mode, setMode] = useState<Mode>('view');
  const [removing, setRemoving] = useState(false);
  const [regenerating, setRegenerating] = useState(false);
  // New recovery codes, in this component's memory only: shown until the user says they are saved.
  const [codes, setCodes] = useState<readonly string[] | undefined>();
  const [notice, setNotice] = useState<{ text: string; tone?: 'warning' } | undefined>();
  // The set-up screens come with the first set-up or reconfigure (docs/decisions/page-split.md).
  const [setup, setSetup] = useState<SetupModule | undefined>();
  const [loadError, setLoadError] = useState<ApiError | undefined>();
  useEffect(() => {
    if (mode === 'view' || setup !== undefined) return;
    setLoadError(undefined);
    import('./Setup').then(setSetup, () => setLoadError(new ApiError('NETWORK', t('error.partNotLoaded'))));
  }, [mode, setup]);
  // Back from a setup (Cancel, Back): focus goes to this heading, not to <body>.
  const [back, setBack] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (back > 0) heading.current?.focus();
  }, [back]);
  // A lock that ends resets the attempts: status says so, not the lock's "0 attempts left".
  useLockEnd(status.lockedUntil, props.onChanged);
  // While locked no code can be checked, so no new key is made: the buttons wait for the lock's end.
  const locked = useSecondsLeft(status.lockedUntil) > 0;
  // A setup finished in another tab of this browser shows here at once.
  useEffect(
    () =>
      listen(status.user, (e) => {
        if (e.kind === 'done') props.onChanged();
      }),
    [],
  );

  const finished = (text: string, tone?: 'warning', warning?: string, made?: readonly string[]) => {
    setMode('view');
    setRemoving(false);
    setRegenerating(false);
    setCodes(made);
    // A server warning (its own records not updated) is shown with the result, as a warning.
    const full = warning === undefined ? text : `${text} ${warning}`;
    setNotice(tone === undefined && warning === undefined ? { text: full } : { text: full, tone: 'warning' });
    props.onChanged();
  };

  if (mode !== 'view' && setup === undefined) {
    return loadError === undefined ? <p aria-busy="true">{t('app.loading')}</p> : <Problem error={loadError} />;
  }
  if (mode !== 'view' && setup !== undefined) {
    return (
      <setup.Setup
        status={status}
        replacing={mode === 'reconfigure'}
        onCancel={() => {
          setMode('view');
          setNotice(undefined);
          setBack(back + 1);
        }}
        onChanged={props.onChanged}
        onDone={(done, key) =>
          finished(
            mode === 'reconfigure'
              ? replacedText(done, key)
              : status.policyEnabled
                ? t('mine.setUpOn')
                : status.isRoot
                  ? t('mine.setUpPolicyOffRoot')
                  : t('mine.setUpPolicyOff'),
            undefined,
            done.warning,
            done.recoveryCodes,
          )
        }
      />
    );
  }
  return (
    <section aria-labelledby="whm2fa-mine-title">
      <h2 id="whm2fa-mine-title" tabIndex={-1} ref={heading}>
        {t('mine.heading', { user: status.user })}
      </h2>
      <Notice text={notice?.text} tone={notice?.tone} />
      {codes === undefined ? null : <ShownCodes user={status.user} codes={codes} onDone={() => setCodes(undefined)} />}
      <AdminRemoved status={status} />
      {status.lockedUntil === null ? null : <LockNotice until={status.lockedUntil} />}
      {locked && status.enabled ? <p>{t('mine.lockedStillWorks')}</p> : null}
      <OwnState
        status={status}
        locked={locked}
        quiet={notice !== undefined}
        onSetup={() => setMode('setup')}
        onReconfigure={() => setMode('reconfigure')}
        onRemove={() => setRemoving(true)}
      />
      <CodesLeft status={status} locked={locked} onNew={() => setRegenerating(true)} />
      <LostDevice status={status} />
      {regenerating ? (
        <NewCodes
          status={status}
          onClose={() => setRegenerating(false)}
          onChanged={props.onChanged}
          onDone={(made, warning) => finished(t('mine.newCodesMade'), undefined, warning, made)}
        />
      ) : null}
      {removing ? (
        <RemoveOwn
          status={status}
          onClose={() => setRemoving(false)}
          onChanged={props.onChanged}
          onReconfigure={() => {
            setRemoving(false);
            setMode('reconfigure');
          }}
          onDone={(warning) => finished(t('mine.removed'), 'warning', warning)}
        />
      ) : null}
    </section>
  );
}
