/**
 * `import customers FILE.csv` and `import engagements FILE.csv|FILE.jsonl`.
 *
 * All-or-nothing: every row is checked first, and if any is bad the command lists each bad row
 * with its line number and imports nothing, so a fixed file can simply be imported again. The
 * rows then go through the same code as POST /v1/customers and /v1/engagements, in one
 * transaction (an engagement whose colleague or customer is unknown also fails the import).
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  CustomerInput,
  describeZodError,
  EngagementInput,
  IDENTITY_KINDS,
  type IdentityInput,
  type IdentityKind,
} from '../protocol';
import { writeTransaction } from './changes';
import { prepareCustomers, upsertCustomers } from './customers';
import type { Store } from './db';
import { ingestEngagements } from './engagements';
import { ApiError } from './errors';
import { keysOf } from './identities';

interface Row {
  line: number;
  fields: Record<string, string>;
}

/** Header names are matched loosely: `external_id`, `externalId` and `External ID` are one column. */
const columnKey = (header: string) => header.toLowerCase().replace(/[\s_-]+/g, '');

/** `name` is the customer's own column, not a name identity. */
const IDENTITY_COLUMNS = new Map<string, IdentityKind>(
  IDENTITY_KINDS.filter((kind) => kind !== 'name').map((kind) => [columnKey(kind), kind]),
);

async function readCsv(file: string): Promise<Row[]> {
  const text = await readSource(file);
  try {
    const records = parse(text, {
      columns: (headers: string[]) => headers.map(columnKey),
      info: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    }) as { record: Record<string, string>; info: { lines: number } }[];
    return records.map(({ record, info }) => ({ line: info.lines, fields: record }));
  } catch (error) {
    throw new ApiError(400, 'bad_file', `${file}: ${(error as Error).message}`);
  }
}

async function readSource(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ApiError(
      400,
      'bad_file',
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
}

function failIfBad(file: string, problems: string[]): void {
  if (problems.length === 0) return;
  const shown = problems.slice(0, 20);
  const more =
    problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
  throw new ApiError(
    400,
    'bad_rows',
    `${file}: ${problems.length} bad row${problems.length === 1 ? '' : 's'}, nothing imported:\n  ${shown.join('\n  ')}${more}`,
  );
}

const optional = (value: string | undefined) => (value ? value : undefined);

/**
 * Columns: external_id, name, kind (person|organization), company, tier, and one column per
 * identity kind (email, domain, phone, x, linkedin, linkedin_company, facebook, instagram,
 * reddit, youtube, bluesky, github); a cell may hold several values separated by `;`.
 */
export async function importCustomersFile(
  store: Store,
  file: string,
): Promise<{ rows: number; created: number }> {
  const rows = await readCsv(file);
  const problems: string[] = [];
  const inputs: CustomerInput[] = [];
  const lines: number[] = [];
  for (const { line, fields } of rows) {
    const identities: IdentityInput[] = [];
    for (const [column, cell] of Object.entries(fields)) {
      const kind = IDENTITY_COLUMNS.get(column);
      if (!kind || !cell) continue;
      for (const value of cell.split(';').map((part) => part.trim())) {
        if (!value) continue;
        if (!keysOf({ kind, value }))
          problems.push(`line ${line}: ${kind}: "${value}" is not a valid ${kind}`);
        identities.push({ kind, value });
      }
    }
    const parsed = CustomerInput.safeParse({
      externalId: fields.externalid,
      name: fields.name,
      kind: fields.kind,
      company: optional(fields.company),
      tier: optional(fields.tier),
      identities,
    });
    if (!parsed.success) problems.push(`line ${line}: ${describeZodError(parsed.error)}`);
    else {
      inputs.push(parsed.data);
      lines.push(line);
    }
  }
  const firstLine = new Map<string, number>();
  inputs.forEach((input, index) => {
    const earlier = firstLine.get(input.externalId);
    if (earlier !== undefined)
      problems.push(
        `line ${lines[index]}: externalId "${input.externalId}" already on line ${earlier}`,
      );
    else firstLine.set(input.externalId, lines[index] ?? 0);
  });
  failIfBad(file, problems);
  const prepared = prepareCustomers(inputs);
  const results = await writeTransaction(store, (w) => upsertCustomers(w, prepared));
  return { rows: results.length, created: results.filter((result) => result.created).length };
}

function parseIdentityRef(raw: string): { kind: IdentityKind; value: string } | string {
  const colon = raw.indexOf(':');
  const kind = raw.slice(0, colon) as IdentityKind;
  if (colon < 0 || !IDENTITY_KINDS.includes(kind)) {
    return `customer_identity: write it as kind:value, e.g. email:jane@acme.com (kinds: ${IDENTITY_KINDS.join(', ')})`;
  }
  return { kind, value: raw.slice(colon + 1) };
}

async function readEngagementRows(
  file: string,
): Promise<{ line: number; value: unknown; problem?: string }[]> {
  if (extname(file).toLowerCase() === '.jsonl') {
    const text = await readSource(file);
    return text.split(/\r?\n/).flatMap((content, index) => {
      if (!content.trim()) return [];
      try {
        return [{ line: index + 1, value: JSON.parse(content) as unknown }];
      } catch {
        return [{ line: index + 1, value: null, problem: 'not valid JSON' }];
      }
    });
  }
  const rows = await readCsv(file);
  return rows.map(({ line, fields }) => {
    let customer: unknown;
    if (fields.customerexternalid) customer = { externalId: fields.customerexternalid };
    else if (fields.customeridentity) {
      const ref = parseIdentityRef(fields.customeridentity);
      if (typeof ref === 'string') return { line, value: null, problem: ref };
      customer = { identity: ref };
    } else {
      return {
        line,
        value: null,
        problem: 'customer_external_id or customer_identity: one is required',
      };
    }
    return {
      line,
      value: {
        externalId: fields.externalid,
        source: fields.source,
        customer,
        colleagueEmail: fields.colleagueemail,
        channel: fields.channel,
        direction: fields.direction,
        occurredAt: fields.occurredat,
        summary: optional(fields.summary),
        topic: optional(fields.topic),
        url: optional(fields.url),
        visibility: optional(fields.visibility),
      },
    };
  });
}

/**
 * CSV columns: external_id, source, customer_external_id or customer_identity (kind:value),
 * colleague_email, channel, direction, occurred_at, summary, topic, url, visibility.
 * JSONL: one POST /v1/engagements item per line.
 */
export async function importEngagementsFile(
  store: Store,
  file: string,
): Promise<{ rows: number; added: number }> {
  const rows = await readEngagementRows(file);
  const problems: string[] = [];
  const inputs: EngagementInput[] = [];
  const lines: number[] = [];
  for (const row of rows) {
    if (row.problem) {
      problems.push(`line ${row.line}: ${row.problem}`);
      continue;
    }
    const parsed = EngagementInput.safeParse(row.value);
    if (!parsed.success) problems.push(`line ${row.line}: ${describeZodError(parsed.error)}`);
    else {
      inputs.push(parsed.data);
      lines.push(row.line);
    }
  }
  failIfBad(file, problems);
  const results = await writeTransaction(store, async (w) => {
    const results = await ingestEngagements(w, inputs);
    results.forEach((result, index) => {
      if (result.error) problems.push(`line ${lines[index]}: ${result.error.message}`);
    });
    // throwing rolls the whole transaction back
    failIfBad(file, problems);
    return results;
  });
  return { rows: results.length, added: results.filter((result) => !result.duplicate).length };
}
