import { NotifyCore1796000000000 } from './1796000000000-notify-core.js';
import { NotifyRlsRole1796000000001 } from './1796000000001-notify-rls-role.js';
import { NotifyLeanQueueIndexes1796000000002 } from './1796000000002-notify-lean-queue-indexes.js';
import { NotifyAcceptFunction1796000000003 } from './1796000000003-notify-accept-function.js';
import { NotifyListFunction1796000000004 } from './1796000000004-notify-list-function.js';
import { NotifyInboxSeq1796000000005 } from './1796000000005-notify-inbox-seq.js';
import { NotifyDeliveryPipeline1796000000006 } from './1796000000006-notify-delivery-pipeline.js';
import { NotifySmsSegments1796000000007 } from './1796000000007-notify-sms-segments.js';
import { NotifyPush1796000000008 } from './1796000000008-notify-push.js';
import { NotifyTopics1796000000009 } from './1796000000009-notify-topics.js';
import { NotifyContacts1796000000010 } from './1796000000010-notify-contacts.js';
import { NotifyProviderAccounts1796000000011 } from './1796000000011-notify-provider-accounts.js';
import { NotifyReceipts1796000000012 } from './1796000000012-notify-receipts.js';
import { NotifyCampaigns1796000000013 } from './1796000000013-notify-campaigns.js';
import { NotifyWorkflows1796000000014 } from './1796000000014-notify-workflows.js';

export const notifyMigrations: Function[] = [
  NotifyCore1796000000000,
  NotifyRlsRole1796000000001,
  NotifyLeanQueueIndexes1796000000002,
  NotifyAcceptFunction1796000000003,
  NotifyListFunction1796000000004,
  NotifyInboxSeq1796000000005,
  NotifyDeliveryPipeline1796000000006,
  NotifySmsSegments1796000000007,
  NotifyPush1796000000008,
  NotifyTopics1796000000009,
  NotifyContacts1796000000010,
  NotifyProviderAccounts1796000000011,
  NotifyReceipts1796000000012,
  NotifyCampaigns1796000000013,
  NotifyWorkflows1796000000014,
];
