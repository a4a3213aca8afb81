/**
 * Reading an action's parameters from the request body: right types, bounded sizes, a
 * clear BAD_REQUEST otherwise. Nothing past here sees unchecked input.
 */
import { badRequest } from '../errors';
import { isValidUsername } from '../accounts';
import { MAX_CODE_INPUT_LENGTH } from '../rules';
import { t } from '../messages';

/** The parsed body of a request (action and parameters), unchecked. */
export type Params = Readonly<Record<string, unknown>>;

/** Text parameter `name`, undefined when absent; BAD_REQUEST when not text or longer than `maxLength`. */
export function optionalString(params: Params, name: string, maxLength: number): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(t('param.notText', { name }));
  if (value.length > maxLength) throw badRequest(t('param.tooLong', { name, count: maxLength }));
  return value;
}

/** Text parameter `name`; BAD_REQUEST when absent, not text or too long. */
export function requiredString(params: Params, name: string, maxLength: number): string {
  const value = optionalString(params, name, maxLength);
  if (value === undefined) throw badRequest(t('param.required', { name }));
  return value;
}

/** A security code as typed: text (or a number from a careless client), at most 16 characters. */
export function optionalCode(params: Params, name: string): string | undefined {
  const value = params[name];
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 1e6)
    return String(value).padStart(6, '0');
  return optionalString(params, name, MAX_CODE_INPUT_LENGTH);
}

/** A security code parameter that must be present. */
export function requiredCode(params: Params, name: string): string {
  const value = optionalCode(params, name);
  if (value === undefined) throw badRequest(t('param.codeRequired', { name }));
  return value;
}

/** A `true` / `false` parameter that must be present. */
export function requiredBoolean(params: Params, name: string): boolean {
  const value = params[name];
  if (typeof value !== 'boolean') throw badRequest(t('param.notBoolean', { name }));
  return value;
}

/** A whole-number parameter from `min` to `max`, undefined when absent. */
export function optionalInteger(params: Params, name: string, min: number, max: number): number | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw badRequest(t('param.notInteger', { name, min, max }));
  }
  return value;
}

/** A list of distinct, well-formed usernames. */
export function requiredUsers(params: Params, name: string, maxCount: number): string[] {
  const value = params[name];
  if (!Array.isArray(value) || value.length === 0) throw badRequest(t('param.noAccounts', { name }));
  if (value.length > maxCount) throw badRequest(t('param.tooManyAccounts', { name, count: maxCount }));
  const users: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string' || !isValidUsername(item)) throw badRequest(t('param.badAccountName', { name }));
    if (!users.includes(item)) users.push(item);
  }
  return users;
}
