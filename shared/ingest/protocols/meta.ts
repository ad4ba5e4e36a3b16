import { jsonResponse } from '../responses.ts';
import { ingestProtocol } from './ingest.ts';
import type { IngestProtocol } from './types.ts';

/** `GET /health`: the endpoint's own liveness and region, for load balancers and `sluice` itself. */
export const metaProtocol: IngestProtocol<void> = {
  ...ingestProtocol,
  name: 'meta',
  routes: [
    {
      name: 'health',
      path: '/health',
      methods: ['GET', 'HEAD'],
      answer: ({ head, region }) => {
        const r = jsonResponse(200, { status: 'ok', region });
        return head ? { ...r, body: '' } : r;
      },
    },
  ],
  auth: [],
};
