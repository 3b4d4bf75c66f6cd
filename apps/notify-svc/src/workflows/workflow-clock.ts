import { Injectable } from '@nestjs/common';

/**
 * The time workflows wait by (delays, digest windows, throttle windows). A provider of its own so a
 * test can move it (a 30-minute delay) without waiting: a waiting step's job wakes at most every
 * WORKFLOW_POLL_INTERVAL and compares this clock with the step's wake time.
 */
@Injectable()
export class WorkflowClock {
  now(): number {
    return Date.now();
  }
}
