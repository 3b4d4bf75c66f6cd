import { Inject, Injectable } from '@nestjs/common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { vapidPublicKeyOr503 } from '../../web-push-key.js';

/** The key a browser subscribes with (applicationServerKey). */
@Injectable()
export class GetVapidPublicKeyUseCase {
  constructor(@Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig) {}

  execute(): { publicKey: string } {
    return { publicKey: vapidPublicKeyOr503(this.config) };
  }
}
