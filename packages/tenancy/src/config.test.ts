import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { loadConfig, redactUrl } from './config.js';

describe('loadConfig', () => {
  it('defaults to the embedded SQLite registry with a tenants folder beside it', () => {
    const config = loadConfig({});
    expect(config.registry).toEqual({ kind: 'sqlite', path: '.data/registry.db' });
    expect(config.servers).toEqual([{ name: 'default', location: { kind: 'sqlite', path: '.data/tenants' } }]);
    expect(config).toMatchObject({ dbPrefix: 'tenant_', maxConnections: 10, cacheTtlMs: 30000, redisUrl: undefined });
    expect(config.embeddedDefault).toBe(true);
  });

  it('puts the default tenant server on the registry MySQL server', () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://app:s3cret@db.internal:3307/registry' });
    expect(config.registry).toMatchObject({ kind: 'mysql', database: 'registry' });
    expect(config.servers[0]).toMatchObject({ name: 'default', location: { kind: 'mysql', url: 'mysql://app:s3cret@db.internal:3307/' } });
    expect(config.embeddedDefault).toBe(false);
  });

  it('reads named servers', () => {
    const config = loadConfig({
      DATABASE_URL: 'mysql://root@127.0.0.1/registry',
      TENANCY_SERVERS: 'eu=mysql://root@10.0.0.1:3306, us=mysql://root@10.0.0.2:3306,local=sqlite:/var/tenants',
    });
    expect(config.servers.map((s) => s.name)).toEqual(['eu', 'us', 'local']);
    expect(config.servers[2]?.location).toEqual({ kind: 'sqlite', path: '/var/tenants' });
  });

  it('names every bad variable, and never echoes a password', () => {
    const attempt = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    expect(attempt({ TENANCY_MAX_CONNECTIONS: 'lots', TENANCY_CACHE_TTL_MS: '0' })).toMatch(
      /^invalid configuration: TENANCY_MAX_CONNECTIONS: .*; TENANCY_CACHE_TTL_MS: /,
    );
    expect(attempt({ TENANCY_DB_PREFIX: 'bad`prefix' })).toContain('TENANCY_DB_PREFIX');
    expect(attempt({ DATABASE_URL: 'mysql://root@127.0.0.1:3306' })).toContain('registry database');
    const message = attempt({ DATABASE_URL: 'postgres://admin:hunter2@db/x' });
    expect(message).toContain('unsupported');
    expect(message).not.toContain('hunter2');
    expect(attempt({ TENANCY_SERVERS: 'nameless' })).toContain('name=url');
  });

  it('leaves HTTP settings to the app that serves HTTP', () => {
    const config = loadConfig({ PORT: 'not a port', TENANCY_IDENTIFY: 'cookie', ADMIN_TOKEN: 't' });
    expect(Object.keys(config).sort()).toEqual(['cacheTtlMs', 'dbPrefix', 'embeddedDefault', 'maxConnections', 'redisUrl', 'registry', 'servers']);
  });

  it('takes a config file\'s connection defaults, and each variable overrides its own', () => {
    const defaults = {
      databaseUrl: 'mysql://app@db.internal:3306/registry',
      servers: { eu: 'mysql://app@10.0.0.1:3306', local: 'sqlite:/var/tenants' },
      dbPrefix: 'notes_',
      maxConnections: 20,
      cacheTtlMs: 5000,
      redisUrl: 'redis://cache:6379',
    };
    const fromFile = loadConfig({}, defaults);
    expect(fromFile).toMatchObject({
      registry: { kind: 'mysql', database: 'registry' },
      dbPrefix: 'notes_',
      maxConnections: 20,
      cacheTtlMs: 5000,
      redisUrl: 'redis://cache:6379',
      embeddedDefault: false,
    });
    expect(fromFile.servers.map((s) => s.name)).toEqual(['eu', 'local']);

    const overridden = loadConfig(
      { DATABASE_URL: 'sqlite:/srv/registry.db', TENANCY_SERVERS: 'only=sqlite:/srv/t', TENANCY_MAX_CONNECTIONS: '3', REDIS_URL: '' },
      defaults,
    );
    expect(overridden).toMatchObject({ registry: { kind: 'sqlite', path: '/srv/registry.db' }, maxConnections: 3, dbPrefix: 'notes_', cacheTtlMs: 5000 });
    expect(overridden.servers).toEqual([{ name: 'only', location: { kind: 'sqlite', path: '/srv/t' } }]);
    // A blank variable counts as unset: the file's value stands.
    expect(overridden.redisUrl).toBe('redis://cache:6379');
    expect(loadConfig({ TENANCY_SERVERS: 'a=sqlite:/x,b=sqlite:/y' }, { servers: 'c=sqlite:/z' }).servers.map((s) => s.name)).toEqual(['a', 'b']);
  });

  it('names the config field a bad default came from, and the variable when the environment gave it', () => {
    expect(() => loadConfig({}, { maxConnections: 0 })).toThrow(/^invalid configuration: connection\.maxConnections \(config file\): /);
    expect(() => loadConfig({ TENANCY_MAX_CONNECTIONS: '0' }, { maxConnections: 5 })).toThrow(/^invalid configuration: TENANCY_MAX_CONNECTIONS: /);
    expect(() => loadConfig({}, { databaseUrl: 'postgres://a:hunter2@x/y' })).toThrow(/^connection\.databaseUrl \(config file\): unsupported URL postgres:\/\/a:\*\*\*@x\/y/);
    expect(() => loadConfig({}, { dbPrefix: 'bad`' })).toThrow(/^connection\.dbPrefix \(config file\): invalid database prefix/);
    expect(() => loadConfig({}, { maxConnections: '10' } as never)).toThrow(/^invalid configuration: connection\.maxConnections: /);
    expect(() => loadConfig({}, { port: 3000 } as never)).toThrow(/^invalid configuration: connection: Unrecognized key: "port"$/);
  });

  it('redacts the password of a URL', () => {
    expect(redactUrl('mysql://app:s3cret@db:3306/x')).toBe('mysql://app:***@db:3306/x');
    expect(redactUrl('mysql://app@db:3306/x')).toBe('mysql://app@db:3306/x');
    expect(redactUrl('redis://:pw@cache:6379')).toBe('redis://:***@cache:6379');
  });
});
