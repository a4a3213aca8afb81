/**
 * The tabs only root and resellers open when they manage others: loaded on demand, when
 * one of them is first opened, so a page that shows only "Manage my Account" does not
 * carry them (docs/decisions/page-split.md).
 */
export { Users } from './tabs/Users';
export { Settings } from './tabs/Settings';
export { Activity } from './tabs/Activity';
