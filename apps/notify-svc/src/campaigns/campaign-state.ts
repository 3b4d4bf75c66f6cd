import { AppException } from '#common';

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export type CampaignAction = 'edit' | 'delete' | 'launch' | 'pause' | 'resume' | 'cancel' | 'test';

/**
 * The campaign state machine, in one place:
 *
 *   draft ──launch──▶ scheduled (a schedule `at` / `local_time`) or running (`now`)
 *   scheduled ──(first recipient due)──▶ running ──(every recipient has a delivery)──▶ completed
 *   scheduled | running ──pause──▶ paused ──resume──▶ running
 *   draft | scheduled | running | paused ──cancel──▶ cancelled
 *
 * Edit and delete only before launch (draft): once launched, the template version and audience
 * are pinned. A test send is allowed in draft (and scheduled, before anything went out).
 * Anything else is 409 naming the status.
 */
export class CampaignStatePolicy {
  private static readonly ALLOWED: Record<CampaignAction, readonly CampaignStatus[]> = {
    edit: ['draft'],
    delete: ['draft', 'completed', 'cancelled'],
    launch: ['draft'],
    pause: ['scheduled', 'running'],
    resume: ['paused'],
    cancel: ['draft', 'scheduled', 'running', 'paused'],
    test: ['draft', 'scheduled'],
  };

  static can(status: CampaignStatus, action: CampaignAction): boolean {
    return CampaignStatePolicy.ALLOWED[action].includes(status);
  }

  /** Throws 409 when `action` is not allowed in `status`. */
  static check(status: CampaignStatus, action: CampaignAction): void {
    if (!CampaignStatePolicy.can(status, action)) {
      throw AppException.conflict(
        `A ${status} campaign cannot be ${PAST[action]} (allowed from: ${CampaignStatePolicy.ALLOWED[action].join(', ')})`,
      );
    }
  }

  /** The status an allowed action leads to (edit, delete and test do not move it). */
  static after(status: CampaignStatus, action: CampaignAction, opts: { immediate?: boolean } = {}): CampaignStatus {
    CampaignStatePolicy.check(status, action);
    switch (action) {
      case 'launch':
        return opts.immediate ? 'running' : 'scheduled';
      case 'pause':
        return 'paused';
      case 'resume':
        return 'running';
      case 'cancel':
        return 'cancelled';
      default:
        return status;
    }
  }

  /** Whether the send job may create deliveries in this status. */
  static sends(status: CampaignStatus): boolean {
    return status === 'scheduled' || status === 'running';
  }
}

const PAST: Record<CampaignAction, string> = {
  edit: 'changed',
  delete: 'deleted',
  launch: 'launched',
  pause: 'paused',
  resume: 'resumed',
  cancel: 'cancelled',
  test: 'test-sent',
};
