// A real OpenID provider (panva's oidc-provider) on a random loopback port, for the
// end-to-end tests. It issues JWT access tokens (RFC 9068) to client-credentials clients
// for the resource named in the token request, and can rotate its signing key.
//
// Prints one line of JSON, {"issuer": "http://127.0.0.1:PORT"}, once it listens.
// POST /test/rotate adds a new signing key (the old one is still published);
// POST /test/retire stops publishing every key but the newest.

import crypto from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const CLIENTS = [
  { client_id: 'service', client_secret: 'service-secret', ttl: 300 },
  { client_id: 'short-lived', client_secret: 'short-lived-secret', ttl: 2 },
];
const RESOURCES = new Set(['https://api.example.test', 'https://other-api.example.test']);

let generation = 0;

function newSigningKey() {
  generation += 1;
  // Exported as PEM and imported again: exporting a fresh key straight to JWK can hang on Node 20.
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const jwk = crypto.createPrivateKey(pem).export({ format: 'jwk' });
  return { ...jwk, kid: `key-${generation}`, use: 'sig', alg: 'RS256' };
}

function buildProvider(issuer, keys) {
  const ttlOf = Object.fromEntries(CLIENTS.map((c) => [c.client_id, c.ttl]));
  const provider = new Provider(issuer, {
    clients: CLIENTS.map(({ client_id, client_secret }) => ({
      client_id,
      client_secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    jwks: { keys },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource, client) => {
          if (!RESOURCES.has(resource)) throw new Provider.errors.InvalidTarget();
          return {
            scope: 'read:items write:items',
            audience: resource,
            accessTokenFormat: 'jwt',
            accessTokenTTL: ttlOf[client.clientId],
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
  });
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  return provider;
}

const server = http.createServer();
let keys = [newSigningKey()];
let provider;
let handle;

server.on('request', (req, res) => {
  if (req.method === 'POST' && (req.url === '/test/rotate' || req.url === '/test/retire')) {
    keys = req.url === '/test/rotate' ? [newSigningKey(), ...keys] : keys.slice(0, 1);
    provider = buildProvider(provider.issuer, keys);
    handle = provider.callback();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kids: keys.map((k) => k.kid) }));
    return;
  }
  handle(req, res);
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  provider = buildProvider(`http://127.0.0.1:${port}`, keys);
  handle = provider.callback();
  process.stdout.write(`${JSON.stringify({ issuer: provider.issuer })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
// Never outlive the test run that started us.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
