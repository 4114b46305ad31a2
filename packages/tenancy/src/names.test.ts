import { describe, expect, it } from 'vitest';
import { InvalidTenantNameError } from './errors.js';
import { assertTenantName, databaseNameFor, isValidTenantName, quoteMysqlIdentifier, tenantKey } from './names.js';

describe('tenant names', () => {
  it('accepts letters, digits, - and _, 1 to 63 characters, starting with a letter or digit', () => {
    for (const name of ['a', 'TenantA', 'acme-corp', 'acme_corp', '9lives', 'x'.repeat(63)]) {
      expect(isValidTenantName(name), name).toBe(true);
    }
    for (const name of ['', '-a', '_a', 'a b', 'a.b', 'a/b', "a'b", 'x'.repeat(64), 'tenänt', 'admin', 'MySQL', 'sys']) {
      expect(isValidTenantName(name), name).toBe(false);
      expect(() => assertTenantName(name)).toThrow(InvalidTenantNameError);
    }
    expect(isValidTenantName(42)).toBe(false);
  });

  it('says why a name is refused, without echoing a huge input', () => {
    expect(() => assertTenantName('admin')).toThrow(/reserved/);
    const error = (() => {
      try {
        assertTenantName('y'.repeat(5000));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message.length).toBeLessThan(200);
    expect(error?.message).toContain('5000 characters');
  });

  it('derives the database name deterministically: prefix + lower-cased name, - as _', () => {
    expect(databaseNameFor('TenantA')).toBe('tenant_tenanta');
    expect(databaseNameFor('acme-corp', 'app_')).toBe('app_acme_corp');
    expect(databaseNameFor('Acme')).toBe(databaseNameFor('acme'));
    expect(tenantKey('TenantA')).toBe('tenanta');
  });

  it('keeps long database names within 64 characters and distinct', () => {
    const a = databaseNameFor('a'.repeat(62) + 'x', 'long_prefix_');
    const b = databaseNameFor('a'.repeat(62) + 'y', 'long_prefix_');
    expect(a.length).toBeLessThanOrEqual(64);
    expect(b.length).toBeLessThanOrEqual(64);
    expect(a).not.toBe(b);
    expect(databaseNameFor('a'.repeat(62) + 'x', 'long_prefix_')).toBe(a);
  });

  it('quotes identifiers and refuses anything it should not quote', () => {
    expect(quoteMysqlIdentifier('tenant_acme')).toBe('`tenant_acme`');
    expect(() => quoteMysqlIdentifier('a`b')).toThrow(InvalidTenantNameError);
    expect(() => quoteMysqlIdentifier('information_schema')).toThrow(InvalidTenantNameError);
  });
});
