// The official client's ActivityTypesApi, UsersApi (v1) and ActivityFieldsApi (v2, and v1) against the mock,
// in the flow of a real integration: who am I, which types exist, add a type, add an activity of it with a
// priority taken from activityFields, list it back. Usage: node resources.js BASE_URL TOKEN; prints one JSON line.
const { v1, v2 } = require("pipedrive");

async function main() {
  const [base, apiKey] = process.argv.slice(2);
  const config1 = new v1.Configuration({ apiKey, basePath: `${base}/v1` });
  const config2 = new v2.Configuration({ apiKey, basePath: `${base}/api/v2` });
  const users = new v1.UsersApi(config1);
  const types = new v1.ActivityTypesApi(config1);
  const fields = new v2.ActivityFieldsApi(config2);
  const fieldsV1 = new v1.ActivityFieldsApi(config1);
  const activities = new v2.ActivitiesApi(config2);

  const me = await users.getCurrentUser();
  const everyone = await users.getUsers();
  const one = await users.getUser({ id: me.data.id });
  const before = await types.getActivityTypes();
  const added = await types.addActivityType({
    AddActivityTypeRequest: { name: "Video call", icon_key: "camera", color: "00AAFF" } });
  const renamed = await types.updateActivityType({ id: added.data.id, UpdateActivityTypeRequest: { name: "Video" } });
  const priority = await fields.getActivityField({ field_code: "priority" });
  const high = priority.data.options.find((option) => option.label === "High");
  const page = await fields.getActivityFields({ limit: 10, include_fields: "ui_visibility" });
  const next = await fields.getActivityFields({ limit: 10, cursor: page.additional_data.next_cursor });
  const v1Fields = await fieldsV1.getActivityFields();
  const activity = await activities.addActivity({
    AddActivityRequest: { subject: "Demo by video", type: added.data.key_string, priority: high.id } });
  const listed = await activities.getActivities({ ids: String(activity.data.id) });
  const deleted = await types.deleteActivityType({ id: added.data.id });
  let refused = null;
  try {
    await activities.addActivity({ AddActivityRequest: { subject: "Again", type: added.data.key_string } });
  } catch (error) {
    refused = error.error;
  }
  console.log(JSON.stringify({
    me: [me.data.id, me.data.is_you, me.data.company_domain], users: everyone.data.map((u) => u.id),
    one: one.data.email === me.data.email, before: before.data.map((t) => t.key_string),
    added: [added.data.key_string, added.data.color, added.data.is_custom_flag], renamed: renamed.data.name,
    high: high.id, page: page.data.map((f) => f.field_code), ui: page.data[0].ui_visibility !== undefined,
    next: next.data[0].field_code, v1_fields: v1Fields.data.length,
    listed: listed.data.map((a) => [a.subject, a.type, a.priority]), deleted: deleted.data.active_flag, refused,
  }));
}

main().catch((error) => { console.error(error); process.exit(1); });
