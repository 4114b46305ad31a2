import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { loadConfig, redactUrl } from './config.js';

describe('loadConfig', () => {
  it('defaults to the embedded SQLite registry with a tenants folder beside it', () => {
    const config = loadConfig({});
    expect(config.registry).toEqual({ kind: 'sqlite', path: '.data/registry.db' });
    expect(config.servers).toEqual([{ name: 'default', location: { kind: 'sqlite', path: '.data/tenants' } }]);
    expect(config).toMatchObject({ dbPrefix: 'tenant_', maxConnections: 10, cacheTtlMs: 30000, port: 3000, identify: 'path' });
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
    expect(attempt({ TENANCY_MAX_CONNECTIONS: 'lots', PORT: '99999' })).toMatch(/TENANCY_MAX_CONNECTIONS.*PORT|PORT.*TENANCY_MAX_CONNECTIONS/);
    expect(attempt({ TENANCY_IDENTIFY: 'cookie' })).toContain('TENANCY_IDENTIFY');
    expect(attempt({ TENANCY_IDENTIFY: 'host' })).toContain('TENANCY_BASE_DOMAIN');
    expect(attempt({ TENANCY_DB_PREFIX: 'bad`prefix' })).toContain('TENANCY_DB_PREFIX');
    expect(attempt({ DATABASE_URL: 'mysql://root@127.0.0.1:3306' })).toContain('registry database');
    const message = attempt({ DATABASE_URL: 'postgres://admin:hunter2@db/x' });
    expect(message).toContain('unsupported');
    expect(message).not.toContain('hunter2');
    expect(attempt({ TENANCY_SERVERS: 'nameless' })).toContain('name=url');
  });

  it('redacts the password of a URL', () => {
    expect(redactUrl('mysql://app:s3cret@db:3306/x')).toBe('mysql://app:***@db:3306/x');
    expect(redactUrl('mysql://app@db:3306/x')).toBe('mysql://app@db:3306/x');
    expect(redactUrl('redis://:pw@cache:6379')).toBe('redis://:***@cache:6379');
  });
});
