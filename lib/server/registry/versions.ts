// Registry use cases for versions: read, edit (description, feature names)/archive, download the artifact.
import { listAliases } from '../../../db/queries/aliases';
import { updateVersion as updateVersionRow } from '../../../db/queries/versions';
import type { ModelRow, VersionRow } from '../../../db/schema';
import { fieldError } from '../../errors';
import type { UpdateVersionInput, VersionDto } from '../../schemas/registry';
import type { Actor } from '../access/auth';
import { readArtifact } from '../../runtime/artifact-store';
import { db, requireModel, requireVersion } from '../lookups';
import type { VersionProfile } from '../../metrics/profile';
import { toVersionDto } from './dto';
import { featureNamesMismatch, featureNamesNotEditable } from './feature-names';

async function withAliases(model: ModelRow, v: VersionRow): Promise<VersionDto> {
  const aliases = await listAliases(db(), model.id);
  return toVersionDto(
    v,
    aliases.filter((a) => a.versionId === v.id).map((a) => a.name),
  );
}

export async function getVersion(name: string, number: number): Promise<VersionDto> {
  const model = await requireModel(name);
  return withAliases(model, await requireVersion(model, number));
}

/**
 * The drift profile after a rename: a logged row of a one-input model holds its values by position,
 * so each profiled feature keeps its position (and its bins) and takes the new name of that position.
 * Cleared names leave the profile as it is.
 */
function relabelProfile(names: string[] | null) {
  return (profile: VersionRow['profile']): VersionRow['profile'] => {
    const p = profile as VersionProfile | null;
    if (!p || !names) return profile;
    const renamed: VersionProfile = { ...p, features: p.features.map((f) => ({ ...f, name: names[f.position] ?? f.name })) };
    return renamed as unknown as VersionRow['profile'];
  };
}

/** The edit: description, archiving, feature names (audited; serving uses new names from the next request). */
export async function updateVersion(name: string, number: number, input: UpdateVersionInput, actor: Actor): Promise<VersionDto> {
  const model = await requireModel(name);
  const version = await requireVersion(model, number);
  let featureNames;
  if (input.feature_names !== undefined) {
    const names = input.feature_names;
    const why = featureNamesNotEditable(version.signature) ?? (names ? featureNamesMismatch(names, version.signature) : null);
    if (why) throw fieldError('unprocessable', 'feature_names', why);
    featureNames = { names, relabel: relabelProfile(names) };
  }
  const row = await updateVersionRow(db(), { version, description: input.description, archived: input.archived, featureNames, actor: actor.name });
  return withAliases(model, row);
}

export async function readVersionArtifact(name: string, number: number): Promise<{ bytes: Buffer; filename: string }> {
  const model = await requireModel(name);
  const version = await requireVersion(model, number);
  const bytes = await readArtifact(version.sha256, 'onnx');
  return { bytes, filename: `${model.name}-v${version.number}.onnx` };
}
