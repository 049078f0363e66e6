import { MemoryKube } from '../../../src/kube/memory.js';
import { runKubeContract } from '../../contract/kube-contract.js';

runKubeContract('MemoryKube', async () => ({ client: new MemoryKube(), namespace: 'contract', cleanup: async () => {} }));
