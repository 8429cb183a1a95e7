import { Logger } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { type Bus } from '#csms/bus';
import { call } from '../call-service.js';
import type { ApiCaller } from './caller.js';
import { changesState } from './roles.js';
import { isProtectedPath, pathOf, type ApiRequest } from './http-request.js';
import * as auth from '#csms/auth/verbs';

/** One state-changing API request, as the audit log keeps it. */
export interface AuditEntry {
  at: string;
  actor: string;
  actorKind: ApiCaller['kind'];
  role: ApiCaller['role'];
  method: string;
  /** The route's pattern (`/api/v1/chargers/:id/commands/:action`). */
  route: string;
  /** The path as called (`/api/v1/chargers/ZAP1/commands/Reset`), without the query string. */
  path: string;
  chargerId?: string;
  status: number;
}

/** What the access guard leaves on a request for the audit trail: who, and which route. */
export const API_AUDIT = Symbol.for('csms.api-audit');
export interface AuditNote {
  caller: ApiCaller;
  route: string;
  chargerId?: string;
}
export interface RequestWithAudit {
  [API_AUDIT]?: AuditNote;
}

/**
 * Writes every state-changing /api/v1 request whose caller is known (allowed or refused with 403) to the
 * audit log once its answer is sent, with the answer's status. Requests refused with 401 have no caller to
 * name and are not written (a flood of them must not fill the database); they are counted in the HTTP
 * metrics instead. The log lives with the auth service (api.auth.recordAudit), which has the database.
 */
export class AuditTrail {
  private readonly log = new Logger('Audit');

  constructor(private readonly bus: Bus) {}

  /** Express middleware: hooks the answer of each request that changes state. */
  readonly watch = (req: ApiRequest & RequestWithAudit, res: ServerResponse, next: () => void): void => {
    const path = pathOf(req);
    if (changesState(req.method ?? 'GET') && isProtectedPath(path)) {
      const at = new Date().toISOString();
      res.once('finish', () => {
        const note = req[API_AUDIT];
        if (!note) return;
        void this.record({
          at,
          actor: note.caller.name,
          actorKind: note.caller.kind,
          role: note.caller.role,
          method: req.method ?? '',
          route: note.route,
          path,
          chargerId: note.chargerId,
          status: res.statusCode,
        });
      });
    }
    next();
  };

  async record(entry: AuditEntry): Promise<void> {
    try {
      await call(this.bus, auth.recordAudit, entry, 5_000);
    } catch (err) {
      // The request itself is done; the line below keeps the entry in the process log.
      this.log.error(`audit entry not stored (${err instanceof Error ? err.message : String(err)}): ${JSON.stringify(entry)}`);
    }
  }
}
