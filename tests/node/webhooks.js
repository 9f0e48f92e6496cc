// The official client's v1 WebhooksApi against the mock: subscribe a receiver (basic auth, v2 payloads), list
// the subscriptions, have an activity added through the v2 ActivitiesApi delivered, refuse a target outside
// loopback, delete the subscription. Usage: node webhooks.js BASE_URL TOKEN, the receiver's URL on stdin;
// prints one JSON line.
const { v1, v2 } = require("pipedrive");

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString().trim();
}

// Deliveries go out beside the answers; deleting the subscription drops one still waiting (outcome
// "deleted"). So the add's delivery is awaited in the mock's delivery log (at most 5 s) before the delete.
async function delivered(base, webhookId, activityId) {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const log = await (await fetch(`${base}/_mock/webhooks/deliveries?webhook_id=${webhookId}`)).json();
    if (log.deliveries.some((d) => d.entity_id === activityId && d.outcome === "delivered")) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function main() {
  const [base, apiKey] = process.argv.slice(2);
  const receiver = await readStdin();
  const webhooks = new v1.WebhooksApi(new v1.Configuration({ apiKey, basePath: `${base}/v1` }));
  const activities = new v2.ActivitiesApi(new v2.Configuration({ apiKey, basePath: `${base}/api/v2` }));

  const added = await webhooks.addWebhook({ AddWebhookRequest: {
    subscription_url: receiver, event_action: "create", event_object: "activity", name: "From Node",
    http_auth_user: "node", http_auth_password: "secret", version: "2.0" } });
  const listed = await webhooks.getWebhooks();
  const activity = await activities.addActivity({ AddActivityRequest: { subject: "Delivered to Node's hook" } });
  await delivered(base, added.data.id, activity.data.id);
  let refused = null;
  try {
    await webhooks.addWebhook({ AddWebhookRequest: {
      subscription_url: "https://hooks.example.com/in", event_action: "*", event_object: "*", name: "Far" } });
  } catch (error) {
    refused = error;  // the parsed body of the webhooks API's own 400
  }
  const deleted = await webhooks.deleteWebhook({ id: added.data.id });
  const after = await webhooks.getWebhooks();
  console.log(JSON.stringify({
    added: { status: added.status, success: added.success, data: added.data }, listed: listed.data.map((w) => w.id),
    activity: activity.data.id, refused, deleted: [deleted.success], after: after.data.map((w) => w.id),
  }));
}

main().catch((error) => { console.error(error); process.exit(1); });
