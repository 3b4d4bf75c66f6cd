import { Contact, ContactGroup, ContactGroupMember, ContactImport } from '../contacts/entities/contact.entity.js';
import { Delivery } from '../deliveries/entities/delivery.entity.js';
import { DeliveryAttempt } from '../deliveries/entities/delivery-attempt.entity.js';
import { DeliveryEvent } from '../deliveries/entities/delivery-event.entity.js';
import { Notification } from '../notifications/notification.entity.js';
import { NotificationCategory, Preference } from '../preferences/preference.entity.js';
import { TenantQuota } from '../quotas/tenant-quota.entity.js';
import { Suppression } from '../suppressions/suppression.entity.js';
import { ProviderAccountRecord } from '../provider-accounts/provider-account.entity.js';
import { PushDevice } from '../push-registrations/push-device.entity.js';
import { PushSubscription } from '../push-registrations/push-subscription.entity.js';
import { Template, TemplateVersion } from '../templates/template.entity.js';
import { Topic, TopicAccessToken, TopicMessage, TopicNamespace, TopicSubscription } from '../topics/entities/topic.entity.js';
import { WebhookEndpoint } from '../webhook-endpoints/webhook-endpoint.entity.js';
import { WorkerHeartbeat } from '../jobs/worker-heartbeat.entity.js';

/** Every notify-svc table, as a TypeORM entity (schema changes are migrations; never synchronize). */
export const notifyEntities: Function[] = [
  Delivery,
  DeliveryEvent,
  DeliveryAttempt,
  Template,
  TemplateVersion,
  Preference,
  NotificationCategory,
  Suppression,
  Notification,
  TenantQuota,
  WebhookEndpoint,
  WorkerHeartbeat,
  PushSubscription,
  PushDevice,
  TopicNamespace,
  Topic,
  TopicMessage,
  TopicAccessToken,
  TopicSubscription,
  ProviderAccountRecord,
  Contact,
  ContactGroup,
  ContactGroupMember,
  ContactImport,
];
