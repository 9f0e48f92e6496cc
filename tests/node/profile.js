// Under `--api-profile current`, the official client sending person_id meets the live API's 400 (tests/test_node_client.py).
// Usage: node profile.js BASE_URL TOKEN; prints one JSON line: the rejected error body and the activity made instead.
const { v2 } = require("pipedrive");

async function main() {
  const [base, apiKey] = process.argv.slice(2);
  const api = new v2.ActivitiesApi(new v2.Configuration({ apiKey, basePath: `${base}/api/v2` }));
  let rejected = null;
  try {
    await api.addActivity({ AddActivityRequest: { subject: "Old habit", person_id: 3 } });
  } catch (error) {
    rejected = error;  // the parsed Pipedrive error body
  }
  const added = await api.addActivity({
    AddActivityRequest: { subject: "New way", participants: [{ person_id: 3, primary: true }] },
  });
  console.log(JSON.stringify({ rejected, person_id: added.data.person_id }));
}

main().catch((error) => { console.error(error); process.exit(1); });
