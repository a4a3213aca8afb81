import type { Caller } from './access';
import type { CpanelBridge } from './cpanel';
import type { ServerPaths } from './paths';

/** Everything one request (or one command-line run) acts with. Time is a parameter. */
export interface RequestContext {
  readonly paths: ServerPaths;
  readonly caller: Caller;
  /** The client's address for the audit trail; "" for the command line. */
  readonly ip: string;
  readonly epochSeconds: number;
  readonly cpanel: CpanelBridge;
}
