// The model's event timeline (uploads, alias moves, edits), newest first, paginated by id.
import { listEvents } from '../../../db/queries/events';
import { AppError } from '../../errors';
import { MAX_ID } from '../../schemas/names';
import type { EventListDto } from '../../schemas/registry';
import { db, requireModel } from '../lookups';
import { toEventDto } from './dto';

/** A model's timeline, or (name null) the system's: API keys, accounts, deleted models. */
export async function getEvents(name: string | null, page: { limit: number; cursor?: string }): Promise<EventListDto> {
  const model = name === null ? null : await requireModel(name);
  const beforeId = page.cursor === undefined ? undefined : Number(page.cursor);
  if (beforeId !== undefined && (!Number.isInteger(beforeId) || beforeId < 1 || beforeId > MAX_ID)) {
    throw new AppError('invalid_input', 'cursor: is not a cursor this endpoint returned', [{ path: 'cursor', message: 'invalid' }]);
  }
  const rows = await listEvents(db(), { modelId: model?.id ?? null, limit: page.limit, beforeId });
  return { events: rows.map(toEventDto), next_cursor: rows.length === page.limit ? String(rows[rows.length - 1].id) : null };
}
