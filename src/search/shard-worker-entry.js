// Worker threads start without the parent's loader hooks: register tsx, then load the worker.
import { register } from 'tsx/esm/api';

register();
await import('./shard-worker.ts');
