#!/usr/bin/env node
// -----------------------------------------------------------------------------
// Stand-in "national login" OpenID Provider for end-to-end tests.
//
// Built on the certified npm package `oidc-provider` (tested with 9.13.3,
// Node 20). Everything (keys, sessions, grants) lives in memory; nothing is
// written to disk. Plain HTTP on 127.0.0.1 only (no TLS, no proxy needed).
//
// Usage:  node provider.mjs /path/to/config.json
//
// stdout: exactly one line "READY <issuer>" once the server is listening
//         (all library notices/warnings and our own logs go to stderr).
// Exit:   SIGTERM / SIGINT -> close server, exit 0.
//
// Config file (JSON):
// {
//   "port": 9080,                         // 0 or absent => pick a free port
//   "issuer": "http://127.0.0.1:9080",    // absent => http://127.0.0.1:<port>
//   "clients": [ { ...oidc-provider / RFC 7591 client metadata, as is... } ],
//   "accounts": { "<sub>": { "name": "...", "birthdate": "1990-01-01",
//                            "phone_number": "+84...", "email": "...",
//                            "citizen_id": "0790..." } },
//   "acr": ["urn:example:loa:2", "urn:example:loa:3"],   // optional
//   "features": {                          // all optional, defaults shown
//     "par": true,                 // pushed authorization requests endpoint
//     "requirePar": false,         // force PAR for every client
//     "rpInitiatedLogout": true,   // /session/end
//     "backchannelLogout": true,   // logout_token POSTed to backchannel_logout_uri
//     "encryption": true,          // encrypted ID tokens / userinfo (client jwks)
//     "claimsParameter": false,    // OIDC `claims` request parameter
//     "introspection": false,
//     "revocation": false,
//     "pkceRequired": null,        // null: library default (public clients only)
//                                  // true: always, false: never
//     "conformIdTokenClaims": false, // false: scope claims (profile, email,
//                                  // phone, citizen) are ALSO put in the ID
//                                  // token; true: only via userinfo (spec-strict)
//     "autoConsent": false,        // true: skip the consent page entirely
//     "testEndpoints": false       // true: POST /__test/backchannel_logout and
//                                  //       POST /__test/tamper (see below)
//   },
//   "clockTolerance": 15,          // seconds (client assertions, id_token_hint…)
//   "ttl": { "AccessToken": 3600, "AuthorizationCode": 60, "IdToken": 3600,
//            "Interaction": 3600, "Session": 1209600, "Grant": 1209600 },
//   "claims": { ...override the scope -> claims map below... }
// }
//
// Login (devInteractions page at /interaction/<uid>): login = the account's
// `sub` (must exist in `accounts`), any non-empty password. The login POST may
// carry an optional extra field `acr` to choose the authenticated ACR; if it is
// absent the first requested `acr_values` entry that is configured is used,
// otherwise the first configured acr. amr is always ["pwd"].
// -----------------------------------------------------------------------------

import * as http from 'node:http';
import * as querystring from 'node:querystring';
import { readFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';

// oidc-provider prints its NOTICE lines with console.info (= stdout). Keep
// stdout clean for the READY line: route info/log to stderr.
console.info = (...a) => console.error(...a);
console.log = (...a) => console.error(...a);

const { default: Provider } = await import('oidc-provider');

// --------------------------------------------------------------------------- config
const configPath = process.argv[2];
if (!configPath) {
  console.error('usage: node provider.mjs <config.json>');
  process.exit(2);
}
const cfg = JSON.parse(readFileSync(configPath, 'utf8'));
const feat = {
  par: true,
  requirePar: false,
  rpInitiatedLogout: true,
  backchannelLogout: true,
  encryption: true,
  claimsParameter: false,
  introspection: false,
  revocation: false,
  pkceRequired: null,
  conformIdTokenClaims: false,
  autoConsent: false,
  testEndpoints: false,
  ...(cfg.features || {}),
};
const accounts = cfg.accounts || {};
const acrValues = Array.isArray(cfg.acr) ? cfg.acr : [];

// --------------------------------------------------------------------------- keys
// One signing key per algorithm, each tagged with `alg` so the published JWKS is
// unambiguous for strict RP libraries. A client chooses via its
// `id_token_signed_response_alg` (RS256 default, PS256, ES256).
function jwk(type, opts, alg, kid) {
  const { privateKey } = generateKeyPairSync(type, opts);
  return { ...privateKey.export({ format: 'jwk' }), alg, use: 'sig', kid };
}
const jwks = {
  keys: [
    jwk('rsa', { modulusLength: 2048 }, 'RS256', 'rs256-1'),
    jwk('rsa', { modulusLength: 2048 }, 'PS256', 'ps256-1'),
    jwk('ec', { namedCurve: 'P-256' }, 'ES256', 'es256-1'),
  ],
};

// --------------------------------------------------------------------------- claims
// scope -> claims. Scopes that appear here are automatically added to
// scopes_supported. `openid` => sub; acr/sid/auth_time handled by the library.
const claims = cfg.claims || {
  // acr / amr / auth_time are standalone claims in oidc-provider: they only
  // reach the ID token when requested (acr_values, max_age, claims param).
  // Listing them under `openid` makes them always present in the ID token
  // (values come from the login result, not from the account).
  openid: ['sub', 'acr', 'amr', 'auth_time'],
  profile: ['name', 'given_name', 'family_name', 'middle_name', 'birthdate',
    'gender', 'address', 'picture', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  citizen: ['citizen_id'],
};

async function findAccount(ctx, sub) {
  const data = accounts[sub];
  if (!data) return undefined;
  return {
    accountId: sub,
    // The library filters this object by granted scopes / claims itself.
    async claims() { return { ...data, sub }; },
  };
}

// --------------------------------------------------------------------------- ttl
const ttlSeconds = {
  AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 3600,
  Session: 14 * 24 * 3600, Grant: 14 * 24 * 3600, RefreshToken: 14 * 24 * 3600,
  ClientCredentials: 600,
  ...(cfg.ttl || {}),
};
const ttl = Object.fromEntries(Object.entries(ttlSeconds).map(([k, v]) => [k, () => v]));

// --------------------------------------------------------------------------- server
// Listen first so that port 0 works and the issuer can be derived.
const server = http.createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(cfg.port ?? 0, '127.0.0.1', resolve);
});
const port = server.address().port;
const issuer = cfg.issuer || `http://127.0.0.1:${port}`;

const configuration = {
  clients: cfg.clients || [],
  findAccount,
  claims,
  acrValues,
  jwks,
  ttl,
  clockTolerance: cfg.clockTolerance ?? 15,
  conformIdTokenClaims: !!feat.conformIdTokenClaims,
  pkce: {
    required: feat.pkceRequired === null || feat.pkceRequired === undefined
      // library default: PKCE mandatory for public clients (auth method none)
      ? (ctx, client) => client.clientAuthMethod === 'none'
      : () => !!feat.pkceRequired,
  },
  // PITFALL: oidc-provider v9 wraps every outgoing request (backchannel
  // logout POST, client jwks_uri, sector_identifier_uri) in an SSRF-protected
  // undici dispatcher that destroys sockets to special-use IPs, INCLUDING
  // 127.0.0.0/8 and ::1 ("TypeError: fetch failed" / backchannel.error). Our
  // RPs live on loopback, so drop that dispatcher. Test-only!
  fetch: (url, options) => {
    delete options.dispatcher;
    return globalThis.fetch(url, options);
  },
  // No browser/CORS use in tests; silences the "you SHOULD change" notice.
  clientBasedCORS: () => true,
  features: {
    devInteractions: { enabled: true },
    pushedAuthorizationRequests: {
      enabled: !!feat.par,
      requirePushedAuthorizationRequests: !!feat.requirePar,
    },
    rpInitiatedLogout: { enabled: !!feat.rpInitiatedLogout },
    backchannelLogout: { enabled: !!feat.backchannelLogout },
    encryption: { enabled: !!feat.encryption },
    claimsParameter: { enabled: !!feat.claimsParameter },
    introspection: { enabled: !!feat.introspection },
    revocation: { enabled: !!feat.revocation },
    // resourceIndicators is on by default in v9; without resource servers it
    // would only complicate access tokens, so turn it off.
    resourceIndicators: { enabled: false },
    userinfo: { enabled: true },
  },
  enabledJWA: {
    idTokenSigningAlgValues: ['RS256', 'PS256', 'ES256'],
    // default list already contains RSA-OAEP-256 / A256GCM; kept explicit
    idTokenEncryptionAlgValues: ['RSA-OAEP', 'RSA-OAEP-256', 'ECDH-ES', 'A128KW', 'A256KW', 'dir'],
    idTokenEncryptionEncValues: ['A128CBC-HS256', 'A128GCM', 'A256CBC-HS512', 'A256GCM'],
  },
};

if (feat.autoConsent) {
  // Create (or reuse) a grant covering everything requested, so the consent
  // prompt never shows. Pattern from the oidc-provider docs (loadExistingGrant).
  configuration.loadExistingGrant = async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const g = await ctx.oidc.provider.Grant.find(grantId);
      if (g) return g;
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.requestParamScopes.size
      ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
    if (ctx.oidc.claims) grant.addOIDCClaims(Object.keys({ ...ctx.oidc.claims.id_token, ...ctx.oidc.claims.userinfo }));
    await grant.save();
    return grant;
  };
}

const provider = new Provider(issuer, configuration);

// --------------------------------------------------------------------------- logging
const log = (...a) => console.error('[op]', ...a);
for (const ev of ['server_error', 'authorization.error', 'grant.error', 'end_session.error',
  'pushed_authorization_request.error', 'userinfo.error', 'backchannel.error']) {
  provider.on(ev, (ctx, err, ...rest) => {
    const e = err instanceof Error ? err : rest.find((x) => x instanceof Error);
    // error_detail carries the real reason for invalid_client (e.g. bad aud),
    // which the HTTP response deliberately hides.
    log(ev, e ? `${e.name}: ${e.message} ${e.error_description || ''} ${e.error_detail || ''} ${e.cause?.message || ''}` : '');
  });
}
provider.on('backchannel.success', (ctx, client, accountId, sid) => log('backchannel.success', client.clientId, accountId, sid));
provider.on('end_session.success', () => log('end_session.success'));
provider.on('grant.success', (ctx) => log('grant.success', ctx.oidc.client?.clientId));

// --------------------------------------------------------------------------- interactions
// GET  /interaction/:uid        -> built-in devInteractions page (login or consent)
// GET  /interaction/:uid/abort  -> built-in: finishes with error=access_denied
// POST /interaction/:uid        -> handled here (same form fields as the built-in
//                                  handler) so we can validate the account and
//                                  set acr/amr, which devInteractions does not.
async function readForm(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return querystring.parse(Buffer.concat(chunks).toString('utf8'));
}

function htmlError(ctx, status, msg) {
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = `<!DOCTYPE html><html><body><h1>error</h1><pre>${String(msg).replace(/[<>&"]/g, '')}</pre></body></html>`;
}

provider.use(async (ctx, next) => {
  const m = ctx.method === 'POST' && /^\/interaction\/([^/]+)$/.exec(ctx.path);
  if (!m) return next();
  ctx.set('cache-control', 'no-store');

  let details;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch (err) {
    return htmlError(ctx, 400, `${err.name}: ${err.message}`);
  }
  const body = await readForm(ctx.req);
  const { prompt: { name, details: promptDetails }, params, session, grantId } = details;

  if (body.prompt === 'login' && name === 'login') {
    const sub = String(body.login || '');
    if (!sub || !body.password) return htmlError(ctx, 400, 'login and password are required');
    if (!accounts[sub]) return htmlError(ctx, 400, `unknown account: ${sub}`);
    const requested = String(params.acr_values || '').split(' ').filter(Boolean);
    const acr = body.acr
      || requested.find((v) => acrValues.includes(v))
      || acrValues[0];
    const login = { accountId: sub, amr: ['pwd'], ...(acr ? { acr: String(acr) } : {}) };
    ctx.respond = false; // we write the raw 303 response below
    return provider.interactionFinished(ctx.req, ctx.res, { login }, { mergeWithLastSubmission: false });
  }

  if (body.prompt === 'consent' && name === 'consent') {
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (promptDetails.missingOIDCScope) grant.addOIDCScope(promptDetails.missingOIDCScope.join(' '));
    if (promptDetails.missingOIDCClaims) grant.addOIDCClaims(promptDetails.missingOIDCClaims);
    if (promptDetails.missingResourceScopes) {
      for (const [indicator, scope] of Object.entries(promptDetails.missingResourceScopes)) {
        grant.addResourceScope(indicator, scope.join(' '));
      }
    }
    const result = { consent: { grantId: await grant.save() } };
    ctx.respond = false;
    return provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
  }

  return htmlError(ctx, 400, `unexpected prompt ${body.prompt} (interaction is at ${name})`);
});

// Optional helper: make the OP send a back-channel logout token without a
// browser session. POST /__test/backchannel_logout (form or JSON)
//   client_id=<id>&sub=<sub>[&sid=<sid>]   -> 204 on 200/204 from the RP, 502 otherwise
if (feat.testEndpoints) {
  provider.use(async (ctx, next) => {
    if (!(ctx.method === 'POST' && ctx.path === '/__test/backchannel_logout')) return next();
    const chunks = [];
    for await (const c of ctx.req) chunks.push(c);
    const raw = Buffer.concat(chunks).toString('utf8');
    const p = ctx.is('application/json') ? JSON.parse(raw) : querystring.parse(raw);
    const client = await provider.Client.find(String(p.client_id));
    if (!client || !client.backchannelLogoutUri) {
      ctx.status = 400; ctx.body = { error: 'unknown client or no backchannel_logout_uri' }; return;
    }
    try {
      await client.backchannelLogout(String(p.sub), p.sid ? String(p.sid) : undefined);
      ctx.status = 204;
    } catch (err) {
      ctx.status = 502; ctx.body = { error: err.message };
    }
  });
}

// Optional helper: ID tokens a certified provider would never issue, for the relying
// party's refusals. POST /__test/tamper {"mode": M} makes every later token response carry
// an ID token changed by M, re-signed with the provider's own key unless M is about the
// signature: "nonce" (another nonce), "expired", "audience" (another client), "none"
// (alg none, no signature), "unknown-key" (signed by a key the provider does not publish),
// or null (as issued).
let tamper = null;
if (feat.testEndpoints) {
  const { SignJWT, importJWK, decodeJwt, decodeProtectedHeader, generateKeyPair } = await import('jose');
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const tampered = async (token) => {
    const header = decodeProtectedHeader(token);
    const claims = decodeJwt(token);
    const now = Math.floor(Date.now() / 1000);
    let key = jwks.keys.find((k) => k.kid === header.kid);
    let signingKey = await importJWK(key, header.alg);
    switch (tamper) {
      case 'nonce': claims.nonce = 'not-the-one-sent'; break;
      case 'expired': claims.iat = now - 7200; claims.exp = now - 3600; break;
      case 'audience': claims.aud = 'another-service'; break;
      case 'none': return `${b64({ alg: 'none' })}.${b64(claims)}.`;
      case 'unknown-key':
        header.kid = 'not-published-1';
        signingKey = (await generateKeyPair(header.alg)).privateKey;
        break;
      default: return token;
    }
    return new SignJWT(claims).setProtectedHeader(header).sign(signingKey);
  };
  provider.use(async (ctx, next) => {
    if (ctx.method === 'POST' && ctx.path === '/__test/tamper') {
      const chunks = [];
      for await (const c of ctx.req) chunks.push(c);
      tamper = JSON.parse(Buffer.concat(chunks).toString('utf8')).mode ?? null;
      log('tamper', tamper);
      ctx.status = 204;
      return;
    }
    await next();
    if (tamper && ctx.method === 'POST' && ctx.path === '/token' && ctx.body && ctx.body.id_token) {
      ctx.body = { ...ctx.body, id_token: await tampered(ctx.body.id_token) };
    }
  });
}

// --------------------------------------------------------------------------- go
// Static client metadata is validated lazily by oidc-provider (an invalid
// client only shows up as an `invalid_client_metadata` error page on first
// use). Validate everything now and fail fast instead.
for (const c of configuration.clients) {
  try {
    if (!await provider.Client.find(String(c.client_id))) throw new Error('not found');
  } catch (err) {
    console.error(`invalid client ${c.client_id}: ${err.error_description || err.message}`);
    process.exit(1);
  }
}

server.on('request', provider.callback());
process.stdout.write(`READY ${issuer}\n`);

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
