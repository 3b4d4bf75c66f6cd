/** The live-bus topic a campaign's jobs signal on after each committed page or chunk (ids only). */
export const campaignTopic = (tenantId: string, campaignId: string) => `campaign:${tenantId}:${campaignId}`;
