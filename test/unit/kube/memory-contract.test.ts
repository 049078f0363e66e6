import { MemoryKube } from '../../../src/kube/memory.js';
import { runKubeContract } from '../../contract/kube-contract.js';

runKubeContract('MemoryKube', async () => {
  const client = new MemoryKube();
  return { client, as: (fieldManager) => client.withFieldManager(fieldManager), namespace: 'contract', cleanup: async () => {} };
});
