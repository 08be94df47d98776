import type {
  CustomersUpsertRequest,
  CustomersUpsertResponse,
  Engagement,
  EngagementsIngestRequest,
  EngagementsIngestResponse,
  PullResponse,
} from '../../../src/protocol';

/** A tiny client for the real API, used to seed it and to check what reached it. */
export function apiClient(baseUrl: string, token: string) {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  return {
    upsertCustomers: (body: CustomersUpsertRequest) =>
      request<CustomersUpsertResponse>('POST', '/v1/customers', body),
    ingestEngagements: (body: EngagementsIngestRequest) =>
      request<EngagementsIngestResponse>('POST', '/v1/engagements', body),
    /** Every engagement visible to this token, pulled from the start until hasMore is false. */
    async allEngagements(): Promise<Engagement[]> {
      const engagements = new Map<string, Engagement>();
      let cursor: string | undefined;
      for (;;) {
        const query = new URLSearchParams({ limit: '5000' });
        if (cursor) query.set('cursor', cursor);
        const page = await request<PullResponse>('GET', `/v1/sync/pull?${query}`);
        for (const engagement of page.engagements) engagements.set(engagement.id, engagement);
        for (const gone of page.deleted) {
          if (gone.table === 'engagements') engagements.delete(gone.id);
        }
        cursor = page.cursor;
        if (!page.hasMore) return [...engagements.values()];
      }
    },
  };
}
