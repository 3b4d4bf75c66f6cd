import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { IMPORT_MAX_BYTES } from './contact-import-csv.js';

export const CSV = 'text/csv';

/**
 * The body parser the contacts import needs: text/csv as a string, up to IMPORT_MAX_BYTES (Fastify
 * answers 413 above). ContentTypeGuard still refuses text/csv on every route that does not declare
 * it with @ApiConsumes.
 */
@Injectable()
export class ContactsHttpSetup implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addContentTypeParser || fastify.hasContentTypeParser(CSV)) return;
    fastify.addContentTypeParser(CSV, { parseAs: 'string', bodyLimit: IMPORT_MAX_BYTES }, (_req, body, done) => done(null, body));
  }
}
