import { Controller, Inject } from '@nestjs/common';
import { Answers } from '#csms/bus';
import { ok, refuse, type AuditEntry, type KnownApiToken, type Role, type ServiceReply } from '#csms/http';
import { ApiAccessStore, DuplicateTokenNameError, type ApiTokenView, type AuditQuery, type AuditRecord, type CreatedApiToken } from './api-access.store.js';
import * as verbs from '../verbs.js';

/** The gateway's questions about API tokens and the audit log (api.auth.*): auth holds the tables. */
@Controller()
export class ApiAccessController {
  constructor(@Inject(ApiAccessStore) private readonly store: ApiAccessStore) {}

  @Answers(verbs.verifyApiToken)
  async verify(body: { tokenHash: string }): Promise<ServiceReply<KnownApiToken | null>> {
    return ok((await this.store.verify(String(body.tokenHash))) ?? null);
  }

  @Answers(verbs.createApiToken)
  async create(body: { name: string; role: Role; createdBy?: string }): Promise<ServiceReply<CreatedApiToken>> {
    try {
      const created = await this.store.createToken(body.name, body.role, body.createdBy ?? null);
      if (!created) throw new Error('token not stored');
      return ok(created);
    } catch (err) {
      if (err instanceof DuplicateTokenNameError) {
        return refuse(409, 'duplicate_name', `an active token is already named ${body.name}`, [
          { field: 'name', rule: 'unique', message: 'must not be the name of an active token' },
        ]);
      }
      throw err;
    }
  }

  @Answers(verbs.listApiTokens)
  async list(): Promise<ServiceReply<{ items: ApiTokenView[] }>> {
    return ok({ items: await this.store.listTokens() });
  }

  @Answers(verbs.revokeApiToken)
  async revoke(body: { id: string }): Promise<ServiceReply<{ id: string; revoked: true }>> {
    if (!(await this.store.revokeToken(body.id))) return refuse(404, 'not_found', `no active API token ${body.id}`);
    return ok({ id: body.id, revoked: true });
  }

  @Answers(verbs.recordAudit)
  async record(entry: AuditEntry): Promise<ServiceReply<{ stored: true }>> {
    await this.store.recordAudit(entry);
    return ok({ stored: true });
  }

  @Answers(verbs.listAudit)
  async audit(query: AuditQuery): Promise<ServiceReply<{ items: AuditRecord[] }>> {
    return ok({ items: await this.store.listAudit(query) });
  }
}
