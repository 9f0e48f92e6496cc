// The official Pipedrive client, unchanged but for the base path, against the mock.
// Usage: node client.js BASE_URL TOKEN; prints one JSON line of what it saw.
const { v2 } = require("pipedrive");

async function main() {
  const [base, apiKey] = process.argv.slice(2);
  const config = new v2.Configuration({ apiKey, basePath: `${base}/api/v2` });
  const api = new v2.ActivitiesApi(config);
  const added = await api.addActivity({
    AddActivityRequest: { subject: "Call from Node", type: "call", due_date: "2025-07-01", due_time: "10:00" },
  });
  const id = added.data.id;
  const updated = await api.updateActivity({ id, AddActivityRequest: { done: true } });
  const got = await api.getActivity({ id });
  const first = await api.getActivities({ limit: 2, sort_by: "id", sort_direction: "desc" });
  const second = await api.getActivities({ limit: 2, sort_by: "id", sort_direction: "desc",
                                           cursor: first.additional_data.next_cursor });
  const deleted = await api.deleteActivity({ id });
  let message = null;
  try {
    await api.getActivities({ limit: 0 });
  } catch (error) {
    // The client rejects with the parsed Pipedrive error body.
    message = error.error;
  }
  console.log(JSON.stringify({
    added: added.data.subject, more: added.additional_data.more_activities_scheduled_in_context,
    done: updated.data.done, got: got.data.id === id, first: first.data.map((a) => a.id),
    second: second.data.map((a) => a.id), deleted: deleted.data.id === id, bad_limit_error: message,
  }));
}

main().catch((error) => { console.error(error); process.exit(1); });
