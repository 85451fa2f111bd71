import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A self-signed certificate for 127.0.0.1 and localhost, made by the openssl CLI in a temp dir. */
export interface TestCert {
  dir: string;
  keyFile: string;
  certFile: string;
  key: Buffer;
  cert: Buffer;
  remove(): void;
}

export function selfSignedCert(): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'pipekit-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  // An EC key: generated in milliseconds, where RSA 2048 takes a noticeable while on a busy machine.
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=pipekit test',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  return {
    dir,
    keyFile,
    certFile,
    key: readFileSync(keyFile),
    cert: readFileSync(certFile),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A key and certificate, PEM. */
export interface KeyCert {
  key: string;
  cert: string;
}

/**
 * A test PKI made with the openssl CLI in a temp dir: a root CA, an intermediate it
 * signed, and leaves the intermediate signs. `chain` is what a server should send
 * (leaf + intermediate); `root` is what a client trusts (--ca-file).
 */
export interface TestPki {
  dir: string;
  /** The root CA certificate's file, for --ca-file. */
  rootFile: string;
  root: string;
  intermediate: KeyCert;
  /** A leaf for `names` (DNS or IP SANs), signed by the intermediate; `days` < 0 makes it expired. */
  leaf(names: string[], days?: number): KeyCert & { chain: string };
  /** A self-signed certificate for `names`. */
  selfSigned(names: string[]): KeyCert;
  remove(): void;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function san(names: string[]): string {
  return `subjectAltName=${names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',')}`;
}

export function testPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'pipekit-pki-'));
  const f = (name: string) => join(dir, name);
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  const caExt = f('ca.ext');
  writeFileSync(caExt, 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n');
  openssl(['req', '-x509', ...EC, '-keyout', f('root.key'), '-out', f('root.pem'), '-days', '3', '-subj', '/CN=pipekit test root', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', ...EC, '-keyout', f('int.key'), '-out', f('int.csr'), '-subj', '/CN=pipekit test intermediate']);
  openssl(['x509', '-req', '-in', f('int.csr'), '-CA', f('root.pem'), '-CAkey', f('root.key'), '-CAcreateserial', '-days', '3', '-extfile', caExt, '-out', f('int.pem')]);
  const read = (name: string) => readFileSync(f(name), 'utf8');
  const intermediate = { key: read('int.key'), cert: read('int.pem') };
  let n = 0;
  return {
    dir,
    rootFile: f('root.pem'),
    root: read('root.pem'),
    intermediate,
    leaf(names, days = 3) {
      const id = `leaf${n++}`;
      writeFileSync(f(`${id}.ext`), `${san(names)}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
      openssl(['req', ...EC, '-keyout', f(`${id}.key`), '-out', f(`${id}.csr`), '-subj', `/CN=${names[0]}`]);
      openssl(['x509', '-req', '-in', f(`${id}.csr`), '-CA', f('int.pem'), '-CAkey', f('int.key'), '-CAcreateserial', '-days', String(days), '-extfile', f(`${id}.ext`), '-out', f(`${id}.pem`)]);
      const cert = read(`${id}.pem`);
      return { key: read(`${id}.key`), cert, chain: cert + intermediate.cert };
    },
    selfSigned(names) {
      const id = `self${n++}`;
      openssl(['req', '-x509', ...EC, '-keyout', f(`${id}.key`), '-out', f(`${id}.pem`), '-days', '3', '-subj', `/CN=${names[0]}`, '-addext', san(names)]);
      return { key: read(`${id}.key`), cert: read(`${id}.pem`) };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
