import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Certificate {
  key: string;
  cert: string;
}

/**
 * A throwaway self-signed certificate for the fixture sites, made with openssl at run time so no
 * key is ever committed. Chromium runs with --ignore-certificate-errors, but the SANs still name
 * every host so the certificate is honest about what it serves.
 */
export async function createCertificate(
  dir: string,
  hosts: readonly string[],
): Promise<Certificate> {
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  const configPath = join(dir, 'openssl.cnf');
  const altNames = hosts.map((host, index) => `DNS.${index + 1} = ${host}`).join('\n');
  await writeFile(
    configPath,
    [
      '[req]',
      'distinguished_name = dn',
      'x509_extensions = ext',
      'prompt = no',
      '[dn]',
      'CN = touchbase-e2e',
      '[ext]',
      'subjectAltName = @alt',
      'basicConstraints = critical, CA:FALSE',
      'extendedKeyUsage = serverAuth',
      '[alt]',
      altNames,
      '',
    ].join('\n'),
  );
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-config',
    configPath,
  ]);
  const [key, cert] = await Promise.all([readFile(keyPath, 'utf8'), readFile(certPath, 'utf8')]);
  return { key, cert };
}
