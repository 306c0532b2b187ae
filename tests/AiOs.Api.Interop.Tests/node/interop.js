// A real gRPC client written by others (@grpc/grpc-js with @grpc/proto-loader) calling an AiOs silo. It loads the
// repository's .proto files as they are, runs one scenario and prints its outcome as one JSON line; the C# tests in
// AiOs.Api.Interop.Tests decide what is right. Usage: node interop.js <scenario>
// Environment: AIOS_TARGET (host:port), AIOS_OPERATOR_KEY, AIOS_READ_ONLY_KEY.
'use strict';

const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const protos = path.resolve(__dirname, '../../../src/AiOs.Api.Contracts/Protos');
const definition = protoLoader.loadSync(
  ['aios/v1/health.proto', 'aios/v1/cluster.proto', 'aios/v1/api_keys.proto'],
  // protobufjs ships google/protobuf/*.proto (descriptor.proto for the access option among them).
  { includeDirs: [protos, path.dirname(require.resolve('protobufjs/package.json'))], keepCase: false, longs: String, enums: String, defaults: true });
const aios = grpc.loadPackageDefinition(definition).aios.v1;

const target = process.env.AIOS_TARGET;
const credentials = grpc.credentials.createInsecure();

function metadata(key) {
  const m = new grpc.Metadata();
  if (key) m.set('authorization', 'Bearer ' + key);
  return m;
}

function unary(client, method, request, key, options) {
  return new Promise((resolve) => {
    client[method](request, metadata(key), options || {}, (error, response) =>
      resolve(error ? { code: error.code, details: error.details } : { code: 0, response }));
  });
}

function deadlineIn(ms) {
  return new Date(Date.now() + ms);
}

const scenarios = {
  // Unary, open method, then a closed one with an operator key.
  async unary() {
    const health = await unary(new aios.Health(target, credentials), 'getHealth', {}, null);
    const silos = await unary(new aios.Cluster(target, credentials), 'listSilos', {}, process.env.AIOS_OPERATOR_KEY);
    return { health, silos };
  },

  // A server stream of live samples: take three, then cancel.
  async stream() {
    const client = new aios.Cluster(target, credentials);
    const call = client.watchClusterStats({ interval: { seconds: 0, nanos: 100000000 } }, metadata(process.env.AIOS_OPERATOR_KEY));
    const samples = [];
    return new Promise((resolve) => {
      call.on('data', (sample) => {
        samples.push(sample);
        if (samples.length === 3) call.cancel();
      });
      call.on('error', (error) => resolve({ code: error.code, samples }));
      call.on('end', () => resolve({ code: 0, samples }));
    });
  },

  // A stream whose deadline passes before it would send anything (one sample a minute).
  async deadline() {
    const client = new aios.Cluster(target, credentials);
    const call = client.watchClusterStats({ interval: { seconds: 60 } }, metadata(process.env.AIOS_OPERATOR_KEY), { deadline: deadlineIn(300) });
    return new Promise((resolve) => {
      call.on('data', () => {});
      call.on('error', (error) => resolve({ code: error.code, details: error.details }));
      call.on('end', () => resolve({ code: 0 }));
    });
  },

  async wrongKey() {
    return unary(new aios.Cluster(target, credentials), 'listSilos', {}, 'aios_0123456789ab_' + 'x'.repeat(43));
  },

  // A write (creating a key) with a read-only key.
  async readOnlyWrite() {
    return unary(new aios.ApiKeys(target, credentials), 'createApiKey', { name: 'nope', scope: 'API_KEY_SCOPE_OPERATOR' }, process.env.AIOS_READ_ONLY_KEY);
  },

  // The same write with the operator key succeeds (so the refusal above is the scope, not the request).
  async operatorWrite() {
    return unary(new aios.ApiKeys(target, credentials), 'createApiKey', { name: 'from node', scope: 'API_KEY_SCOPE_READ_ONLY' }, process.env.AIOS_OPERATOR_KEY);
  },
};

const scenario = scenarios[process.argv[2]];
if (!scenario) {
  console.error('unknown scenario ' + process.argv[2] + '; one of ' + Object.keys(scenarios).join(', '));
  process.exit(2);
}

scenario().then(
  (result) => { console.log(JSON.stringify(result)); process.exit(0); },
  (error) => { console.error(String(error && error.stack || error)); process.exit(1); });
