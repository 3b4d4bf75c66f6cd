import { holdsScope } from '#auth-kit';
import { AppException, Role, Scope, type Principal } from '#common';
import type { TopicRow } from '../topics.repository.js';

/**
 * Who may read and publish on a topic. A public topic is readable by anyone; publishing always
 * needs a credential of the topic's tenant: a user with organizer or admin, an API key with
 * notifications:send, or a topic token with write access on this very topic. A topic token opens
 * its own topic only (any other is 403), at its own access level.
 */
export class TopicAccessPolicy {
  static assertRead(p: Principal | null, topic: TopicRow): void {
    if (p?.kind === 'topic_token') return this.assertToken(p, topic, 'read');
    if (topic.visibility === 'public') return;
    if (!p) throw AppException.unauthorized('This topic is private: a credential is required');
    // Another tenant's private topic does not exist for this caller.
    if (p.tenantId !== topic.tenant_id) throw AppException.notFound('Topic');
    if (p.kind === 'api_key' && !hasScope(p, Scope.NotificationsRead, Scope.NotificationsSend)) {
      throw AppException.forbidden(`This API key needs one of the scopes: ${Scope.NotificationsRead}, ${Scope.NotificationsSend}`);
    }
  }

  static assertWrite(p: Principal | null, topic: TopicRow): void {
    if (!p) throw AppException.unauthorized('Publishing needs a credential (JWT, X-API-Key or a topic token)');
    if (p.kind === 'topic_token') return this.assertToken(p, topic, 'write');
    if (p.tenantId !== topic.tenant_id) {
      if (topic.visibility === 'private') throw AppException.notFound('Topic');
      throw AppException.forbidden("Only the topic's own tenant may publish to it");
    }
    if (p.kind === 'api_key') {
      if (!hasScope(p, Scope.NotificationsSend)) throw AppException.forbidden(`This API key needs the scope ${Scope.NotificationsSend}`);
      return;
    }
    if (!p.roles.includes(Role.Organizer) && !p.roles.includes(Role.Admin)) {
      throw AppException.forbidden('Publishing needs the organizer or admin role');
    }
  }

  private static assertToken(p: Principal, topic: TopicRow, need: 'read' | 'write'): void {
    if (!p.topic || p.topic.id !== topic.id || p.tenantId !== topic.tenant_id)
      throw AppException.forbidden('This topic token is for another topic');
    const ok = need === 'read' ? p.topic.access !== 'write' : p.topic.access !== 'read';
    if (!ok) throw AppException.forbidden(need === 'read' ? 'This topic token may only publish' : 'This topic token may only subscribe');
  }
}

function hasScope(p: Principal, ...scopes: Scope[]): boolean {
  return scopes.some((s) => holdsScope(p, s));
}
