// Registry use cases for models: create, list, read, edit, delete.
import * as q from '../../../db/queries/models';
import { listAliases } from '../../../db/queries/aliases';
import { listShadows, listSplits } from '../../../db/queries/experiments';
import { listVersions, isArtifactReferenced } from '../../../db/queries/versions';
import type { CreateModelInput, ModelDetailDto, ModelDto, ModelListDto, UpdateModelInput } from '../../schemas/registry';
import type { Actor } from '../access/auth';
import { removeArtifact, type ArtifactKind } from '../../runtime/artifact-store';
import { runtime } from '../../runtime/runtime';
import { db, requireModel } from '../lookups';
import { toModelDto, toVersionDto } from './dto';
import { modelTraffic, verdictSummary } from './overview';

/** Removes an artifact no version uses any more (and no upload in progress is about to). */
export async function collectArtifact(sha: string, kind: ArtifactKind): Promise<void> {
  if (!runtime().pins.isPinned(sha) && !(await isArtifactReferenced(db(), sha))) await removeArtifact(sha, kind);
}

export async function createModel(input: CreateModelInput, actor: Actor): Promise<ModelDto> {
  const row = await q.insertModel(db(), {
    name: input.name,
    task: input.task,
    description: input.description ?? '',
    labels: input.labels ?? null,
    actor: actor.name,
  });
  return toModelDto(row);
}

export async function listModels(page: { limit: number; cursor?: string }): Promise<ModelListDto> {
  const rows = await q.listModels(db(), { limit: page.limit, afterName: page.cursor });
  const ids = rows.map((r) => r.model.id);
  const [splits, shadows] = await Promise.all([listSplits(db(), ids), listShadows(db(), ids)]);
  const traffic = await modelTraffic(ids);
  const items = rows.map((r) => ({
    ...toModelDto(r.model),
    aliases: r.aliases,
    splits: splits.get(r.model.id) ?? {},
    shadows: shadows.get(r.model.id) ?? [],
    latest_version: r.latestVersion,
    version_count: r.versionCount,
    needs_retraining: r.model.needsRetraining,
    retraining_reason: r.model.retrainingReason ?? null,
    verdict: verdictSummary(r.model.verdict),
    traffic: traffic.get(r.model.id)!,
  }));
  return { models: items, next_cursor: rows.length === page.limit ? rows[rows.length - 1].model.name : null };
}

export async function getModelDetail(name: string, opts: { includeArchived: boolean }): Promise<ModelDetailDto> {
  const model = await requireModel(name);
  const [versions, aliasTargets, splits, shadows] = await Promise.all([
    listVersions(db(), { modelId: model.id, includeArchived: opts.includeArchived }),
    listAliases(db(), model.id),
    listSplits(db(), [model.id]),
    listShadows(db(), [model.id]),
  ]);
  const aliases: Record<string, number> = {};
  for (const a of aliasTargets) aliases[a.name] = a.number;
  return {
    model: toModelDto(model),
    versions: versions.map((v) =>
      toVersionDto(
        v,
        aliasTargets.filter((a) => a.versionId === v.id).map((a) => a.name),
      ),
    ),
    aliases,
    splits: splits.get(model.id) ?? {},
    shadows: shadows.get(model.id) ?? [],
  };
}

export async function updateModel(name: string, input: UpdateModelInput, actor: Actor): Promise<ModelDto> {
  const model = await requireModel(name);
  return toModelDto(await q.updateModel(db(), { model, description: input.description, labels: input.labels, actor: actor.name }));
}

export async function deleteModel(name: string, actor: Actor): Promise<void> {
  const model = await requireModel(name);
  const shas = await q.deleteModel(db(), model, actor.name);
  for (const sha of shas.onnx) await collectArtifact(sha, 'onnx');
  for (const sha of shas.json) await collectArtifact(sha, 'json');
}
