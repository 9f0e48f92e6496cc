// The official client sends every field of its request models, then reads them back (tests/test_node_client.py).
// Usage: node fields.js BASE_URL TOKEN < {"add": {...}, "update": {...}}; prints one JSON line of what it saw.
const { v2 } = require("pipedrive");

async function failure(call) {
  try {
    await call();
    return null;
  } catch (error) {
    // The client rejects with the parsed Pipedrive error body (its errorInterceptor).
    return error;
  }
}

async function main() {
  const [base, apiKey] = process.argv.slice(2);
  const bodies = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const api = new v2.ActivitiesApi(new v2.Configuration({ apiKey, basePath: `${base}/api/v2` }));
  const added = await api.addActivity({ AddActivityRequest: bodies.add });
  const id = added.data.id;
  const updated = await api.updateActivity({ id, AddActivityRequest: bodies.update });
  const got = await api.getActivity({ id, include_fields: "attendees" });
  const gotPlain = await api.getActivity({ id });
  const listed = await api.getActivities({ ids: String(id), include_fields: "attendees" });
  const listedPlain = await api.getActivities({ limit: 1 });
  const errors = {
    400: await failure(() => api.getActivities({ limit: 0 })),
    404: await failure(() => api.getActivity({ id: 2147483647 })),
    401: await failure(() => new v2.ActivitiesApi(new v2.Configuration({ apiKey: "no-such-token",
      basePath: `${base}/api/v2` })).getActivity({ id })),
  };
  console.log(JSON.stringify({ added: added.data, updated: updated.data, got: got.data, got_plain: gotPlain.data,
    listed: listed.data, listed_plain: listedPlain.data, errors }));
}

main().catch((error) => { console.error(error); process.exit(1); });
