// Upload of a new model version: stream to temp, validate (scan, fold estimate, a memory-bounded
// load in a child process), then commit file + row.
// Any failure before the commit leaves no row and no file behind.
import { readFile } from 'node:fs/promises';
import { insertVersion } from '../../../db/queries/versions';
import { OnnxFormatError } from '../../../inference/onnx-scan';
import { planOutputs } from '../../../inference/outputs';
import { introspectBounded } from '../../../inference/bounded-load';
import { ModelLoadError } from '../../../inference/runtime';
import type { ModelSignature, ReferenceInfo } from '../../../inference/signature';
import { AppError, fieldError, formatPath, refuseNul } from '../../errors';
import { env } from '../../env';
import { versionMetadataSchema, type VersionDto, type VersionMetadata } from '../../schemas/registry';
import { decileEdges } from '../../metrics/drift';
import { buildProfile, type VersionProfile } from '../../metrics/profile';
import { commitArtifact, discardFiles, writeTempBytes, type Upload, type UploadedFile, type UploadLimits } from '../../runtime/artifact-store';
import { runtime } from '../../runtime/runtime';
import type { Actor } from '../access/auth';
import { db, requireModel } from '../lookups';
import { versionFeatures } from '../monitoring/features';
import { toVersionDto } from './dto';
import { featureNamesFromHeader, featureNamesMismatch } from './feature-names';
import { collectArtifact } from './models';
import { readReferenceSample } from './reference-sample';

const MB = 1024 * 1024;

function parseMetadata(text: string | undefined): VersionMetadata {
  if (text === undefined || text.trim() === '') return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw fieldError('invalid_input', 'metadata', `is not valid JSON (${(err as Error).message})`);
  }
  refuseNul(raw, 'metadata');
  const parsed = versionMetadataSchema.safeParse(raw);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ path: formatPath(['metadata', ...i.path]), message: i.message }));
    throw new AppError('invalid_input', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  }
  return parsed.data;
}

function checkFeatureNames(names: string[] | undefined, sig: ModelSignature): void {
  const why = names ? featureNamesMismatch(names, sig) : null;
  if (why) throw fieldError('unprocessable', 'metadata.feature_names', why);
}

/** The scan and fold estimate here, then the first load in a child process with bounded memory. */
async function validateOnnx(file: UploadedFile | undefined): Promise<ModelSignature> {
  if (!file) throw fieldError('invalid_input', 'file', 'required: attach the .onnx model as the "file" part');
  if (file.size === 0) throw fieldError('unprocessable', 'file', 'is empty');
  let signature: ModelSignature;
  try {
    signature = await introspectBounded(file.path, await readFile(file.path), { maxConstantBytes: env.MAX_CONSTANT_MB * MB });
  } catch (err) {
    if (err instanceof OnnxFormatError || err instanceof ModelLoadError) throw fieldError('unprocessable', 'file', err.message);
    throw err;
  }
  // Names and class labels from the model's own strings: stored as text, so refused as bodies are.
  try {
    refuseNul(signature, 'signature');
  } catch (err) {
    throw fieldError('unprocessable', 'file', `holds text that cannot be stored (${(err as Error).message})`);
  }
  return signature;
}

/**
 * `readUpload` reads the request's parts with these limits (the edge's multipart reader; the demo
 * hands over files it wrote): called once the model is known, so an unknown model is refused
 * before its body is read.
 */
export async function uploadVersion(name: string, readUpload: (limits: UploadLimits) => Promise<Upload>, actor: Actor): Promise<VersionDto> {
  const model = await requireModel(name);
  const { fields, files } = await readUpload({
    fileFields: ['file', 'reference'],
    textFields: ['metadata'],
    maxFileBytes: env.MAX_UPLOAD_MB * MB,
    maxFieldBytes: MB,
  });
  const unpins: (() => void)[] = [];
  const committed: { sha: string; kind: 'onnx' | 'json' }[] = [];
  try {
    const metadata = parseMetadata(fields.metadata);
    const signature = await validateOnnx(files.file);
    const plan = planOutputs(model.task, signature.outputs);
    if ('error' in plan) throw fieldError('unprocessable', 'file', `this model cannot serve a ${model.task.replace(/_/g, ' ')}: ${plan.error}`);
    checkFeatureNames(metadata.feature_names, signature);
    const labels = model.labels;
    const positive = metadata.output?.positive_class;
    if (positive && labels && !labels.includes(positive)) {
      throw fieldError('unprocessable', 'metadata.output.positive_class', `"${positive}" is not one of the model's labels`);
    }
    if (positive && !labels && positive !== '0' && positive !== '1') {
      throw fieldError(
        'unprocessable',
        'metadata.output.positive_class',
        `"${positive}" must be "0" or "1" for a model without labels (or give the model labels)`,
      );
    }

    let reference: ReferenceInfo | null = null;
    let profile: VersionProfile | null = null;
    let featureNames = metadata.feature_names ?? null;
    if (files.reference) {
      const sample = await readReferenceSample(files.reference.path, files.reference.filename, featureNames);
      // Without declared names, a header as wide as the input names its columns (see featureNamesFromHeader).
      featureNames ??= featureNamesFromHeader(sample.columns, signature);
      const features = versionFeatures(signature, featureNames, sample.columns);
      profile = buildProfile('reference', features, sample.columns, sample.rows, decileEdges);
      const bytes = Buffer.from(JSON.stringify({ columns: sample.columns, rows: sample.rows }));
      const tmp = await writeTempBytes(bytes);
      unpins.push(runtime().pins.pin(tmp.sha256));
      await commitArtifact(tmp, 'json');
      committed.push({ sha: tmp.sha256, kind: 'json' });
      reference = { sha256: tmp.sha256, rows: sample.rows.length, columns: sample.columns, format: sample.format };
    }

    const file = files.file!;
    unpins.push(runtime().pins.pin(file.sha256));
    await commitArtifact(file, 'onnx');
    committed.push({ sha: file.sha256, kind: 'onnx' });
    const row = await insertVersion(db(), {
      modelId: model.id,
      sha256: file.sha256,
      sizeBytes: file.size,
      signature,
      featureNames,
      featureNamesFrom: metadata.feature_names ? 'metadata' : featureNames ? 'reference' : null,
      metrics: metadata.metrics ?? {},
      output: metadata.output ?? null,
      reference,
      profile: profile as Record<string, unknown> | null,
      description: metadata.description ?? '',
      source: metadata.source ?? '',
      actor: actor.name,
    });
    committed.length = 0; // referenced now: keep the files
    return toVersionDto(row, []);
  } finally {
    unpins.forEach((u) => u());
    for (const c of committed) await collectArtifact(c.sha, c.kind);
    await discardFiles(files);
  }
}
