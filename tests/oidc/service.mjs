#!/usr/bin/env node
// -----------------------------------------------------------------------------
// A department's online service for end-to-end tests: a relying party of the
// portal's sign-on hub, built on the certified npm package `openid-client`
// (6.8.9). Plain HTTP on 127.0.0.1; everything in memory.
//
// Usage:  node service.mjs /path/to/config.json
// stdout: one line "READY <base url> <public JWK Set as JSON>" once listening.
//
// Config (JSON):
// {
//   "issuer": "http://127.0.0.1:8080",      // the portal (discovery is read lazily)
//   "client_id": "ho-tich",
//   "client_secret": "...",                  // for client_secret_basic / _post
//   "auth": "client_secret_basic" | "client_secret_post" | "private_key_jwt",
//   "id_token_alg": "ES256" | "RS256",
//   "scope": "openid profile"
// }
//
// Routes:
//   GET  /login[?prompt=..&acr_values=..]  -> 302 to the hub's authorisation endpoint
//   GET  /callback                         -> exchanges the code; 200 JSON
//        { sub, claims, userinfo, id_token } or 400 JSON { error, error_description }
//   POST /backchannel-logout               -> verifies the logout token (jose, the
//        hub's JWKS); 200 when valid, 400 otherwise; every one is recorded
//   GET  /logouts                          -> 200 JSON: the logout tokens received
//   GET  /jwks                             -> 200 JSON: its public keys (jwks_uri)
//   GET  /assertion?kind=valid|wrong-key|expired -> a client assertion (refusal tests)
//   GET  /logout                           -> 302 to the hub's end-session endpoint
//   GET  /signed-out                       -> 200 "signed out" (post-logout redirect)
// -----------------------------------------------------------------------------

import * as http from 'node:http';
import { readFileSync } from 'node:fs';
import * as client from 'openid-client';
import * as jose from 'jose';

console.log = (...a) => console.error(...a);
console.info = (...a) => console.error(...a);

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true });
const publicJwk = { ...(await jose.exportJWK(publicKey)), kid: 'service-key-1', alg: 'ES256', use: 'sig' };

const flows = new Map();   // state -> { verifier, nonce }
const logouts = [];        // { valid, claims | error }
let lastIdToken = null;
let configuration = null;
let base = null;

async function hub() {
  if (configuration) return configuration;
  const metadata = { id_token_signed_response_alg: cfg.id_token_alg || 'ES256' };
  let auth;
  if (cfg.auth === 'private_key_jwt') auth = client.PrivateKeyJwt({ key: privateKey, kid: publicJwk.kid });
  else if (cfg.auth === 'client_secret_post') auth = client.ClientSecretPost(cfg.client_secret);
  else auth = client.ClientSecretBasic(cfg.client_secret);
  configuration = await client.discovery(new URL(cfg.issuer), cfg.client_id, metadata, auth, {
    execute: [client.allowInsecureRequests],
  });
  return configuration;
}

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', ...headers });
  res.end(text);
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, base);
  try {
    if (req.method === 'GET' && url.pathname === '/login') {
      const config = await hub();
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      flows.set(state, { verifier, nonce });
      const params = {
        redirect_uri: `${base}/callback`,
        scope: cfg.scope || 'openid profile',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      };
      for (const [k, v] of url.searchParams) params[k] = v;
      return send(res, 302, '', { location: client.buildAuthorizationUrl(config, params).href });
    }
    if (req.method === 'GET' && url.pathname === '/callback') {
      const config = await hub();
      const flow = flows.get(url.searchParams.get('state'));
      if (!flow) return send(res, 400, { error: 'unknown_state' });
      flows.delete(url.searchParams.get('state'));
      try {
        const tokens = await client.authorizationCodeGrant(config, url, {
          pkceCodeVerifier: flow.verifier,
          expectedState: url.searchParams.get('state'),
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        lastIdToken = tokens.id_token;
        return send(res, 200, { sub: claims.sub, claims, userinfo, id_token: tokens.id_token, access_token: tokens.access_token });
      } catch (e) {
        return send(res, 400, { error: e.error || e.code || 'error', error_description: e.error_description || e.message });
      }
    }
    if (req.method === 'POST' && url.pathname === '/backchannel-logout') {
      const config = await hub();
      const form = new URLSearchParams(await readBody(req));
      const token = form.get('logout_token');
      try {
        const jwks = jose.createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
        const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, {
          issuer: config.serverMetadata().issuer,
          audience: cfg.client_id,
          typ: 'logout+jwt',
          maxTokenAge: '2m',
        });
        const event = payload.events && payload.events['http://schemas.openid.net/event/backchannel-logout'];
        if (!event || typeof event !== 'object') throw new Error('no back-channel logout event');
        if ('nonce' in payload) throw new Error('a logout token must not carry a nonce');
        if (!payload.sid && !payload.sub) throw new Error('neither sid nor sub');
        if (!payload.jti) throw new Error('no jti');
        logouts.push({ valid: true, claims: payload, alg: protectedHeader.alg });
        return send(res, 200, '');
      } catch (e) {
        logouts.push({ valid: false, error: e.message });
        return send(res, 400, { error: 'invalid_request', error_description: e.message });
      }
    }
    if (req.method === 'GET' && url.pathname === '/logouts') return send(res, 200, logouts);
    if (req.method === 'GET' && url.pathname === '/jwks') return send(res, 200, { keys: [publicJwk] });
    if (req.method === 'GET' && url.pathname === '/assertion') {
      // For the hub's refusal tests: a client assertion signed with this service's key,
      // or with one it never registered (kind=wrong-key), or long expired (kind=expired).
      const config = await hub();
      const kind = url.searchParams.get('kind') || 'valid';
      const now = Math.floor(Date.now() / 1000);
      const key = kind === 'wrong-key' ? (await jose.generateKeyPair('ES256')).privateKey : privateKey;
      const jwt = await new jose.SignJWT({ jti: crypto.randomUUID() })
        .setProtectedHeader({ alg: 'ES256', kid: publicJwk.kid })
        .setIssuer(cfg.client_id)
        .setSubject(cfg.client_id)
        .setAudience(config.serverMetadata().token_endpoint)
        .setIssuedAt(kind === 'expired' ? now - 3600 : now)
        .setExpirationTime(kind === 'expired' ? now - 3000 : now + 60)
        .sign(key);
      return send(res, 200, jwt);
    }
    if (req.method === 'GET' && url.pathname === '/logout') {
      const config = await hub();
      const params = { post_logout_redirect_uri: `${base}/signed-out` };
      if (lastIdToken) params.id_token_hint = lastIdToken;
      return send(res, 302, '', { location: client.buildEndSessionUrl(config, params).href });
    }
    if (req.method === 'GET' && url.pathname === '/signed-out') return send(res, 200, 'signed out');
    return send(res, 404, { error: 'not_found' });
  } catch (e) {
    console.error(e);
    return send(res, 500, { error: 'service_error', error_description: e.message });
  }
});

server.listen(cfg.port || 0, '127.0.0.1', () => {
  base = `http://127.0.0.1:${server.address().port}`;
  process.stdout.write(`READY ${base} ${JSON.stringify({ keys: [publicJwk] })}\n`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
