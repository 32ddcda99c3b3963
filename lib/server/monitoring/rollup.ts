// Hourly rollups of the prediction log, built behind the serving path: a watermark (the last
// prediction_requests rowid folded in) moves in the same transaction as the rollup rows, so after a
// crash the processor resumes exactly where it stopped, and the rollups always equal a
// from-scratch recomputation over the raw log (as long as retention has pruned none of it: the
// rollups are what stays of pruned rows). Per feature it also counts data quality (lib/metrics/quality).
import type { Db } from '../../../db/client';
import {
  firstRequests,
  foldHours,
  lastLogRowid,
  logRecordsAfter,
  rollupWatermark,
  saveTrafficProfile,
  versionForRollup,
  type HourWrite,
  type LogRow,
} from '../../../db/queries/rollups';
import { INPUT_CODECS, PREDICTION_SOURCES } from '../../../db/schema';
import type { ModelSignature } from '../../../inference/signature';
import { bucketIndex, hourOf, LATENCY_BUCKETS_MS } from '../../metrics/buckets';
import { mergeDistribution, type PredictionDistribution } from '../../metrics/distribution';
import { decileEdges } from '../../metrics/drift';
import { addToSlots, buildProfile, slotCount, type Cell, type VersionProfile } from '../../metrics/profile';
import { rowFolder, type RowFolder } from '../../metrics/fold-rows';
import { addQuality } from '../../metrics/quality';
import { requestRows, versionFeatures } from './features';
const TRAFFIC_PROFILE_MIN_ROWS = 100;
const TRAFFIC_PROFILE_MAX_ROWS = 2000;
/** Most log records read per slice. */
const SLICE_RECORDS = 5000;

export interface VersionInfo {
  profile: VersionProfile | null;
  /** The profile's fold of packed numeric rows. */
  folder: RowFolder | null;
  features: string[];
  slots: number;
  offsets: number[];
}
interface HourAcc {
  versionId: number;
  hour: number;
  count: number;
  latency: Uint32Array;
  dist: PredictionDistribution;
  features: Uint32Array | null;
  /** Data quality: u32 × features × 3 (missing, out of range, new category), profile order. */
  quality: Uint32Array | null;
}

function layout(profile: VersionProfile | null): Pick<VersionInfo, 'slots' | 'offsets'> {
  const offsets: number[] = [];
  let slots = 0;
  for (const f of profile?.features ?? []) {
    offsets.push(slots);
    slots += slotCount(f);
  }
  return { slots, offsets };
}

/** A version without a reference sample gets its drift baseline from its first window of traffic. */
export function trafficProfileFrom(requests: { input_codec: number; inputs: Buffer; rows: number }[], features: string[]): VersionProfile | null {
  const rows: Cell[][] = [];
  for (const r of requests) {
    for (const row of requestRows(r.input_codec, r.inputs, r.rows, features)) {
      if (rows.length < TRAFFIC_PROFILE_MAX_ROWS) rows.push(row);
    }
  }
  if (rows.length < TRAFFIC_PROFILE_MIN_ROWS) return null;
  return buildProfile('traffic', features, features, rows, decileEdges);
}

/** What the fold needs of a version's stored row, JSON parsed (each dialect reads it its own way). */
export interface RollupVersion {
  profile: VersionProfile | null;
  featureNames: string[] | null;
  signature: ModelSignature;
  reference: { columns: string[] } | null;
}

/** The features a version's rows are folded by (none when the version is unknown). */
export function rollupFeatures(v: RollupVersion | undefined): string[] {
  return v ? versionFeatures(v.signature, v.featureNames, v.reference?.columns ?? null) : [];
}

/** A version's fold layout; cache it unless it still waits for enough traffic to profile. */
export function versionInfoFrom(profile: VersionProfile | null, features: string[]): { info: VersionInfo; final: boolean } {
  const info = { profile, folder: profile ? rowFolder(profile) : null, features, ...layout(profile) };
  return { info, final: profile !== null || features.length === 0 };
}

function versionInfo(db: Db, cache: Map<number, VersionInfo>, versionId: number): VersionInfo {
  const hit = cache.get(versionId);
  if (hit) return hit;
  const row = versionForRollup(db, versionId);
  const v: RollupVersion | undefined = row && {
    profile: row.profile ? (JSON.parse(row.profile) as VersionProfile) : null,
    featureNames: row.feature_names ? (JSON.parse(row.feature_names) as string[]) : null,
    signature: JSON.parse(row.signature) as ModelSignature,
    reference: row.reference ? (JSON.parse(row.reference) as { columns: string[] }) : null,
  };
  const features = rollupFeatures(v);
  let profile = v?.profile ?? null;
  if (!profile && features.length > 0) {
    profile = trafficProfileFrom(firstRequests(db, versionId, TRAFFIC_PROFILE_MAX_ROWS), features);
    if (profile) saveTrafficProfile(db, versionId, profile);
  }
  const { info, final } = versionInfoFrom(profile, features);
  if (final) cache.set(versionId, info);
  return info;
}

function addRequest(acc: HourAcc, row: FoldRecord, info: VersionInfo): void {
  acc.count += row.rows;
  // Serving latency is the live route's (and a shadow's own run); imported predictions were made elsewhere.
  if (row.source !== PREDICTION_SOURCES.imported) acc.latency[bucketIndex(row.latency_us / 1000, LATENCY_BUCKETS_MS)]++;
  if (row.labels) {
    const classes = (acc.dist as { classes: Record<string, number> }).classes ?? ((acc.dist = { classes: {} }) as { classes: Record<string, number> }).classes;
    for (const label of JSON.parse(row.labels) as string[]) classes[label] = (classes[label] ?? 0) + 1;
  } else if (row.output_values) {
    const d = acc.dist as { values?: { sum: number; sum2: number; min: number; max: number } };
    const v =
      d.values ??
      ((acc.dist = { values: { sum: 0, sum2: 0, min: Infinity, max: -Infinity } }) as { values: { sum: number; sum2: number; min: number; max: number } })
        .values;
    for (let r = 0; r < row.rows; r++) {
      const x = row.output_values.readDoubleLE(r * 8);
      // Never fold a non-finite term (rows logged before outputs were checked for NaN/Inf).
      if (!Number.isFinite(x * x)) continue;
      v.sum += x;
      v.sum2 += x * x;
      v.min = Math.min(v.min, x);
      v.max = Math.max(v.max, x);
    }
  }
  if (info.profile && info.slots > 0) {
    acc.features ??= new Uint32Array(info.slots);
    acc.quality ??= new Uint32Array(info.profile.features.length * 3);
    if (info.folder && (row.input_codec === INPUT_CODECS.f32 || row.input_codec === INPUT_CODECS.f64)) {
      const f32 = row.input_codec === INPUT_CODECS.f32;
      const data = row.inputs.buffer.slice(row.inputs.byteOffset, row.inputs.byteOffset + row.inputs.byteLength);
      const values = f32 ? new Float32Array(data) : new Float64Array(data);
      info.folder.fold(values, row.rows, values.length / row.rows, acc.features, acc.quality);
      return;
    }
    const values = requestRows(row.input_codec, row.inputs, row.rows, info.features);
    info.profile.features.forEach((f, k) => {
      for (const vals of values) addToSlots(acc.features!, info.offsets[k], f, vals[f.position] ?? null);
    });
    for (const vals of values) addQuality(acc.quality, info.profile.features, vals);
  }
}

function addInto(target: Uint32Array, source: Uint32Array): Uint32Array {
  for (let i = 0; i < Math.min(target.length, source.length); i++) target[i] += source[i];
  return target;
}

const u32 = (b: Buffer) => new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

/** A log record as the fold reads it (both dialects). */
export type FoldRecord = Omit<LogRow, 'rowid'>;

/**
 * The hour aggregates of a slice of log records, each with the merge into what an hour already
 * holds: the one fold rule of both dialects (SQLite below, PostgreSQL in ./rollup-pg.ts).
 */
export function aggregateHours(rows: FoldRecord[], infoOf: (versionId: number) => VersionInfo): HourWrite[] {
  const hours = new Map<string, HourAcc>();
  for (const row of rows) {
    const info = infoOf(row.version_id);
    const hour = hourOf(row.ts);
    const key = `${row.version_id}:${hour}`;
    let acc = hours.get(key);
    if (!acc) {
      acc = {
        versionId: row.version_id,
        hour,
        count: 0,
        latency: new Uint32Array(LATENCY_BUCKETS_MS.length + 1),
        dist: { classes: {} },
        features: null,
        quality: null,
      };
      hours.set(key, acc);
    }
    addRequest(acc, row, info);
  }
  return [...hours.values()].map((acc) => ({
    versionId: acc.versionId,
    hour: acc.hour,
    merge: (old) => {
      const latency = old ? addInto(u32(old.latency), acc.latency) : acc.latency;
      let features = acc.features;
      if (old?.features) features = features ? addInto(u32(old.features), features) : u32(old.features);
      let quality = acc.quality;
      if (old?.quality) quality = quality ? addInto(u32(old.quality), quality) : u32(old.quality);
      return {
        count: acc.count + (old?.count ?? 0),
        latency: Buffer.from(latency.buffer),
        predictions: JSON.stringify(old ? mergeDistribution(JSON.parse(old.predictions) as PredictionDistribution, acc.dist) : acc.dist),
        features: features ? Buffer.from(features.buffer) : null,
        quality: quality ? Buffer.from(quality.buffer) : null,
      };
    },
  }));
}

/**
 * Folds up to `maxRows` predicted rows of new log records into the hourly rollups; returns how many
 * records it folded and whether more were waiting beyond this slice (a backlog). Reading and aggregating happen outside any write lock; the write (foldHours,
 * one transaction) only merges the aggregates and moves the watermark, and gives up (returns 0)
 * when another connection moved the watermark meanwhile, so a record is never counted twice.
 */
export function processPredictionLog(db: Db, maxRows = 20_000): { folded: number; more: boolean } {
  const from = rollupWatermark(db);
  const { records: rows, more } = logRecordsAfter(db, from, SLICE_RECORDS, maxRows);
  if (rows.length === 0) return { folded: 0, more: false };
  const cache = new Map<number, VersionInfo>();
  const writes = aggregateHours(rows, (versionId) => versionInfo(db, cache, versionId));
  return foldHours(db, from, rows[rows.length - 1].rowid, writes) ? { folded: rows.length, more } : { folded: 0, more: true };
}

/** Folds everything logged so far (the monitoring API calls this before it reads). */
export function catchUpRollups(db: Db): number {
  let total = 0;
  // A 0 can also mean another connection folded the same records first: look again until the
  // watermark reaches the end of the log.
  for (let i = 0; i < 100_000; i++) {
    const n = processPredictionLog(db, 200_000).folded;
    total += n;
    if (n === 0 && rollupWatermark(db) >= lastLogRowid(db)) break;
  }
  return total;
}
