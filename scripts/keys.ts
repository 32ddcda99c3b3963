// `npm run keys -- <command>`: API keys from the command line, on DATA_DIR's database (works while
// the server runs; a revoked key is refused from its next request).
//   create --name <name> --scope <read|predict|admin> [--scope …] [--rate-limit <req/s>]
//   list
//   revoke <id | name | prefix>
import { parseArgs } from 'node:util';
import { migrateRuntimeDatabase } from '../lib/runtime/start';
import { AppError } from '../lib/errors';
import { closeRuntime } from '../lib/runtime/runtime';
import { createKeySchema } from '../lib/schemas/access';
import { createKey, listKeyDtos, revokeKeyByRef } from '../lib/server/access/keys';

const USAGE = `usage:
  npm run keys -- create --name <name> --scope <read|predict|admin> [--scope …] [--rate-limit <req/s>]
  npm run keys -- list
  npm run keys -- revoke <id | name | prefix>`;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  await migrateRuntimeDatabase();
  const actor = `cli:${process.env.USER ?? 'unknown'}`;
  switch (command) {
    case 'create': {
      const { values } = parseArgs({
        args: rest,
        options: { name: { type: 'string' }, scope: { type: 'string', multiple: true }, 'rate-limit': { type: 'string' } },
      });
      const input = createKeySchema.safeParse({
        name: values.name,
        scopes: values.scope ?? [],
        ...(values['rate-limit'] !== undefined ? { rate_limit: Number(values['rate-limit']) } : {}),
      });
      if (!input.success)
        fail(
          input.error.issues
            .map((i) => `--${String(i.path[0] === 'scopes' ? 'scope' : i.path[0] === 'rate_limit' ? 'rate-limit' : i.path[0])}: ${i.message}`)
            .join('\n') + `\n${USAGE}`,
        );
      const created = await createKey(input.data, actor);
      console.log(`Created key "${created.api_key.name}" (id ${created.api_key.id}, scopes ${created.api_key.scopes.join(', ')}).`);
      console.log('It is shown only now; Modeldock keeps its hash:');
      console.log(created.key);
      return;
    }
    case 'list': {
      const keys = await listKeyDtos();
      if (keys.length === 0) {
        console.log('No API keys.');
        return;
      }
      const rows = keys.map((k) => [
        String(k.id),
        k.name,
        `${k.prefix}…`,
        k.scopes.join(','),
        k.rate_limit === null ? '-' : `${k.rate_limit}/s`,
        k.created_at.slice(0, 19),
        k.last_used_at?.slice(0, 19) ?? 'never',
        k.revoked_at ? 'revoked' : 'active',
      ]);
      const head = ['id', 'name', 'key', 'scopes', 'rate', 'created', 'last used', 'status'];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
      return;
    }
    case 'revoke': {
      if (rest.length !== 1) fail(USAGE);
      const k = await revokeKeyByRef(rest[0], actor);
      console.log(`Revoked key "${k.name}" (id ${k.id}, ${k.prefix}…).`);
      return;
    }
    default:
      fail(USAGE);
  }
}

main()
  .catch((err: unknown) => {
    if (AppError.is(err)) fail(err.message);
    throw err;
  })
  .finally(() => closeRuntime());
