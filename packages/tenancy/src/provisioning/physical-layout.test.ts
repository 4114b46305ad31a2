import { describe, expect, it } from 'vitest';
import type { ServerConfig } from '../config.js';
import { PhysicalLayout, physicalServerId } from './physical-layout.js';

const mysqlServer = (name: string, url: string): ServerConfig => ({ name, location: { kind: 'mysql', url, database: undefined } });
const sqliteServer = (name: string, path: string): ServerConfig => ({ name, location: { kind: 'sqlite', path } });

describe('physicalServerId', () => {
  it('is the host and port a MySQL URL reaches, whoever logs in and whatever database it names', () => {
    const id = physicalServerId({ kind: 'mysql', url: 'mysql://root@DB.internal/', database: undefined });
    expect(id).toBe('mysql://db.internal:3306');
    expect(physicalServerId({ kind: 'mysql', url: 'mariadb://app:pw@db.internal:3306/acme', database: 'acme' })).toBe(id);
    expect(physicalServerId({ kind: 'mysql', url: 'mysql://root@db.internal:3307/', database: undefined })).not.toBe(id);
  });

  it('takes every loopback name for one host', () => {
    const ids = ['localhost', '127.0.0.1', '127.1.2.3', '[::1]'].map((host) =>
      physicalServerId({ kind: 'mysql', url: `mysql://root@${host}:3306/`, database: undefined }),
    );
    expect(new Set(ids)).toEqual(new Set(['mysql://loopback:3306']));
  });

  it('is the resolved folder for SQLite, and the binding for Hyperdrive', () => {
    expect(physicalServerId({ kind: 'sqlite', path: 'data/x/../tenants' }, (p) => p.replace('x/../', ''))).toBe('sqlite:data/tenants');
    expect(physicalServerId({ kind: 'mysql', url: 'hyperdrive://HYPERDRIVE', database: undefined })).toBe('hyperdrive://hyperdrive');
  });
});

describe('PhysicalLayout', () => {
  it('knows the registry database on its own server under any name of that server, in any case', () => {
    const layout = new PhysicalLayout({
      registry: { kind: 'mysql', url: 'mysql://root@127.0.0.1:3306/acme_registry', database: 'acme_registry' },
      servers: [
        mysqlServer('default', 'mysql://root@127.0.0.1:3306/'),
        mysqlServer('again', 'mysql://app:pw@localhost/'),
        mysqlServer('far', 'mysql://root@db.internal:3306/'),
      ],
    });
    expect(layout.isRegistryDatabase('default', 'acme_registry')).toBe(true);
    expect(layout.isRegistryDatabase('again', 'ACME_Registry')).toBe(true);
    expect(layout.isRegistryDatabase('far', 'acme_registry')).toBe(false);
    expect(layout.isRegistryDatabase('default', 'acme_acme')).toBe(false);
    expect(layout.isRegistryDatabase('nowhere', 'acme_registry')).toBe(false);
    expect(layout.registryDatabaseOn('again')).toBe('acme_registry');
    expect(layout.aliasesOf('default')).toEqual(['default', 'again']);
    expect(layout.aliasesOf('far')).toEqual(['far']);
    expect(layout.aliasesOf('nowhere')).toEqual(['nowhere']);
    expect(layout.mayBeRegistry('ACME_REGISTRY')).toBe(true);
    expect(layout.mayBeRegistry('acme_acme')).toBe(false);
  });

  it('on SQLite: the registry file is the database of its stem in its own folder', () => {
    const layout = new PhysicalLayout({
      registry: { kind: 'sqlite', path: '/srv/data/acme_registry.db' },
      servers: [sqliteServer('default', '/srv/data/tenants'), sqliteServer('beside', '/srv/data'), sqliteServer('linked', '/srv/link')],
      resolvePath: (p) => p.replace('/srv/link', '/srv/data'),
    });
    expect(layout.isRegistryDatabase('default', 'acme_registry')).toBe(false);
    expect(layout.isRegistryDatabase('beside', 'acme_registry')).toBe(true);
    expect(layout.isRegistryDatabase('beside', 'Acme_Registry')).toBe(true);
    expect(layout.isRegistryDatabase('linked', 'acme_registry')).toBe(true);
    expect(layout.aliasesOf('beside')).toEqual(['beside', 'linked']);
  });

  it('a registry file that no tenant file can be, and a registry it was not told of', () => {
    const odd = new PhysicalLayout({ registry: { kind: 'sqlite', path: '/srv/data/registry.sqlite' }, servers: [sqliteServer('default', '/srv/data')] });
    expect(odd.registryDatabaseOn('default')).toBeUndefined();
    expect(odd.mayBeRegistry('registry')).toBe(false);
    const blind = new PhysicalLayout({ servers: [sqliteServer('default', '/srv/data')] });
    expect(blind.isRegistryDatabase('default', 'registry')).toBe(false);
    expect(blind.mayBeRegistry('anything')).toBe(true);
  });
});
