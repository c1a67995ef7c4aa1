/**
 * The store contract suite: one definition of ReportStore behaviour that every engine must pass.
 * Engines call `runStoreContract('sqlite', factory)` from their own test file. The factory must
 * honour the StoreOptions it is given and, with `reuse`, open the same database as that closed store.
 */
import { describe } from 'node:test';
import { crudContract } from './contract-crud.ts';
import { durabilityContract } from './contract-durability.ts';
import type { ContractStoreFactory } from './contract-fixtures.ts';
import { listContract } from './contract-list.ts';
import { resultsContract } from './contract-results.ts';
import { watchBackpressureContract, watchContract } from './contract-watch.ts';

export type { ContractStoreFactory } from './contract-fixtures.ts';

export function runStoreContract(name: string, makeStore: ContractStoreFactory): void {
  describe(`ReportStore contract: ${name}`, () => {
    crudContract(makeStore);
    listContract(makeStore);
    watchContract(makeStore);
    watchBackpressureContract(makeStore);
    durabilityContract(makeStore);
    resultsContract(makeStore);
  });
}
