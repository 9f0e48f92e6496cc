// The official client's OAuth helpers (v2.OAuth2Configuration), their OAuth host set to the mock.
// Usage: node oauth.js BASE_URL; prints one JSON line of what it saw.
const { v2 } = require("pipedrive");

const REDIRECT_URI = "http://127.0.0.1:9/callback";
const HOUR_MS = 3600 * 1000;

async function advanceMockClock(base, seconds) {
  const response = await fetch(`${base}/_mock/clock`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ advance: seconds }),
  });
  if (!response.ok) throw new Error(`clock: ${response.status}`);
}

async function main() {
  const [base] = process.argv.slice(2);
  const oauth2 = new v2.OAuth2Configuration({
    clientId: "mock-client-id", clientSecret: "mock-client-secret", redirectUri: REDIRECT_URI, host: base,
  });
  const updates = [];
  oauth2.onTokenUpdate = (token) => updates.push(token.access_token);

  // 1. The consent: a browser would follow the authorization URL; the mock consents at once and redirects.
  const authorizationUrl = oauth2.authorizationUrl;
  const consent = await fetch(`${authorizationUrl}&state=from-node`, { redirect: "manual" });
  const back = new URL(consent.headers.get("location"));
  const code = back.searchParams.get("code");

  // 2. authorize(code): the token request; basePath follows api_domain.
  const token = await oauth2.authorize(code);
  const api = new v2.ActivitiesApi(new v2.Configuration({ accessToken: oauth2.getAccessToken, basePath: oauth2.basePath }));
  const listed = await api.getActivities({ limit: 2 });

  // 3. A code is single use: the client's error is Pipedrive's message.
  let reused = null;
  try { await oauth2.authorize(code); } catch (error) { reused = error.error; }

  // 4. tokenRefresh(): a new access token and a new refresh token.
  const beforeRefresh = { access: oauth2.accessToken, refresh: oauth2.refreshToken };
  await oauth2.tokenRefresh();
  const refreshed = oauth2.accessToken !== beforeRefresh.access && oauth2.refreshToken !== beforeRefresh.refresh;

  // 5. The mock clock passes the expiry: the access token answers 401...
  await advanceMockClock(base, 3600);
  const expired = await fetch(`${base}/api/v2/activities?limit=1`, { headers: { Authorization: `Bearer ${oauth2.accessToken}` } });
  const expiredBody = await expired.json();
  // ...and once the client's clock agrees with the mock's, its next call refreshes by itself first.
  const realNow = Date.now;
  Date.now = () => realNow() + HOUR_MS;
  const accessBefore = oauth2.accessToken;
  const afterExpiry = await api.getActivities({ limit: 1 });
  Date.now = realNow;

  console.log(JSON.stringify({
    authorization_url: authorizationUrl, state: back.searchParams.get("state"), code_prefix: code.split(".")[0],
    token_type: token.token_type, expires_in: token.expires_in, api_domain: token.api_domain, scope: token.scope,
    base_path: oauth2.basePath, listed: listed.data.length, reused_code_error: reused, refreshed,
    expired_status: expired.status, expired_error: expiredBody.error,
    auto_refreshed: oauth2.accessToken !== accessBefore, after_expiry_listed: afterExpiry.data.length,
    token_updates: updates.length,
  }));
}

main().catch((error) => { console.error(error); process.exit(1); });
