import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import type { Tx } from '../database/unit-of-work.js';
import type { DeliveryContentDto } from './dtos/send-delivery.dto.js';

/** A send's content, and the template version pinned when it was accepted (sends since then). */
export type GroupSendContent = DeliveryContentDto & { pinnedTemplate?: { id: string; version: number } };

export interface GroupSendRow {
  id: string;
  group_id: string;
  content: GroupSendContent;
  principal: Principal;
  cursor_id: string | null;
}

/** `contact_group_sends`: a send to a group larger than one batch, expanded by its job page by page. */
@Injectable()
export class GroupSendsRepository {
  async insert(
    tx: Tx,
    s: { id: string; groupId: string; content: GroupSendContent; principal: Principal; targeted: number },
  ): Promise<void> {
    await tx.exec(
      `INSERT INTO contact_group_sends (id, tenant_id, group_id, content, principal, targeted) VALUES ($1, $2, $3, $4, $5, $6)`,
      [s.id, tx.tenantId, s.groupId, JSON.stringify(s.content), JSON.stringify(s.principal), s.targeted],
    );
  }

  /** The send, locked for this round, while it is still expanding. */
  lockExpanding(tx: Tx, id: string): Promise<GroupSendRow | undefined> {
    return tx.one<GroupSendRow>(
      `SELECT id, group_id, content, principal, cursor_id FROM contact_group_sends
       WHERE tenant_id = $1 AND id = $2 AND status = 'expanding' FOR UPDATE`,
      [tx.tenantId, id],
    );
  }

  async finish(tx: Tx, id: string, status: 'done' | 'failed', error: string | null): Promise<void> {
    await tx.exec(`UPDATE contact_group_sends SET status = $3, error = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [
      tx.tenantId,
      id,
      status,
      error,
    ]);
  }

  /** Moves the cursor past the page just accepted and counts it. */
  async advance(tx: Tx, id: string, p: { cursorAt: Date; cursorId: string; queued: number; withoutAddress: number }): Promise<void> {
    await tx.exec(
      `UPDATE contact_group_sends SET cursor_at = $3, cursor_id = $4, queued = queued + $5, without_address = without_address + $6, updated_at = now()
       WHERE tenant_id = $1 AND id = $2`,
      [tx.tenantId, id, p.cursorAt, p.cursorId, p.queued, p.withoutAddress],
    );
  }
}
