/**
 * The tabs only root and resellers open when they manage others: loaded on demand, when
 * one of them is first opened, so a page that shows only "Manage my Account" does not
 * carry them (docs/decisions/page-split.md). Their English words come with them.
 */
import { addEnglish } from './i18n';
import admin from '../../locales/en/admin.json';

addEnglish(admin);
export { Users } from './tabs/Users';
export { Settings } from './tabs/Settings';
export { Activity } from './tabs/Activity';
