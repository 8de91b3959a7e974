import { chmodSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { generateCertificates } from "office-addin-dev-certs";

export interface DevCertificate {
  key: Buffer;
  cert: Buffer;
  caPath: string;
  created: boolean;
}

/**
 * A development CA and a localhost certificate under `dir`, made offline on first start. Installing
 * the CA needs administrator rights, so it is not attempted: `trustInstructions` says how.
 */
export async function ensureDevCertificate(dir: string): Promise<DevCertificate> {
  const caPath = join(dir, "ca.crt");
  const certPath = join(dir, "localhost.crt");
  const keyPath = join(dir, "localhost.key");
  let created = false;
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    // The folder first, so the key is never readable by others, not even while it is written.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    await generateCertificates(caPath, certPath, keyPath, 365, ["localhost", "127.0.0.1"]);
    created = true;
  }
  chmodSync(keyPath, 0o600);
  return { key: readFileSync(keyPath), cert: readFileSync(certPath), caPath, created };
}

export function trustInstructions(caPath: string): string {
  return [
    `The HTTPS certificate is signed by a development CA: ${caPath}`,
    "Trust it once so Excel loads the add-in:",
    `  Windows (admin PowerShell): Import-Certificate -FilePath "${caPath}" -CertStoreLocation Cert:\\LocalMachine\\Root`,
    `  macOS: sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain "${caPath}"`,
    `  Debian/Ubuntu: sudo cp "${caPath}" /usr/local/share/ca-certificates/tianbao-dev.crt && sudo update-ca-certificates`,
    "Or give the server a real certificate with TIANBAO_TLS_CERT and TIANBAO_TLS_KEY.",
  ].join("\n");
}
