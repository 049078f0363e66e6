/** Every metric provider's secretRef keys (Flagger's names), so that only what a template lacks can fail a build. */
export const EVERY_METRIC_CREDENTIAL: Readonly<Record<string, string>> = {
  token: 't', org: 'o', username: 'u', password: 'p', datadog_api_key: 'k', datadog_application_key: 'k', newrelic_account_id: '1',
  newrelic_query_key: 'k', dynatrace_token: 't', sf_token_key: 't', aws_access_key_id: 'AKID', aws_secret_access_key: 's',
  project: 'my-project', serviceAccountKey: JSON.stringify({ client_email: 'pennant@my-project.iam.gserviceaccount.com', private_key: 'pem' }),
};
