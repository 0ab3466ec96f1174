/** Debian's nginx, for the tests that run the deployment recipe's configuration (docs/deploy.md). */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));
const DOC = path.resolve(import.meta.dirname, '../../docs/deploy.md');

/** A free TCP port on 127.0.0.1 (for processes that must listen on a port chosen in advance). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** The recipe's nginx block, pointed at these ports and folders, inside a minimal main configuration. */
export function recipeConfig(dir: string, listenPort: number, upstreams: [number, number]): string {
  const block = /```nginx\n([\s\S]*?)```/.exec(fs.readFileSync(DOC, 'utf8'))?.[1];
  if (!block) throw new Error('docs/deploy.md has no nginx block');
  const site = block
    .replace('server 127.0.0.1:3001', `server 127.0.0.1:${upstreams[0]}`)
    .replace('server 127.0.0.1:3002', `server 127.0.0.1:${upstreams[1]}`)
    .replace('/var/cache/nginx/paperboy', path.join(dir, 'cache'))
    .replace('listen 80;', `listen 127.0.0.1:${listenPort};`);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${path.join(dir, t)};`).join(' ');
  return `${process.getuid?.() === 0 ? 'user root;\n' : ''}daemon off;
error_log ${path.join(dir, 'error.log')} warn;
pid ${path.join(dir, 'nginx.pid')};
events { worker_connections 256; }
http {
  access_log off;
  ${temp}
${site}
}
`;
}

