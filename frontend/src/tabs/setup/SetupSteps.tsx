import type { ComponentChildren } from 'preact';
import type { Enrollment } from '../../api';
import { rich, t } from '../../i18n';

const strong = (s: string) => <strong>{s}</strong>;

/** The article's steps on screen: install an app, add the account (the key panel), enter the code. */
export function SetupSteps(props: { enrollment: Enrollment; replacing: boolean; children: ComponentChildren }) {
  const { enrollment } = props;
  return (
    <>
      {props.replacing ? <p class="alert alert-info">{t('setup.replacingInfo')}</p> : null}
      <ol class="whm2fa-steps">
        <li>{rich('setup.step1', {}, { strong })}</li>
        <li>
          {rich('setup.step2', {}, { strong })}
          {props.children}
        </li>
        <li>{rich('setup.step3', { issuer: enrollment.issuer, account: enrollment.account }, { strong })}</li>
      </ol>
    </>
  );
}
