import { ConfigError } from '@tenantry/tenancy';
import { describe, expect, it } from 'vitest';
import { loadHttpSettings } from './settings.js';

describe('loadHttpSettings', () => {
  it('defaults to port 3000, tenants by path, no admin routes', () => {
    expect(loadHttpSettings({})).toEqual({ port: 3000, identify: 'path', baseDomain: undefined, adminToken: undefined });
    expect(loadHttpSettings({ PORT: '', DATABASE_URL: 'mysql://x', HYPERDRIVE: {} })).toMatchObject({ port: 3000 });
  });

  it('reads the HTTP variables', () => {
    expect(loadHttpSettings({ PORT: '0', TENANCY_IDENTIFY: 'host', TENANCY_BASE_DOMAIN: 'Example.TEST', ADMIN_TOKEN: 's3cret' })).toEqual({
      port: 0,
      identify: 'host',
      baseDomain: 'example.test',
      adminToken: 's3cret',
    });
  });

  it('names every bad variable in one line', () => {
    const attempt = (env: Record<string, string>) => {
      try {
        loadHttpSettings(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    expect(attempt({ PORT: '99999', TENANCY_IDENTIFY: 'cookie' })).toMatch(/^invalid configuration: PORT: .*; TENANCY_IDENTIFY: [^\n]*$/);
    expect(attempt({ TENANCY_IDENTIFY: 'host' })).toContain('TENANCY_BASE_DOMAIN');
  });
});
