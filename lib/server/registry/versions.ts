// Registry use cases for versions: read, edit/archive, download the artifact.
import { listAliases } from '../../../db/queries/aliases';
import { findVersion, updateVersion as updateVersionRow } from '../../../db/queries/versions';
import type { ModelRow, VersionRow } from '../../../db/schema';
import { AppError } from '../../errors';
import type { UpdateVersionInput, VersionDto } from '../../schemas/registry';
import type { Actor } from '../auth';
import { readArtifact } from '../artifact-store';
import { db } from '../db';
import { toVersionDto } from './dto';
import { requireModel } from './models';

export async function requireVersion(model: ModelRow, number: number): Promise<VersionRow> {
  const version = await findVersion(db(), { modelId: model.id, number });
  if (!version) {
    throw new AppError('not_found', `version: model "${model.name}" has no version ${number}`, [{ path: 'version', message: 'not found' }]);
  }
  return version;
}

async function withAliases(model: ModelRow, v: VersionRow): Promise<VersionDto> {
  const aliases = await listAliases(db(), model.id);
  return toVersionDto(v, aliases.filter((a) => a.versionId === v.id).map((a) => a.name));
}

export async function getVersion(name: string, number: number): Promise<VersionDto> {
  const model = await requireModel(name);
  return withAliases(model, await requireVersion(model, number));
}

export async function updateVersion(name: string, number: number, input: UpdateVersionInput, actor: Actor): Promise<VersionDto> {
  const model = await requireModel(name);
  const version = await requireVersion(model, number);
  const row = await updateVersionRow(db(), { version, description: input.description, archived: input.archived, actor: actor.name });
  return withAliases(model, row);
}

export async function readVersionArtifact(name: string, number: number): Promise<{ bytes: Buffer; filename: string }> {
  const model = await requireModel(name);
  const version = await requireVersion(model, number);
  const bytes = await readArtifact(version.sha256, 'onnx');
  return { bytes, filename: `${model.name}-v${version.number}.onnx` };
}
