/**
 * Administration from the command line, for scripts and deployments without a browser:
 *
 *   node server/src/main.ts create-owner --email you@shop.com [--name "You"] [--password-stdin]
 *   node server/src/main.ts create-api-key [--email you@shop.com] --name ci [--scopes workflows:read,runs:read]
 *   node server/src/main.ts reset-password --email you@shop.com [--password-stdin]
 *   node server/src/main.ts rotate-key
 *   node server/src/main.ts generate-key
 *
 * Each takes --help (-h). (`npm start -- <command> ...` runs the same through the project's Node 24.) Passwords
 * come from JUNCTION_OWNER_PASSWORD or, with --password-stdin, from the first line of
 * standard input — never from the command line, where other users could read them.
 * The database is DATABASE_URL's, or the embedded one: the running server's if it is up.
 */
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Config } from './config.ts';
import { createOwner, createOwnerKey, findOwner } from './auth/bootstrap.ts';
import { hashPassword, Password } from './auth/passwords.ts';
import { isCapability } from './auth/middleware.ts';
import { ROLE_CAPABILITIES } from './auth/roles.ts';
import { openDatabase, type Database } from './db/client.ts';
import { runningEmbeddedUrl, startEmbeddedPostgres } from './db/embedded.ts';
import { migrate } from './db/migrate.ts';
import { createApiKey } from './db/queries/api-keys.ts';
import { resealCredentials } from './db/queries/credentials.ts';
import { recordAudit } from './db/queries/audit.ts';
import { deleteSessionsOf, findUserByEmail, updateUser } from './db/queries/users.ts';
import { servingProcesses } from './db/queries/workers.ts';
import { generateKey, Keyring, keyFilePath, loadKeyring, parseKey, readKeyFile, writeKeyFile } from './vault/keyring.ts';

export const COMMANDS = ['create-owner', 'create-api-key', 'reset-password', 'rotate-key', 'generate-key'] as const;
export type Command = (typeof COMMANDS)[number];

const OPTIONS = {
  email: { type: 'string' },
  name: { type: 'string' },
  scopes: { type: 'string' },
  'password-stdin': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** What each command takes and does: `<command> --help` prints it, and a wrong option is answered with it. */
export const USAGE: Record<Command, { synopsis: string; about: string; options: (keyof typeof OPTIONS)[] }> = {
  'create-owner': {
    synopsis: 'create-owner --email you@shop.com [--name "You"] [--password-stdin]',
    about: 'Creates the first user, the owner. The password comes from JUNCTION_OWNER_PASSWORD or, with --password-stdin, the first line of standard input.',
    options: ['email', 'name', 'password-stdin'],
  },
  'create-api-key': {
    synopsis: 'create-api-key [--email you@shop.com] --name ci [--scopes workflows:read,runs:read]',
    about: "Prints a new API key of the user with that e-mail (the owner without --email), with the scopes given or all their role allows.",
    options: ['email', 'name', 'scopes'],
  },
  'reset-password': {
    synopsis: 'reset-password --email you@shop.com [--password-stdin]',
    about: "Sets a user's password (from JUNCTION_OWNER_PASSWORD or standard input) and ends their sessions.",
    options: ['email', 'password-stdin'],
  },
  'rotate-key': {
    synopsis: 'rotate-key',
    about: 'Re-seals every credential with a new encryption key (or with JUNCTION_ENCRYPTION_KEY, the old one in JUNCTION_ENCRYPTION_KEY_PREVIOUS). With the key file, stop Junction first: it refuses while Junction runs.',
    options: [],
  },
  'generate-key': { synopsis: 'generate-key', about: 'Prints a key for JUNCTION_ENCRYPTION_KEY.', options: [] },
};

const usageOf = (command: Command) => `${USAGE[command].synopsis}\n  ${USAGE[command].about}`;

class UsageError extends Error {
  override name = 'UsageError';
}

/** Runs `work` against Junction's database, migrated, and closes what it opened. */
async function withDatabase<T>(config: Config, work: (database: Database) => Promise<T>): Promise<T> {
  let url = config.DATABASE_URL ?? runningEmbeddedUrl(config.dataDir);
  const embedded = url ? null : await startEmbeddedPostgres(config.dataDir);
  url ??= embedded!.url;
  const database = openDatabase(url, { max: 2, applicationName: 'junction-cli' });
  try {
    await migrate(database);
    return await work(database);
  } finally {
    await database.close();
    if (embedded) await embedded.stop();
  }
}

async function readPassword(config: Config, fromStdin: boolean, variable: string): Promise<string> {
  let password: string | undefined = fromStdin ? undefined : config.JUNCTION_OWNER_PASSWORD;
  if (fromStdin) {
    const lines = createInterface({ input: process.stdin });
    for await (const line of lines) {
      password = line;
      break;
    }
    lines.close();
  }
  if (password === undefined) throw new UsageError(`Give the password in ${variable}, or pipe it in with --password-stdin`);
  const checked = Password.safeParse(password);
  if (!checked.success) throw new UsageError(checked.error.issues[0]!.message);
  return checked.data;
}

const print = (line: string) => process.stdout.write(`${line}\n`);

/**
 * `--help` (`-h`) of a command: its usage, printed; true when it was asked for. An option
 * the command does not take is a UsageError showing the usage.
 */
export function helpAsked(command: Command, args: string[]): boolean {
  const options = Object.fromEntries(Object.entries(OPTIONS).filter(([name]) => name === 'help' || USAGE[command].options.includes(name as keyof typeof OPTIONS)));
  let help: boolean;
  try {
    help = parseArgs({ args, options, strict: true }).values.help === true;
  } catch (error) {
    // parseArgs goes on about positional arguments after its first sentence; the usage says more here.
    throw new UsageError(`${(error as Error).message.split('. ')[0]}. Usage: ${usageOf(command)}`, { cause: error });
  }
  if (help) print(`Usage: node server/src/main.ts ${usageOf(command)}`);
  return help;
}

export async function runCommand(command: Command, args: string[], config: Config): Promise<void> {
  const { values } = parseArgs({ args, options: OPTIONS, strict: true });

  switch (command) {
    case 'generate-key':
      print(generateKey());
      return;

    case 'create-owner': {
      if (!values.email) throw new UsageError('create-owner needs --email');
      const password = await readPassword(config, values['password-stdin'], 'JUNCTION_OWNER_PASSWORD');
      await withDatabase(config, async ({ db }) => {
        const owner = await createOwner(db, { email: values.email!, password, name: values.name, via: 'cli' });
        if (!owner) throw new UsageError('Junction has users already; the owner exists (use reset-password to regain access)');
        print(`Created the owner ${owner.email}`);
      });
      return;
    }

    case 'create-api-key': {
      if (!values.name) throw new UsageError('create-api-key needs --name, e.g. --name "ERP sync"');
      await withDatabase(config, async ({ db }) => {
        const user = values.email ? await findUserByEmail(db, values.email) : await findOwner(db);
        if (!user) throw new UsageError(values.email ? `No user has the e-mail ${values.email}` : 'There is no owner yet: run create-owner first');
        const allowed = ROLE_CAPABILITIES[user.role];
        const scopes = values.scopes ? values.scopes.split(',').map((scope) => scope.trim()) : [...allowed];
        const wrong = scopes.filter((scope) => !isCapability(scope) || !allowed.includes(scope));
        if (wrong.length > 0) throw new UsageError(`Not scopes the role ${user.role} allows: ${wrong.join(', ')} (allowed: ${allowed.join(', ')})`);
        const created = user.role === 'owner' && !values.scopes ? await createOwnerKey(db, { name: values.name!, via: 'cli' }) : await createApiKey(db, { userId: user.id, name: values.name!, scopes });
        if (user.role !== 'owner' || values.scopes) {
          await recordAudit(db, { actorId: user.id, actorEmail: user.email, apiKeyId: null, action: 'api_key.create', resourceType: 'api-key', resourceId: created!.id, ip: null, userAgent: null, details: { name: values.name, scopes: scopes.filter(isCapability), via: 'cli' } });
        }
        print(created!.key);
      });
      return;
    }

    case 'reset-password': {
      if (!values.email) throw new UsageError('reset-password needs --email');
      const password = await readPassword(config, values['password-stdin'], 'JUNCTION_OWNER_PASSWORD');
      await withDatabase(config, async ({ db }) => {
        const user = await findUserByEmail(db, values.email!);
        if (!user) throw new UsageError(`No user has the e-mail ${values.email}`);
        await updateUser(db, user.id, { passwordHash: await hashPassword(password) });
        await deleteSessionsOf(db, user.id);
        await recordAudit(db, { actorId: null, actorEmail: null, apiKeyId: null, action: 'user.password', resourceType: 'user', resourceId: user.id, ip: null, userAgent: null, details: { via: 'cli' } });
        print(`Set a new password for ${user.email}; their sessions were ended`);
      });
      return;
    }

    case 'rotate-key':
      await rotateKey(config);
      return;
  }
}

/**
 * Re-seals every credential with the current key.
 *
 * - With JUNCTION_ENCRYPTION_KEY: that is the new key; the old one must be in
 *   JUNCTION_ENCRYPTION_KEY_PREVIOUS until this has run.
 * - With the key file: a new key is generated and written first (the old one kept
 *   beside it, so a stopped rotation loses nothing), then the old one is dropped. Only
 *   with Junction stopped: a running one reads the file at start only.
 */
async function rotateKey(config: Config): Promise<void> {
  if (config.JUNCTION_ENCRYPTION_KEY) {
    parseKey(config.JUNCTION_ENCRYPTION_KEY, 'JUNCTION_ENCRYPTION_KEY');
    const keyring = await loadKeyring(config);
    // Processes may run meanwhile: each was started with the new key and the old one.
    const { resealed } = await withDatabase(config, ({ db }) => resealCredentials(db, keyring));
    print(`Re-sealed ${resealed} credential(s) with key ${keyring.currentId}. Every credential now opens with JUNCTION_ENCRYPTION_KEY alone: remove JUNCTION_ENCRYPTION_KEY_PREVIOUS.`);
    return;
  }
  const old = await loadKeyring(config);
  const path = keyFilePath(config);
  const { resealed, keyring } = await withDatabase(config, async (database) => {
    await refuseWhileServing(database);
    const previous = (await readKeyFile(path))!;
    const fresh = randomBytes(32);
    await writeKeyFile(path, [fresh, ...previous]);
    const keyring = new Keyring(fresh, previous, path);
    const { resealed } = await resealCredentials(database.db, keyring);
    await writeKeyFile(path, [fresh]);
    return { resealed, keyring };
  });
  print(`Re-sealed ${resealed} credential(s) with the new key ${keyring.currentId} (was ${old.currentId}), kept in ${path}. Back that file up again, then start Junction.`);
}

/**
 * A running Junction keeps sealing new credentials with the key it started with, which a
 * rotation drops: whatever it sealed afterwards could never be opened again. Every
 * Junction process (API or worker) holds a listening connection named junction-listener.
 * (With JUNCTION_ENCRYPTION_KEY, processes restarted with the new key may keep running.)
 */
async function refuseWhileServing({ pool }: Database): Promise<void> {
  const serving = await servingProcesses(pool);
  if (serving > 0) {
    throw new UsageError(
      `Junction is running against this database (${serving} process(es)). Stop every Junction process first, then run rotate-key, then start them again: a running one would keep sealing new credentials with the old key, which the rotation drops.`,
    );
  }
}

export { UsageError };
