import type { DatabaseLocation, ServerConfig } from '../config.js';
import { databaseKey } from '../names.js';

/** The registry database a MySQL URL without one stands for (as createRegistry opens it). */
const FALLBACK_REGISTRY_DATABASE = 'tenantry';

export interface PhysicalLayoutConfig {
  /** Where the registry lives; without it, only the server's own check (`holdsRegistry`) protects it. */
  readonly registry?: DatabaseLocation | undefined;
  readonly servers: readonly ServerConfig[];
  /** Canonical form of a SQLite path (on Node: absolute, symlinks followed); as given by default. */
  readonly resolvePath?: (path: string) => string;
}

/**
 * Which configured servers are one physical server, and which database is the registry's. Servers
 * compare by what they reach (host and port for MySQL, the resolved folder for SQLite), never by
 * their names in TENANCY_SERVERS: two names for one server share its databases.
 */
export class PhysicalLayout {
  readonly #ids: ReadonlyMap<string, string>;
  /** Undefined when the registry's location is not known; null when no tenant database can be it. */
  readonly #registry: { readonly server: string; readonly database: string } | null | undefined;

  constructor(config: PhysicalLayoutConfig) {
    const resolvePath = config.resolvePath ?? ((path: string) => path);
    this.#ids = new Map(config.servers.map((s) => [s.name, physicalServerId(s.location, resolvePath)]));
    this.#registry = config.registry ? registryPlace(config.registry, resolvePath) : undefined;
  }

  /** The physical identity of a configured server; undefined for a name that is not configured. */
  serverId(name: string): string | undefined {
    return this.#ids.get(name);
  }

  /** The configured names that reach the same physical server as `name`, `name` included. */
  aliasesOf(name: string): string[] {
    const id = this.#ids.get(name);
    if (id === undefined) return [name];
    return [...this.#ids].filter(([, other]) => other === id).map(([alias]) => alias);
  }

  /** The name of the registry's database (on SQLite: its file's stem); undefined when unknown. */
  get registryDatabase(): string | undefined {
    return this.#registry?.database;
  }

  /** The registry's database when it lives on server `name` (it may carry the tenant prefix). */
  registryDatabaseOn(name: string): string | undefined {
    const id = this.#ids.get(name);
    return id !== undefined && id === this.#registry?.server ? this.#registry.database : undefined;
  }

  /** Whether `database` on server `name` is the registry's own database. */
  isRegistryDatabase(name: string, database: string): boolean {
    const own = this.registryDatabaseOn(name);
    return own !== undefined && databaseKey(own) === databaseKey(database);
  }

  /**
   * Whether `database` might be the registry's on some server this layout cannot tell apart (a
   * host name that is another's alias, say): its name is the registry's, or the registry is unknown.
   */
  mayBeRegistry(database: string): boolean {
    if (this.#registry === undefined) return true;
    return this.#registry !== null && databaseKey(this.#registry.database) === databaseKey(database);
  }
}

/**
 * What a location reaches, as one string: `mysql://<host>:<port>` (the loopback names folded
 * into one), `hyperdrive://<binding>`, or `sqlite:<folder>`. Lower-cased: host names ignore case,
 * and for folders that errs on the safe side.
 */
export function physicalServerId(location: DatabaseLocation, resolvePath: (path: string) => string = (p) => p): string {
  if (location.kind === 'sqlite') return `sqlite:${resolvePath(location.path)}`.toLowerCase();
  // A binding stands for a server: two bindings to one server are told apart only by holdsRegistry.
  if (location.kind === 'hyperdrive') return `hyperdrive://${location.binding.toLowerCase()}`;
  let url: URL;
  try {
    url = new URL(location.url);
  } catch {
    return location.url.toLowerCase();
  }
  const host = url.hostname.toLowerCase();
  if (url.protocol === 'hyperdrive:') return `hyperdrive://${host}`;
  return `mysql://${isLoopback(host) ? 'loopback' : host}:${url.port || '3306'}`;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || host === '0.0.0.0' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The registry's server (as physicalServerId) and database: for SQLite, the file's folder and stem. */
function registryPlace(registry: DatabaseLocation, resolvePath: (path: string) => string) {
  if (registry.kind !== 'sqlite') {
    return { server: physicalServerId(registry), database: registry.database ?? FALLBACK_REGISTRY_DATABASE };
  }
  const file = resolvePath(registry.path);
  const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  const folder = slash > 0 ? file.slice(0, slash) : slash === 0 ? '/' : '.';
  const base = file.slice(slash + 1);
  // A tenant's file is `<database>.db`: a registry file named otherwise can never be one.
  if (!/\.db$/i.test(base) || base.length <= 3) return null;
  return { server: physicalServerId({ kind: 'sqlite', path: folder }), database: base.slice(0, -3) };
}
