import { AppException, isUuid, type Principal } from '#common';
import type { Tx } from '../database/unit-of-work.js';
import { CampaignStatePolicy, type CampaignAction } from './campaign-state.js';
import type { CampaignRow, CampaignsRepository } from './campaigns.repository.js';
import { toCampaignView } from './dtos/campaign.view.js';

/** The campaign (locked when an action is checked), 404 when it is not this tenant's, 409 when the action is not allowed now. */
export async function loadCampaign(
  campaigns: CampaignsRepository,
  tx: Tx,
  id: string,
  action?: CampaignAction,
  lock = action !== undefined,
): Promise<CampaignRow> {
  const c = isUuid(id) ? await campaigns.find(tx, id.toLowerCase(), lock) : undefined;
  if (!c) throw AppException.notFound('Campaign');
  if (action) CampaignStatePolicy.check(c.status, action);
  return c;
}

/** Reads the campaign in a read-only tenant transaction and maps it with `view` (404 when it is not this tenant's). */
export function readCampaign<T>(
  campaigns: CampaignsRepository,
  p: Principal,
  id: string,
  view: (tx: Tx, c: CampaignRow) => T | Promise<T>,
): Promise<T> {
  return campaigns.uow.tenant(p.tenantId, async (tx) => view(tx, await loadCampaign(campaigns, tx, id)), { readOnly: true });
}

/**
 * One state change: in a tenant transaction, the campaign locked and checked for `action`
 * (CampaignStatePolicy, 409 otherwise), then `change` writes it; answers the campaign's view.
 */
export async function changeCampaign(
  campaigns: CampaignsRepository,
  p: Principal,
  id: string,
  action: CampaignAction,
  change: (tx: Tx, c: CampaignRow) => Promise<CampaignRow>,
) {
  return toCampaignView(await campaigns.uow.tenant(p.tenantId, async (tx) => change(tx, await loadCampaign(campaigns, tx, id, action))));
}
