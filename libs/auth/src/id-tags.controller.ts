import { Controller, Inject, Logger } from '@nestjs/common';
import { Answers } from '#csms/bus';
import { ok, refuse, type ServiceReply } from '#csms/http';
import { IdTagsService, type IdTagInput, type IdTagView } from './id-tags.service.js';
import { LocalAuthListService } from './local-auth-list.service.js';
import * as verbs from './verbs.js';

const notFound = (idTag: string): ServiceReply<never> => refuse(404, 'not_found', `idTag ${idTag} does not exist`);

/** idTag CRUD for the HTTP API (bodies already validated by the API's DTOs). */
@Controller()
export class IdTagsController {
  private readonly log = new Logger('IdTags');

  constructor(
    @Inject(IdTagsService) private readonly idTags: IdTagsService,
    @Inject(LocalAuthListService) private readonly lists: LocalAuthListService,
  ) {}

  /**
   * Chargers' local lists follow the change after the API answered: a charger may take up to the command timeout.
   * A change not delivered is recorded and made good by a Full update at the charger's next connect.
   */
  private changed(before: IdTagView | undefined, after: IdTagView | undefined): void {
    if (!before?.group && !after?.group) return;
    this.lists
      .tagChanged(before, after)
      .catch((err: unknown) => this.log.warn(`local list update failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  @Answers(verbs.createIdTag)
  async create(body: IdTagInput & { idTag: string }): Promise<ServiceReply<IdTagView>> {
    const created = await this.idTags.create(body.idTag, body);
    if (created) this.changed(undefined, created);
    return created ? ok(created) : refuse(409, 'id_tag_exists', `idTag ${body.idTag} already exists (idTags compare case-insensitively)`);
  }

  @Answers(verbs.listIdTags)
  async list(body: {
    limit?: number;
    offset?: number;
    group?: string;
  }): Promise<ServiceReply<{ items: IdTagView[]; total: number; limit: number; offset: number }>> {
    return ok(await this.idTags.list(body.limit ?? 100, body.offset ?? 0, body.group));
  }

  @Answers(verbs.getIdTag)
  async get(body: { idTag: string }): Promise<ServiceReply<IdTagView>> {
    const tag = await this.idTags.find(body.idTag);
    return tag ? ok(tag) : notFound(body.idTag);
  }

  @Answers(verbs.replaceIdTag)
  async replace(body: IdTagInput & { idTag: string }): Promise<ServiceReply<IdTagView>> {
    const before = await this.idTags.find(body.idTag);
    const tag = await this.idTags.replace(body.idTag, body);
    if (tag) this.changed(before, tag);
    return tag ? ok(tag) : notFound(body.idTag);
  }

  @Answers(verbs.deleteIdTag)
  async remove(body: { idTag: string }): Promise<ServiceReply<{ deleted: true }>> {
    const before = await this.idTags.find(body.idTag);
    if (!(await this.idTags.remove(body.idTag))) return notFound(body.idTag);
    this.changed(before, undefined);
    return ok({ deleted: true });
  }
}
