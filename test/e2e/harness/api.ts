import type {
  CustomersUpsertRequest,
  CustomersUpsertResponse,
  Engagement,
  EngagementsIngestRequest,
  EngagementsIngestResponse,
} from '../../../src/protocol';
import { pullLedger } from '../../helpers/ledger';

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
    allEngagements: async (): Promise<Engagement[]> =>
      (await pullLedger(baseUrl, token)).engagements,
  };
}
