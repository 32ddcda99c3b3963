// Row → wire DTO mapping for the registry (one serialization for API and server components).
import type { EventRow, ModelRow, VersionRow } from '../../../db/schema';
import type { EventDto, ModelDto, VersionDto } from '../../schemas/registry';

const iso = (ms: number) => new Date(ms).toISOString();

export function toModelDto(m: ModelRow): ModelDto {
  return { name: m.name, task: m.task, description: m.description, labels: m.labels ?? null, created_at: iso(m.createdAt), updated_at: iso(m.updatedAt) };
}

export function toVersionDto(v: VersionRow, aliasNames: string[]): VersionDto {
  return {
    number: v.number,
    sha256: v.sha256,
    size_bytes: v.sizeBytes,
    signature: v.signature,
    feature_names: v.featureNames ?? null,
    metrics: v.metrics,
    output: v.output ?? null,
    reference: v.reference ?? null,
    description: v.description,
    source: v.source,
    archived: v.archivedAt !== null,
    aliases: aliasNames.sort(),
    created_at: iso(v.createdAt),
    created_by: v.createdBy,
  };
}

export function toEventDto(e: EventRow): EventDto {
  return { id: e.id, ts: iso(e.ts), kind: e.kind, actor: e.actor, detail: e.detail };
}
