// Fake `uapi --user=U TwoFactorAuth …`, run as root on behalf of U, with UAPI's envelope.
// After a successful set/remove it runs the `Cpanel` hooks of that call as cPanel does: as
// the user (unless registered with escalateprivs), with `{args, result, user}` as data,
// and each hook's `1 message` text added to the result's messages.
import {
  cpanelAcceptsCode,
  faultFor,
  fireHooks,
  misbehave,
  issuerFor,
  apiArguments,
  raceAtStart,
  print,
  readJsonObject,
  readText,
  treePaths,
  withFileLock,
  writeJsonPrivate,
} from './lib.mjs';
import { join } from 'node:path';

function envelope(module, func, status, data, errors) {
  return {
    apiversion: 3,
    func,
    module,
    result: { data: data ?? null, errors: errors ?? null, messages: null, metadata: {}, status, warnings: null },
  };
}

function hasFeature(paths, user) {
  const text = readText(join(paths.usersDir, user));
  if (text === '') return false;
  // FEATURE-TWOFACTORAUTH=0 in the user file turns the feature off.
  return !/^FEATURE-TWOFACTORAUTH=0$/m.test(text);
}

export function main(root, argv) {
  const { positional, params, flags } = apiArguments(argv);
  const paths = treePaths(root);
  const user = typeof flags.user === 'string' ? flags.user : '';
  const [module, func] = positional;
  const show = (answer) =>
    flags.output === 'json' ? print(answer) : process.stdout.write(`---\n${JSON.stringify(answer, null, 2)}\n`);
  const say = (answer) => {
    if (answer.result.status === 1 && (func === 'set_user_configuration' || func === 'remove_user_configuration')) {
      const fired = fireHooks(
        paths,
        'Cpanel',
        `UAPI::TwoFactorAuth::${func}`,
        'post',
        { args: params, result: answer.result.data, user },
        user,
      );
      const texts = fired.map((f) => f.message).filter((m) => m !== '');
      if (texts.length > 0) answer.result.messages = [...(answer.result.messages ?? []), ...texts];
    }
    misbehave(paths, faultFor(paths, `uapi:${func}`));
    show(answer);
  };
  if (user === '' || readText(join(paths.usersDir, user)) === '') {
    say(envelope(module, func, 0, null, [`The user "${user}" does not have a cPanel account.`]));
    return;
  }
  raceAtStart(paths, `uapi:${func}`);
  // UAPI takes flat arguments: a nested value is refused unless the function declares it.
  const nested = Object.keys(params).find((k) => params[k] !== null && typeof params[k] === 'object');
  if (nested !== undefined) {
    say(envelope(module, func, 0, null, [`The argument “${nested}” must be a scalar value.`]));
    return;
  }
  if (module !== 'TwoFactorAuth') {
    say(envelope(module, func, 0, null, [`Failed to load module "${module}".`]));
    return;
  }
  if (func === 'get_user_configuration') {
    const data = readJsonObject(paths.tfaUserdata);
    const enabled = Object.hasOwn(data, user) && data[user]?.secret ? 1 : 0;
    say(envelope(module, func, 1, enabled ? { is_enabled: 1, issuer: issuerFor(paths, user) } : { is_enabled: 0 }));
    return;
  }
  if (!hasFeature(paths, user)) {
    say(envelope(module, func, 0, null, ['This feature is not enabled for your account.']));
    return;
  }
  if (func === 'set_user_configuration') {
    const { secret, tfa_token: token } = params;
    if (!secret || !token || !cpanelAcceptsCode(secret, token)) {
      say(envelope(module, func, 0, null, ['Failed to set user configuration: The security code is invalid.']));
      return;
    }
    withFileLock(paths.tfaUserdata, () => {
      const data = readJsonObject(paths.tfaUserdata);
      data[user] = { secret };
      writeJsonPrivate(paths.tfaUserdata, data);
    });
    say(envelope(module, func, 1, { tfa_configured: 1 }));
    return;
  }
  if (func === 'remove_user_configuration') {
    withFileLock(paths.tfaUserdata, () => {
      const data = readJsonObject(paths.tfaUserdata);
      delete data[user];
      writeJsonPrivate(paths.tfaUserdata, data);
    });
    say(envelope(module, func, 1, { tfa_removed: 1 }));
    return;
  }
  say(envelope(module, func, 0, null, [`The function "${func}" does not exist in module "${module}".`]));
}
