import { describe, expect, it } from '@jest/globals';
import type { AppException } from '#common';
import { CampaignStatePolicy } from './campaign-state.js';

describe('CampaignStatePolicy', () => {
  it('moves a campaign through its life', () => {
    expect(CampaignStatePolicy.after('draft', 'launch', { immediate: true })).toBe('running');
    expect(CampaignStatePolicy.after('draft', 'launch')).toBe('scheduled');
    expect(CampaignStatePolicy.after('running', 'pause')).toBe('paused');
    expect(CampaignStatePolicy.after('scheduled', 'pause')).toBe('paused');
    expect(CampaignStatePolicy.after('paused', 'resume')).toBe('running');
    expect(CampaignStatePolicy.after('paused', 'cancel')).toBe('cancelled');
    expect(CampaignStatePolicy.can('draft', 'edit')).toBe(true);
    expect(CampaignStatePolicy.can('draft', 'test')).toBe(true);
  });

  it('refuses illegal transitions with 409', () => {
    for (const [status, action] of [
      ['running', 'launch'],
      ['completed', 'pause'],
      ['cancelled', 'resume'],
      ['running', 'resume'],
      ['completed', 'cancel'],
      ['running', 'edit'],
      ['running', 'delete'],
      ['draft', 'pause'],
    ] as const) {
      let status409 = 0;
      try {
        CampaignStatePolicy.check(status, action);
      } catch (err) {
        status409 = (err as AppException).getStatus();
      }
      expect(status409).toBe(409);
    }
  });

  it('sends only when scheduled or running', () => {
    expect(CampaignStatePolicy.sends('running')).toBe(true);
    expect(CampaignStatePolicy.sends('paused')).toBe(false);
    expect(CampaignStatePolicy.sends('cancelled')).toBe(false);
  });
});
