// GET /api/v1/runtime: this process's model cache — the loaded sessions with the versions behind
// them, their measured size, use and churn; the budget; and whether the serving set fits.
import { listArtifactVersions, listServingSet } from '../../../db/queries/serving-set';
import { runtime } from '../../runtime/runtime';
import type { RuntimeDto, RuntimeVersionDto, ServingRole } from '../../schemas/runtime';
import { db } from '../lookups';

const iso = (ms: number) => new Date(ms).toISOString();

export async function runtimeStatus(): Promise<RuntimeDto> {
  const { sessions } = runtime();
  const servingSet = await listServingSet(db());
  const snap = sessions.snapshot();
  const roles = new Map<string, ServingRole[]>();
  for (const r of servingSet) {
    const key = `${r.model}\0${r.version}`;
    roles.set(key, [...(roles.get(key) ?? []), r.role]);
  }
  const versions = new Map<string, RuntimeVersionDto[]>();
  const shas = [...snap.resident.map((r) => r.key), ...snap.servingNotResident.map((r) => r.key)];
  for (const v of await listArtifactVersions(db(), shas)) {
    versions.set(v.sha256, [...(versions.get(v.sha256) ?? []), { model: v.model, version: v.version, roles: roles.get(`${v.model}\0${v.version}`) ?? [] }]);
  }
  return {
    model_cache: {
      budget_bytes: snap.budgetBytes,
      resident_bytes: snap.residentBytes,
      sessions: snap.resident.length,
      loading: snap.loading,
      loads: snap.loads,
      evictions: snap.evictions,
      hits: snap.hits,
      serving_set: { fits: snap.fit.fits, bytes: snap.fit.servingBytes, sessions: snap.fit.servingSessions, unmeasured: snap.fit.unmeasured },
    },
    // Most recently used first.
    sessions: snap.resident
      .sort((a, b) => b.lastUsedAt - a.lastUsedAt)
      .map((r) => ({
        sha256: r.key,
        bytes: r.bytes,
        load_ms: Math.round(r.loadMs * 10) / 10,
        loaded_at: iso(r.loadedAt),
        last_used_at: iso(r.lastUsedAt),
        hits: r.hits,
        loads: r.loads,
        evictions: r.evictions,
        serving: r.serving,
        versions: versions.get(r.key) ?? [],
      })),
    serving_not_resident: snap.servingNotResident.map((m) => ({
      sha256: m.key,
      bytes: m.stats?.bytes ?? null,
      loads: m.stats?.loads ?? 0,
      evictions: m.stats?.evictions ?? 0,
      versions: versions.get(m.key) ?? [],
    })),
  };
}
