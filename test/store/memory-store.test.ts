import { MemoryStore } from '../../src/store/memory-store.js';
import { runStoreContract } from '../support/contracts/store-contract.js';

runStoreContract('memory', async (clock) => new MemoryStore(clock));
