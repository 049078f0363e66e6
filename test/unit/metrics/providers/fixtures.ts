/**
 * Answers after the examples of each API's documentation (the page is named above each), trimmed to
 * the fields that matter; where a page shows XML or a client library's view, its JSON wire form.
 * Written from the docs as read at the time, not fetched by the tests.
 */

/** docs.datadoghq.com/api/latest/metrics/#query-timeseries-points, "Response" example. */
export const DATADOG_QUERY = {
  status: 'ok',
  res_type: 'time_series',
  resp_version: 1,
  query: 'avg:system.cpu.user{*}',
  from_date: 1575317847000,
  to_date: 1575317850000,
  series: [
    {
      metric: 'system.cpu.user', display_name: 'system.cpu.user', unit: null, aggr: 'avg', scope: '*', expression: 'avg:system.cpu.user{*}',
      pointlist: [[1575317847000, 0.5], [1575317850000, 0.8]], start: 1575317847000, end: 1575317850000, interval: 1, length: 2, tag_set: [],
    },
  ],
  values: [], times: [], message: '', group_by: [],
};

/** docs.dynatrace.com/docs/dynatrace-api/environment-api/metric-v2/get-data-points, "Response body" example. */
export const DYNATRACE_QUERY = {
  totalCount: 1,
  nextPageKey: null,
  resolution: 'Inf',
  result: [
    {
      metricId: 'builtin:service.response.time:percentile(99)',
      dataPointCountRatio: 0.0001,
      dimensionCountRatio: 0.0001,
      data: [
        { dimensions: ['SERVICE-9B16B9C5B03836C5'], dimensionMap: { 'dt.entity.service': 'SERVICE-9B16B9C5B03836C5' }, timestamps: [1589456100000], values: [1051.8] },
        { dimensions: ['SERVICE-36D9D0A9F4B2B3D3'], dimensionMap: { 'dt.entity.service': 'SERVICE-36D9D0A9F4B2B3D3' }, timestamps: [1589456100000], values: [242.4] },
      ],
    },
  ],
};

/** docs.newrelic.com/docs/apis/insights-apis/query-insights-event-data-api, the JSON answer of a query. */
export const NEWRELIC_QUERY = {
  results: [{ result: 2.16 }],
  metadata: { eventTypes: ['Metric'], eventType: 'Metric', openEnded: true, messages: [], contents: [{ function: 'alias', alias: 'result' }] },
};

/** graphite.readthedocs.io/en/latest/render_api.html, `format=json` example. */
export const GRAPHITE_RENDER = [
  { target: 'entries', datapoints: [[1.0, 1311836008], [2.0, 1311836009], [3.0, 1311836010], [5.0, 1311836011], [6.0, 1311836012]] },
];

/** docs.influxdata.com/influxdb/v2/reference/syntax/annotated-csv/, the annotated CSV example. */
export const INFLUXDB_CSV = [
  '#group,false,false,true,true,false,false,true,true,true',
  '#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string',
  '#default,_result,,,,,,,,',
  ',result,table,_start,_stop,_time,_value,_field,_measurement,host',
  ',,0,2020-02-17T22:19:49.747562847Z,2020-02-18T22:19:49.747562847Z,2020-02-18T10:34:08.135814545Z,1.4,f,test,1',
  ',,1,2020-02-17T22:19:49.747562847Z,2020-02-18T22:19:49.747562847Z,2020-02-18T22:08:44.850214724Z,6.6,f,test,3',
  '',
].join('\r\n');

/** docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html, the response elements as JSON. */
export const CLOUDWATCH_GET_METRIC_DATA = {
  MetricDataResults: [
    { Id: 'm1', Label: 'RequestCount', Timestamps: [1741064700, 1741064640], Values: [0.005, 0.004], StatusCode: 'Complete' },
  ],
  Messages: [],
};

/** cloud.google.com/monitoring/api/ref_v3/rest/v3/QueryTimeSeriesResponse, with one series of one point. */
export const STACKDRIVER_QUERY = {
  timeSeriesDescriptor: {
    labelDescriptors: [{ key: 'resource.project_id' }, { key: 'resource.service_name' }],
    pointDescriptors: [{ key: 'value.request_latencies_percentile', valueType: 'DOUBLE', metricKind: 'GAUGE' }],
  },
  timeSeriesData: [
    {
      labelValues: [{ stringValue: 'my-project' }, { stringValue: 'podinfo' }],
      pointData: [{ values: [{ doubleValue: 212.5 }], timeInterval: { startTime: '2025-03-04T05:05:00Z', endTime: '2025-03-04T05:05:00Z' } }],
    },
  ],
};

/** dev.splunk.com/observability/docs/signalflow/messages: a computation's stream, as server-sent events. */
export const SIGNALFLOW_STREAM = [
  'event: control-message',
  'data: {',
  'data:   "event" : "STREAM_START",',
  'data:   "timestampMs" : 1461353198716',
  'data: }',
  '',
  'event: control-message',
  'data: { "event" : "JOB_START", "handle" : "CjdeUOoAgAA", "timestampMs" : 1461353198889 }',
  '',
  'event: metadata',
  'data: { "properties" : { "sf_metric" : "cpu.utilization", "sf_originatingMetric" : "cpu.utilization" }, "tsId" : "AAAAAH7ZjXw" }',
  '',
  'event: data',
  'data: {',
  'data:   "data" : [ { "tsId" : "AAAAAH7ZjXw", "value" : 3.5 } ],',
  'data:   "logicalTimestampMs" : 1461353198000',
  'data: }',
  '',
  'event: data',
  'data: { "data" : [ { "tsId" : "AAAAAH7ZjXw", "value" : 4.25 } ], "logicalTimestampMs" : 1461353199000 }',
  '',
  'event: control-message',
  'data: { "event" : "END_OF_CHANNEL", "timestampMs" : 1461353200000 }',
  '',
].join('\n');
